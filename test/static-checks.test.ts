import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO } from './helpers';

/*
 * The type check (`tsc --noEmit`) and the lint (`eslint --max-warnings 0`, eslint.config.mjs)
 * of the whole project, over one TypeScript program (scripts/static-checks.mjs): zero problems.
 * They are a test so that they run beside the other test files (test/sequencer.js starts this
 * file first) rather than before all of them; jest itself only strips types
 * (test/esbuild-transform.js). The bodies of the generated constructs in imports/ are
 * type-checked by `npm run import` and `npm run test:programs`, which also shows the checks
 * catching mistakes (test/programs/static-checks.test.ts).
 */
test('the project type-checks and lints clean', () => {
  const r = spawnSync(process.execPath, [join(REPO, 'scripts', 'static-checks.mjs')], { cwd: REPO, encoding: 'utf8' });
  expect(`${r.stdout}${r.stderr}`).toBe('');
  expect(r.status).toBe(0);
}, 300_000);
