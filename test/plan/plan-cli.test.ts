import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../main';
import { defaultSpecText } from '../helpers';

/*
 * The command line on a repository of its own: a cluster synthesized and committed, then
 * the storage node's address edited. npm run plan names the refused updates and the steps;
 * npm run synth refuses and writes nothing; with --migrate it writes the migrated outputs.
 */

const git = (dir: string, ...args: string[]): void => {
  const r = spawnSync('git', ['-C', dir, '-c', 'user.name=test', '-c', 'user.email=test@example.net', ...args], { encoding: 'utf8' });
  expect(r.status).toBe(0);
};

describe('npm run plan and synth on a day-2 edit', () => {
  let dir: string;
  let spec: string;
  const claimFile = (): string => readFileSync(join(dir, 'dist/games/games/persistentvolumeclaim-minecraft-world.yaml'), 'utf8');

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'homelab-day2-'));
    spec = join(dir, 'cluster.yaml');
    writeFileSync(spec, defaultSpecText());
    expect((await run(['--spec', spec, '--out', dir])).exitCode).toBe(0);
    git(dir, 'init', '-q');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'first synth');
    writeFileSync(spec, defaultSpecText().replace('ip: 192.168.10.10', 'ip: 192.168.10.20'));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('GIVEN the address edit WHEN planned THEN the claims are REJECTED with the way forward, and the migration is printed', async () => {
    const r = await run(['--plan', '--spec', spec]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('  REJECTED  PersistentVolumeClaim/games/minecraft-world\n      spec.storageClassName: "spec is immutable after creation');
    expect(r.stdout).toContain('  1. stop: flux suspend kustomization games\n');
    expect(r.stdout).toContain('2 updates the API server would refuse: npm run synth stops unless you follow the migrations and pass --migrate.\n');
  });

  test('GIVEN the address edit WHEN synthesized THEN it exits 1 naming object and field, and no file changes', async () => {
    const before = claimFile();
    const r = await run(['--spec', spec, '--out', dir]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('PersistentVolumeClaim/games/minecraft-world: spec.storageClassName: the API server refuses this update');
    expect(r.stderr).not.toContain('    at ');
    expect(claimFile()).toBe(before);
  });

  test('GIVEN the address edit WHEN synthesized with --migrate THEN the claim moves to the class of the new address', async () => {
    const r = await run(['--spec', spec, '--out', dir, '--migrate']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('[api-update]   1. stop: flux suspend kustomization games');
    expect(claimFile()).toMatch(/storageClassName: nfs-games-[0-9a-f]{6}\n/);
    expect(claimFile()).not.toContain('storageClassName: nfs-games-29db49\n');
  });
});
