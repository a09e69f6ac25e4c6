import { rmSync } from 'node:fs';
import { badProject, staticChecks } from './helpers-static';

/*
 * The type check and the lint of the whole project (scripts/static-checks.mjs: oxlint with its
 * type-aware rules and type check, the rules of .oxlintrc.json, generated from
 * eslint.config.mjs): zero problems, and a scratch project's type error and floating promise
 * found, so a linter that runs nothing fails here. They are a test so that they run beside the
 * other test files rather than before all of them; jest itself only strips types
 * (test/esbuild-transform.js). The reference checks (tsc and ESLint with typescript-eslint, the
 * generated imports/ included) and the configuration being the generated one are tested by
 * `npm run test:programs` (test/programs/static-checks.test.ts).
 */
test('the project type-checks and lints clean', () => {
  const r = staticChecks();
  expect(`${r.stdout}${r.stderr}`).toBe('');
  expect(r.status).toBe(0);
}, 120_000);

test('GIVEN a type error and a floating promise THEN both are reported and the run fails', () => {
  const dir = badProject();
  try {
    const r = staticChecks('--root', dir);
    expect(r.stdout).toMatch(/[x×] typescript\(TS2322\): Type 'string' is not assignable to type 'number'\.\n +(?:,-|╭─)\[bad\.ts:1:7\]/);
    expect(r.stdout).toMatch(/[x×] typescript\(no-floating-promises\): Promises must be awaited.*\n +(?:,-|╭─)\[bad\.ts:6:3\]/);
    expect(r.stdout).toContain('Found 0 warnings and 2 errors.');
    expect(r.status).toBe(1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);
