import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO } from './helpers';

/*
 * The type check of the whole project (tsconfig.json: main.ts, lib/, charts/, imports/,
 * test/, scripts/), as `tsc --noEmit` runs it. It is a test so that it runs beside the other
 * test files (test/sequencer.js starts it first) rather than before all of them; jest itself
 * only strips types (esbuild, test/esbuild-transform.js).
 */
test('tsc --noEmit finds no type error', () => {
  const tsc = spawnSync(process.execPath, [join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '-p', REPO], {
    cwd: REPO,
    encoding: 'utf8',
  });
  expect(`${tsc.stdout}${tsc.stderr}`).toBe('');
  expect(tsc.status).toBe(0);
}, 300_000);
