// npm run check:static: the type check and the lint of the project.
//
// By default (npm test, on every save) they run natively: oxlint with its type-aware rules and
// type check (`--type-aware --type-check`: tsgolint over typescript-go, TypeScript 7), with the
// rules of .oxlintrc.json. That file is generated from eslint.config.mjs by @oxlint/migrate
// (`npm run lint:config`; test/programs/static-checks.test.ts fails when it differs), so the
// rules are written in one place. A few seconds where the reference below takes half a minute.
//
// `--full` (npm run test:programs, CI) runs the reference: `tsc --noEmit` (tsconfig.json,
// TypeScript 5.9, the generated imports/ included) and ESLint with typescript-eslint
// (eslint.config.mjs, --max-warnings 0) over one TypeScript program: the program is built and
// checked once, and typescript-eslint's type-aware rules read its checker
// (parserOptions.programs) instead of building their own through the project service. What it
// reports is what `tsc --noEmit` and `npm run lint` report. The rules oxlint does not implement
// (@oxlint/migrate lists them) run only here.
//
//   node scripts/static-checks.mjs [--full] [--root DIR]   (DIR: a folder with a tsconfig.json; default the project)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const project = resolve(fileURLToPath(import.meta.url), '..', '..');
const rootAt = process.argv.indexOf('--root');
const rootArg = rootAt === -1 ? undefined : process.argv[rootAt + 1];
if (rootAt !== -1 && (rootArg === undefined || rootArg.startsWith('--'))) {
  process.stdout.write('--root needs a folder: node scripts/static-checks.mjs [--full] [--root DIR]\n');
  process.exit(2);
}
const root = rootArg === undefined ? project : resolve(rootArg);

if (process.argv.includes('--full')) await reference();
else native();

function native() {
  const bin = (name) => join(project, 'node_modules', '.bin', name);
  for (const name of ['oxlint', 'tsgolint']) {
    if (!existsSync(bin(name))) {
      process.stdout.write(`${bin(name)} is missing: run npm ci\n`);
      process.exit(2);
    }
  }
  // A root of its own (a scratch project) without a .oxlintrc.json gets the project's rules; the
  // patterns that file ignores (imports/**, dist/**, ...) are relative to the project, not to it.
  const config = existsSync(join(root, '.oxlintrc.json')) ? join(root, '.oxlintrc.json') : join(project, '.oxlintrc.json');
  const r = spawnSync(
    bin('oxlint'),
    ['--config', config, '--tsconfig', join(root, 'tsconfig.json'), '--type-aware', '--type-check', '--deny-warnings', '--report-unused-disable-directives-severity=error', '.'],
    { cwd: root, encoding: 'utf8', maxBuffer: 1 << 30, env: { ...process.env, OXLINT_TSGOLINT_PATH: bin('tsgolint') } },
  );
  if (r.error) {
    process.stdout.write(`oxlint did not run: ${r.error.message}\n`);
    process.exit(2);
  }
  // On success oxlint prints only its count; on a problem, each with its code frame.
  if (r.status !== 0) process.stdout.write(`${r.stdout}${r.stderr}`);
  process.exitCode = r.status === 0 ? 0 : 1;
}

async function reference() {
  const { ESLint } = await import('eslint');
  const { default: ts } = await import('typescript');
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
}
