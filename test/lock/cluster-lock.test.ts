import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { UserError } from '../../lib/errors';
import { formatClusterLock, lockPathFor, parseClusterLock } from '../../lib/lock/cluster-lock';
import { synthesize } from '../../lib/synth';
import { OUTPUT_DIRS, run } from '../../main';
import { defaultSpecText, fixtures, REPO } from '../helpers';
import { synthesized } from '../helpers-render';

/* The cluster lock beside the spec: VIPs and storage history that stay put without dist/. */

function tree(root: string, dirs: readonly string[] = OUTPUT_DIRS): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else out[relative(root, full)] = createHash('sha256').update(readFileSync(full)).digest('hex');
    }
  };
  for (const d of dirs) if (existsSync(join(root, d))) walk(join(root, d));
  return out;
}

const LOCK = join(REPO, 'cluster.lock.yaml');
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'homelab-lock-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A checkout without outputs: the shipped spec and its lock only. */
function specWithLock(): string {
  copyFileSync(join(REPO, 'cluster.yaml'), join(dir, 'cluster.yaml'));
  copyFileSync(LOCK, join(dir, 'cluster.lock.yaml'));
  return join(dir, 'cluster.yaml');
}

describe('the cluster lock', () => {
  test('names the lock after whatever --spec names', () => {
    expect(lockPathFor('/a/cluster.yaml')).toBe('/a/cluster.lock.yaml');
    expect(lockPathFor('/a/site.yml')).toBe('/a/site.lock.yml');
    expect(lockPathFor('/a/spec')).toBe('/a/spec.lock.yaml');
  });

  test('GIVEN the committed lock WHEN synth writes into an empty --out elsewhere THEN the bytes equal the committed outputs, and the lock is left alone', async () => {
    const lockBefore = readFileSync(LOCK, 'utf8');
    const result = await run(['--out', join(dir, 'empty')]);
    expect(result.exitCode).toBe(0);
    expect(tree(join(dir, 'empty'))).toEqual(tree(REPO));
    expect(readFileSync(LOCK, 'utf8')).toBe(lockBefore);
    expect(readdirSync(join(dir, 'empty')).sort()).toEqual([...OUTPUT_DIRS]);
  });

  test('GIVEN the spec and its lock without dist/ (deleted) WHEN synth runs beside them THEN the outputs are the committed ones and the lock is unchanged', async () => {
    const spec = specWithLock();
    const result = await run(['--spec', spec, '--out', dir]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).not.toContain('lock:');
    expect(tree(dir)).toEqual(tree(REPO));
    expect(readFileSync(join(dir, 'cluster.lock.yaml'), 'utf8')).toBe(readFileSync(LOCK, 'utf8'));
  });

  test('GIVEN no lock yet WHEN synth runs beside the spec THEN it writes the lock its outputs imply', async () => {
    copyFileSync(join(REPO, 'cluster.yaml'), join(dir, 'cluster.yaml'));
    const result = await run(['--spec', join(dir, 'cluster.yaml'), '--out', dir]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('lock: ');
    const lock = parseClusterLock(readFileSync(join(dir, 'cluster.lock.yaml'), 'utf8'), 'cluster.lock.yaml');
    const { cluster } = await synthesized();
    expect([...lock.vips]).toEqual(cluster.vips.entries());
    // and a second synth changes nothing
    const second = await run(['--spec', join(dir, 'cluster.yaml'), '--out', dir]);
    expect(second.stdout).toMatch(/files: 0 added, 0 changed, \d+ unchanged, 0 removed/);
    expect(second.stdout).not.toContain('lock:');
  });

  test.each([
    ['a VIP that is no address', 'ingress: 192.168.10.218', 'ingress: 300.1.1.1', 'vips.ingress: must be an IPv4 address A.B.C.D (found "300.1.1.1")'],
    ['an unknown field', 'version: 1', 'version: 1\nextra: true', '(top level): Unrecognized key: "extra"'],
    ['a request that is no quantity', 'request: 20Gi', 'request: twenty', 'storage.claims.games/minecraft-world.request: must be a quantity such as 20Gi (found "twenty")'],
    ['another format version', 'version: 1', 'version: 2', 'version: must be 1 (the lock format this version of the tool writes) (found 2)'],
  ])('GIVEN a hand-edited lock with %s THEN a clean error naming the field and value, and nothing written', async (_what, from, to, problem) => {
    const spec = specWithLock();
    const text = readFileSync(join(dir, 'cluster.lock.yaml'), 'utf8');
    expect(text).toContain(from);
    writeFileSync(join(dir, 'cluster.lock.yaml'), text.replace(from, to));
    const result = await run(['--spec', spec, '--out', dir]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(`  - ${problem}\n`);
    expect(result.stderr).not.toContain('    at ');
    expect(readdirSync(dir).sort()).toEqual(['cluster.lock.yaml', 'cluster.yaml']);
  });

  test('a lock that is not YAML, or uses aliases, is refused cleanly', () => {
    expect(() => parseClusterLock('vips: [', 'x.lock.yaml')).toThrow(UserError);
    expect(() => parseClusterLock('version: 1\nvips: &a { a: 10.0.0.1 }\nstorage: { claims: *a }\n', 'x.lock.yaml')).toThrow(UserError);
  });

  test.each([['cluster.yaml', defaultSpecText()], ...fixtures('valid')])('the lock of %s holds addresses, class names, quantities and StorageClasses only, and reads back as written', async (name, text) => {
    const { lock } = await synthesize(text, name);
    const written = formatClusterLock(lock);
    const again = parseClusterLock(written, 'x');
    expect(formatClusterLock(again)).toBe(written);
    for (const [, claim] of lock.claims) expect(Object.keys(claim).every((k) => k === 'storageClassName' || k === 'request')).toBe(true);
    for (const [, cls] of lock.classes) {
      expect(Object.keys(cls).sort()).toEqual(expect.arrayContaining(['metadata', 'provisioner']));
      // no Secret is named or inlined: a class's CSI secrets would be `csi.storage.k8s.io/*-secret-*`
      expect(JSON.stringify(cls)).not.toMatch(/secret/i);
    }
  });
});
