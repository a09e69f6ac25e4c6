// npm run check:static: the type check (tsc --noEmit, tsconfig.json) and the lint (eslint
// --max-warnings 0, eslint.config.mjs) over one TypeScript program. Run apart, tsc and
// typescript-eslint each build the program and each type-check the project; here the program is
// built and checked once, and typescript-eslint's type-aware rules read that program's checker
// (parserOptions.programs) instead of building their own through the project service. What is
// reported is what `tsc --noEmit` and `npm run lint` report, except for the bodies of the
// generated constructs in imports/ (a third of the project's lines): the project's own code is
// checked against their types, but they themselves are type-checked where they change, by
// `npm run import` after it writes them and by `--generated` (npm run test:programs, CI).
//
//   node scripts/static-checks.mjs [--root DIR]   (DIR: a folder with a tsconfig.json; default the project)
//   node scripts/static-checks.mjs --generated [--root DIR]   (only the type check of DIR/imports/)
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import ts from 'typescript';

const project = resolve(fileURLToPath(import.meta.url), '..', '..');
const rootAt = process.argv.indexOf('--root');
const root = rootAt === -1 ? project : resolve(process.argv[rootAt + 1]);
const generatedOnly = process.argv.includes('--generated');
/** The generated constructs (npm run import, eslint.config.mjs ignores them too). */
const generated = `${resolve(root, 'imports')}/`;
const isGenerated = (file) => resolve(root, file).startsWith(generated);

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
// ts.getPreEmitDiagnostics, with the semantic check of the files chosen: the checker checks a
// file's statements only when asked for that file's diagnostics, and resolves the types other
// files use from it either way.
const checked = program.getSourceFiles().filter((f) => !program.isSourceFileDefaultLibrary(f) && !program.isSourceFileFromExternalLibrary(f) && isGenerated(f.fileName) === generatedOnly);
const diagnostics = [
  ...program.getConfigFileParsingDiagnostics(),
  ...program.getOptionsDiagnostics(),
  ...program.getSyntacticDiagnostics(),
  ...program.getGlobalDiagnostics(),
  ...checked.flatMap((f) => program.getSemanticDiagnostics(f)),
];
process.stdout.write(ts.formatDiagnostics(ts.sortAndDeduplicateDiagnostics(diagnostics), host));
if (generatedOnly) {
  if (checked.length === 0) process.stdout.write(`no generated files under ${generated}\n`);
  process.exit(diagnostics.length > 0 || checked.length === 0 ? 1 : 0);
}

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
