import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { REPO } from '../helpers';

/*
 * test/jest-runtime.js keeps module sources, transforms and compiles for all the test files of
 * a worker. Run by jest itself, in one worker, on a scratch project: a module rewritten by one
 * test file, to the same size, is read afresh by the next. (A rewrite that also puts the old
 * mtime back is served stale by jest's own ScriptTransformer, which keeps a worker's
 * transforms by file name and mtime, with or without this runtime.)
 */
test('GIVEN a module rewritten between two test files of one worker THEN the second file runs the new code', () => {
  const dir = mkdtempSync(join(tmpdir(), 'jest-runtime-'));
  try {
    writeFileSync(join(dir, 'mod.js'), "module.exports = { v: 'old' };\n");
    writeFileSync(
      join(dir, 'a.test.js'),
      [
        "const { writeFileSync } = require('node:fs');",
        "const { join } = require('node:path');",
        "test('a', () => {",
        "  expect(require('./mod.js').v).toBe('old');",
        "  writeFileSync(join(__dirname, 'mod.js'), \"module.exports = { v: 'new' };\\n\");",
        '});',
        '',
      ].join('\n'),
    );
    writeFileSync(join(dir, 'b.test.js'), "test('b', () => { expect(require('./mod.js').v).toBe('new'); });\n");
    // a.test.js, then b.test.js
    writeFileSync(
      join(dir, 'sequencer.js'),
      "const S = require(process.env.SEQUENCER).default;\nmodule.exports = class extends S { sort(tests) { return [...tests].sort((x, y) => x.path.localeCompare(y.path)); } };\n",
    );
    const config = { rootDir: dir, runtime: join(REPO, 'test', 'jest-runtime.js'), transform: {}, testSequencer: join(dir, 'sequencer.js'), cacheDirectory: join(dir, '.jest') };
    const r = spawnSync(process.execPath, [join(REPO, 'node_modules', 'jest', 'bin', 'jest.js'), '--runInBand', '--ci', '--config', JSON.stringify(config)], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, SEQUENCER: require.resolve('@jest/test-sequencer', { paths: [REPO] }) },
    });
    // jest's report is coloured where CI=true or FORCE_COLOR is set.
    const report = stripVTControlCharacters(r.stderr);
    expect(report).toMatch(/PASS .*a\.test\.js[\s\S]*PASS .*b\.test\.js/);
    expect(report).toContain('Tests:       2 passed, 2 total');
    expect(r.status).toBe(0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);
