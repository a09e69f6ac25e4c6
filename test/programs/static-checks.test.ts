import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO } from '../helpers';

/*
 * scripts/static-checks.mjs itself: both ways it runs find a type error and a lint problem; the
 * reference (`--full`: tsc and ESLint with typescript-eslint, the generated imports/ included)
 * passes on the project; and the rules npm test lints with (.oxlintrc.json) are the ones
 * @oxlint/migrate derives from eslint.config.mjs, so they are written in one place.
 */
const staticChecks = (...args: string[]) =>
  spawnSync(process.execPath, [join(REPO, 'scripts', 'static-checks.mjs'), ...args], { cwd: REPO, encoding: 'utf8' });

describe.each([
  ['oxlint (npm test)', [] as string[], "bad.ts:1:7: Type 'string' is not assignable to type 'number'.", /^bad\.ts:6:3: Promises must be awaited.*no-floating-promises/m],
  ['tsc and ESLint (--full)', ['--full'], "bad.ts(1,7): error TS2322: Type 'string' is not assignable to type 'number'.", /6:3 +error +Promises must be awaited.*@typescript-eslint\/no-floating-promises/],
])('%s', (_name, mode, typeError, lintProblem) => {
  test('GIVEN a type error and a floating promise THEN both are reported and the run fails', () => {
    const dir = mkdtempSync(join(tmpdir(), 'static-checks-'));
    try {
      writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, noEmit: true, target: 'ES2022', module: 'node16', types: [] }, include: ['*.ts'] }));
      writeFileSync(
        join(dir, 'bad.ts'),
        ["const n: number = 'seven';", 'async function later(): Promise<number> {', '  return n;', '}', 'export function start(): void {', '  later();', '}', ''].join('\n'),
      );
      const r = staticChecks(...mode, '--root', dir);
      expect(r.stdout).toContain(typeError);
      expect(r.stdout).toMatch(lintProblem);
      expect(r.status).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

test('the reference checks pass on the project, the generated imports/ included', () => {
  const r = staticChecks('--full');
  expect(`${r.stdout}${r.stderr}`).toBe('');
  expect(r.status).toBe(0);
}, 300_000);

test('.oxlintrc.json is what @oxlint/migrate generates from eslint.config.mjs (npm run lint:config)', () => {
  const dir = mkdtempSync(join(REPO, '.cache', 'oxlintrc-'));
  try {
    // @oxlint/migrate joins --output-file to the working directory
    const out = join(dir.slice(REPO.length + 1), 'oxlintrc.json');
    const r = spawnSync(process.execPath, [join(REPO, 'node_modules', '@oxlint', 'migrate', 'dist', 'bin', 'oxlint-migrate.mjs'), 'eslint.config.mjs', '--type-aware', '--js-plugins=false', '--output-file', out], { cwd: REPO, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(readFileSync(join(REPO, '.oxlintrc.json'), 'utf8')).toBe(readFileSync(join(REPO, out), 'utf8'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);
