import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO } from './helpers';

/*
 * typescript-eslint over the project (eslint.config.mjs), as `npm run lint` runs it: zero
 * problems, zero warnings. It is a test, like the type check, so that it runs beside the other
 * test files (test/sequencer.js starts it early) rather than before all of them.
 */
test('eslint --max-warnings 0 finds no problem', () => {
  const eslint = spawnSync(process.execPath, [join(REPO, 'node_modules', 'eslint', 'bin', 'eslint.js'), '--max-warnings', '0', '.'], {
    cwd: REPO,
    encoding: 'utf8',
  });
  expect(`${eslint.stdout}${eslint.stderr}`).toBe('');
  expect(eslint.status).toBe(0);
}, 300_000);
