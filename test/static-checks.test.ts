import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO } from './helpers';

/*
 * The type check and the lint of the whole project (scripts/static-checks.mjs: oxlint with its
 * type-aware rules and type check, the rules of .oxlintrc.json, generated from
 * eslint.config.mjs): zero problems. They are a test so that they run beside the other test
 * files rather than before all of them; jest itself only strips types
 * (test/esbuild-transform.js). The reference checks (tsc and ESLint with typescript-eslint, the
 * generated imports/ included), the checks catching mistakes and the configuration being the
 * generated one are tested by `npm run test:programs` (test/programs/static-checks.test.ts).
 */
test('the project type-checks and lints clean', () => {
  const r = spawnSync(process.execPath, [join(REPO, 'scripts', 'static-checks.mjs')], { cwd: REPO, encoding: 'utf8' });
  expect(`${r.stdout}${r.stderr}`).toBe('');
  expect(r.status).toBe(0);
}, 120_000);
