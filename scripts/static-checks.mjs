// npm run check:static: the type check (tsc --noEmit, tsconfig.json) and the lint (eslint
// --max-warnings 0, eslint.config.mjs) over one TypeScript program. Run apart, tsc and
// typescript-eslint each build the program and each type-check the project; here the program is
// built and checked once, and typescript-eslint's type-aware rules read that program's checker
// (parserOptions.programs) instead of building their own through the project service. What is
// reported is what `tsc --noEmit` and `npm run lint` report.
//
//   node scripts/static-checks.mjs [--root DIR]   (DIR: a folder with a tsconfig.json; default the project)
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import ts from 'typescript';

const project = resolve(fileURLToPath(import.meta.url), '..', '..');
const rootAt = process.argv.indexOf('--root');
const root = rootAt === -1 ? project : resolve(process.argv[rootAt + 1]);

const host = {
  getCanonicalFileName: (f) => f,
  getCurrentDirectory: () => root,
  getNewLine: () => '\n',
};

const config = ts.getParsedCommandLineOfConfigFile(resolve(root, 'tsconfig.json'), {}, {
  ...ts.sys,
  onUnRecoverableConfigFileDiagnostic: (d) => {
    process.stdout.write(ts.formatDiagnostics([d], host));
    process.exit(2);
  },
});
if (config.errors.length > 0) {
  process.stdout.write(ts.formatDiagnostics(config.errors, host));
  process.exit(2);
}
const program = ts.createProgram({ rootNames: config.fileNames, options: config.options, projectReferences: config.projectReferences });
const diagnostics = ts.getPreEmitDiagnostics(program);
process.stdout.write(ts.formatDiagnostics(diagnostics, host));

const eslint = new ESLint({
  cwd: root,
  overrideConfigFile: resolve(project, 'eslint.config.mjs'),
  overrideConfig: [{ files: ['**/*.ts'], languageOptions: { parserOptions: { projectService: false, programs: [program] } } }],
});
const results = await eslint.lintFiles(['.']);
const warnings = results.reduce((n, r) => n + r.warningCount, 0);
const errors = results.reduce((n, r) => n + r.errorCount + r.fatalErrorCount, 0);
const report = await (await eslint.loadFormatter('stylish')).format(results);
process.stdout.write(report);
if (errors === 0 && warnings > 0) process.stdout.write(`ESLint found too many warnings (maximum: 0).\n`);
process.exitCode = diagnostics.length > 0 || errors > 0 || warnings > 0 ? 1 : 0;
