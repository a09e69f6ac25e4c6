import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseClusterLock } from '../../lib/lock/cluster-lock';
import { OUTPUT_DIRS, run, STATE_DIR } from '../../main';
import { FIXTURES, REPO, tree } from '../helpers';

/*
 * Synth processes killed inside the swap (HOMELAB_SYNTH_FAULT=kill-after-rename:N, SIGKILL at
 * the Nth rename), then the next command: the outputs and the lock are wholly the old or
 * wholly the new, never half. Each case runs two synth processes, so they are here with the
 * other tests of whole programs rather than in `npm test`.
 */

const SYNTH = join(REPO, 'scripts/synth.mjs');
function synthProcess(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [SYNTH, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
}

let out: string;
beforeEach(() => {
  out = mkdtempSync(join(tmpdir(), 'homelab-killed-'));
});
afterEach(() => {
  rmSync(out, { recursive: true, force: true });
});

describe('a synth killed inside the swap', () => {
  // The outputs of the shipped cluster and of another one, synthesized once for the six cases
  // (in this process: the same run() the synth process runs); each case starts from a copy.
  const spec = join(FIXTURES, 'valid', 'minimal.yaml');
  let shipped: string;
  let fresh: string;
  beforeAll(async () => {
    shipped = mkdtempSync(join(tmpdir(), 'homelab-shipped-'));
    fresh = mkdtempSync(join(tmpdir(), 'homelab-fresh-'));
    expect((await run(['--out', shipped])).exitCode).toBe(0);
    expect((await run(['--spec', spec, '--out', fresh])).exitCode).toBe(0);
  });
  afterAll(() => {
    for (const dir of [shipped, fresh]) rmSync(dir, { recursive: true, force: true });
  });

  // Three folders, two renames each: kill after every one of them.
  test.each([1, 2, 3, 4, 5, 6])('after rename %i, the next command leaves the outputs wholly new', (renames) => {
    // GIVEN the outputs of the shipped cluster, and the outputs of another one for comparison
    cpSync(shipped, out, { recursive: true });
    expect(tree(out, STATE_DIR)).toEqual(tree(shipped, STATE_DIR));
    // WHEN a synth process of the other cluster is killed after `renames` renames
    const killed = synthProcess(['--spec', spec, '--out', out, '--allow-data-loss'], { HOMELAB_SYNTH_FAULT: `kill-after-rename:${renames}` });
    expect(killed.signal).toBe('SIGKILL');
    if (renames < 6) {
      // Half swapped (after the sixth, only the journal's removal is left).
      expect(tree(out, STATE_DIR)).not.toEqual(tree(fresh, STATE_DIR));
    }
    // AND the next command is a synth process that fails on a bad spec
    const next = synthProcess(['--spec', join(FIXTURES, 'invalid', 'two-servers.yaml'), '--out', out]);
    // THEN the outputs are wholly the killed synth's, nothing of it is left behind, the lock is free
    expect(next.status).toBe(1);
    expect(next.stderr).not.toContain('    at ');
    expect(tree(out, STATE_DIR)).toEqual(tree(fresh, STATE_DIR));
    expect(existsSync(join(out, STATE_DIR))).toBe(false);
  });

  test('a synth killed before its journal was written leaves the old outputs, and its staging folder is removed', async () => {
    // GIVEN outputs, and the staging folder of a synth killed while it wrote it (no journal)
    await run(['--out', out]);
    const before = tree(out, STATE_DIR);
    mkdirSync(join(out, STATE_DIR, 'txn-1-1/new/dist'), { recursive: true });
    writeFileSync(join(out, STATE_DIR, 'txn-1-1/new/dist/half.yaml'), 'half');
    mkdirSync(join(out, '.synth-staging-999999999'));
    // WHEN
    const result = await run(['--out', out]);
    // THEN
    expect(result.stdout).toContain(`note: removed ${STATE_DIR}/txn-1-1, left by an interrupted synth\n`);
    expect(result.stdout).toContain('note: removed .synth-staging-999999999, left by an interrupted synth\n');
    expect(result.stdout).toMatch(/files: 0 added, 0 changed, \d+ unchanged, 0 removed/);
    expect(tree(out, STATE_DIR)).toEqual(before);
    expect(readdirSync(out).sort()).toEqual([...OUTPUT_DIRS]);
  });
});

describe('a synth killed inside the swap of the lock', () => {
  test('GIVEN a synth that changes the lock killed inside the swap WHEN the next command runs THEN outputs and lock are wholly new', () => {
    // GIVEN a checkout with outputs and lock
    copyFileSync(join(REPO, 'cluster.yaml'), join(out, 'cluster.yaml'));
    copyFileSync(join(REPO, 'cluster.lock.yaml'), join(out, 'cluster.lock.yaml'));
    const spec = join(out, 'cluster.yaml');
    const synth = synthProcess;
    expect(synth(['--spec', spec, '--out', out]).status).toBe(0);
    // WHEN a second game is added and the synth is killed after the lock's first rename (three folders: six renames before it)
    const withGame = readFileSync(spec, 'utf8').replace(/(\n {2}games:\n)/, '$1    - name: valheim\n      image: docker.io/lloesche/valheim-server\n      version: "2024.10.01"\n      memoryMiB: 2048\n      worldSizeGiB: 5\n      ports:\n        - { name: game, port: 2456, protocol: UDP }\n');
    expect(withGame).toContain('name: valheim');
    writeFileSync(spec, withGame);
    const killed = synth(['--spec', spec, '--out', out], { HOMELAB_SYNTH_FAULT: 'kill-after-rename:7' });
    expect(killed.signal).toBe('SIGKILL');
    expect(existsSync(join(out, 'cluster.lock.yaml'))).toBe(false); // moved to the backup, the new one not yet in place
    // THEN the next command finishes the swap: the lock holds the new game's VIP
    const next = synth(['--spec', spec, '--out', out]);
    expect(next.stderr).toBe('');
    expect(next.stdout).toContain('note: finished the swap of an interrupted synth');
    expect(parseClusterLock(readFileSync(join(out, 'cluster.lock.yaml'), 'utf8'), 'x').vips.has('game/valheim')).toBe(true);
    expect(next.stdout).toMatch(/files: 0 added, 0 changed, \d+ unchanged, 0 removed/);
    expect(existsSync(join(out, STATE_DIR))).toBe(false);
  });
});
