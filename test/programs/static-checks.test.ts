import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from '../helpers';
import { badProject, staticChecks } from '../helpers-static';

/*
 * The reference checks of scripts/static-checks.mjs (`--full`: tsc and ESLint with
 * typescript-eslint, the generated imports/ included): they find a type error and a lint
 * problem, and pass on the project. And the rules npm test lints with (.oxlintrc.json) are the
 * ones @oxlint/migrate derives from eslint.config.mjs, so they are written in one place.
 */
test('GIVEN a type error and a floating promise THEN the reference reports both and fails', () => {
  const dir = badProject();
  try {
    const r = staticChecks('--full', '--root', dir);
    expect(r.stdout).toContain("bad.ts(1,7): error TS2322: Type 'string' is not assignable to type 'number'.");
    expect(r.stdout).toMatch(/6:3 +error +Promises must be awaited.*@typescript-eslint\/no-floating-promises/);
    expect(r.status).toBe(1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);

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
