import { mkdirSync, mkdtempSync, rmSync, writeFileSync, appendFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSpec } from '../../lib/services/registry';
import { backupScript, backupSourcePath } from '../../lib/storage/backup-plan';
import { defaultSpecText } from '../helpers';
import { inMountNamespace, requireProgram, run } from './helpers';

/*
 * The generated backup script, run by bash with the real restic (Debian's) against a local
 * repository, on a fake dataset: a folder with `.zfs/snapshot/<name>` and a stand-in `zfs`
 * that lists the snapshots and their creation times. Two nightly snapshots, two runs.
 */

const FAKE_ZFS = `#!/bin/bash
# list -H -t snapshot -o name -s creation DATASET | get -H -p -o value creation DATASET@SNAP
case "$1" in
  list) cut -d' ' -f1 "$FAKE_ZFS_SNAPSHOTS" ;;
  get) grep "^\${@: -1} " "$FAKE_ZFS_SNAPSHOTS" | cut -d' ' -f2 ;;
  *) echo "fake zfs: $*" >&2; exit 2 ;;
esac
`;

interface Snapshot {
  id: string;
  parent?: string;
  paths: string[];
  tags: string[];
  time: string;
}

describe('restic runs the generated backup script (real restic, local repository)', () => {
  let dir: string;
  const env = (): NodeJS.ProcessEnv => ({
    PATH: `${join(dir, 'bin')}:${process.env.PATH}`,
    FAKE_ZFS_SNAPSHOTS: join(dir, 'snapshots'),
    RESTIC_PASSWORD: 'converge-test',
    RESTIC_CACHE_DIR: join(dir, 'cache'),
    TZ: 'UTC',
  });
  const dataset = 'tank/games';
  const mountpoint = (): string => join(dir, 'tank', 'games');
  const repo = (): string => join(dir, 'repo');

  beforeAll(() => requireProgram('restic', 'restic'));
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'restic-'));
    mkdirSync(join(dir, 'bin'));
    writeFileSync(join(dir, 'bin', 'zfs'), FAKE_ZFS);
    chmodSync(join(dir, 'bin', 'zfs'), 0o755);
    writeFileSync(join(dir, 'snapshots'), '');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** sanoid took a snapshot at `epoch` with these files. */
  function snapshot(name: string, epoch: number, files: Record<string, string>): void {
    for (const [file, content] of Object.entries(files)) {
      const path = join(mountpoint(), '.zfs', 'snapshot', name, file);
      mkdirSync(join(path, '..'), { recursive: true });
      writeFileSync(path, content);
    }
    appendFileSync(join(dir, 'snapshots'), `${dataset}@${name} ${epoch}\n`);
  }

  /** One nightly run of the script's `backup` for the dataset (in a mount namespace, /run private). */
  function nightly(script: string): string {
    writeFileSync(join(dir, 'homelab-backup'), script);
    const r = inMountNamespace(`mount -t tmpfs tmpfs /run && . ${join(dir, 'homelab-backup')} && backup ${dataset} ${mountpoint()} ${repo()}`, env());
    expect(`${r.status} ${r.stderr}`).toBe(`0 ${r.stderr}`);
    return r.stdout;
  }

  const snapshots = (): Snapshot[] => JSON.parse(run('restic', ['-r', repo(), 'snapshots', '--json'], { env: env() }).stdout);

  /** The script of a spec whose retention keeps one snapshot a day and nothing else. */
  const scriptKeepingOneDay = (): string =>
    backupScript(loadSpec(defaultSpecText().replace('retention: { daily: 7, weekly: 4, monthly: 12 }', 'retention: { daily: 1, weekly: 0, monthly: 0 }'), 'cluster.yaml'));

  test(`GIVEN two nightly snapshots WHEN the script runs each night THEN both back up from ${backupSourcePath('tank/games')}, the second finds the first as its parent, and forget applies the retention`, () => {
    const script = scriptKeepingOneDay();
    snapshot('autosnap_2026-11-29_03:00:00_daily', Date.UTC(2026, 10, 29, 3) / 1000, { 'world/level.dat': 'night one', 'server.properties': 'motd=one' });
    nightly(script);
    const [first] = snapshots();
    expect([first.paths, first.tags, first.time.slice(0, 19)]).toEqual([[backupSourcePath('tank/games')], ['autosnap_2026-11-29_03:00:00_daily'], '2026-11-29T03:00:00']);

    snapshot('autosnap_2026-11-30_03:00:00_daily', Date.UTC(2026, 10, 30, 3) / 1000, { 'world/level.dat': 'night two', 'server.properties': 'motd=one', 'world/new.dat': 'new' });
    const out = nightly(script);
    expect(out).toContain(`using parent snapshot ${first.id.slice(0, 8)}`);
    const left = snapshots();
    // keep-daily 1: the two snapshots are one group (same host and path), so the older goes.
    expect(left.map((s) => [s.tags, s.parent, s.paths])).toEqual([[['autosnap_2026-11-30_03:00:00_daily'], first.id, [backupSourcePath('tank/games')]]]);
    const files = run('restic', ['-r', repo(), 'ls', 'latest'], { env: env() }).stdout;
    expect(files).toContain(`${backupSourcePath('tank/games')}/world/new.dat`);
  });

  test('catches the old script, which backed up .zfs/snapshot/<name>: no parent, and forget keeps every snapshot', () => {
    const broken = scriptKeepingOneDay().replace('--tag "$snapshot" "$source"', '--tag "$snapshot" "$mountpoint/.zfs/snapshot/$snapshot"');
    expect(broken).not.toBe(scriptKeepingOneDay());
    snapshot('autosnap_2026-11-29_03:00:00_daily', Date.UTC(2026, 10, 29, 3) / 1000, { 'a.dat': 'one' });
    nightly(broken);
    snapshot('autosnap_2026-11-30_03:00:00_daily', Date.UTC(2026, 10, 30, 3) / 1000, { 'a.dat': 'two' });
    const out = nightly(broken);
    expect(out).not.toContain('using parent snapshot');
    // Every snapshot is a group of its own: keep-daily 1 keeps one per group, so nothing is removed.
    expect(snapshots().map((s) => s.parent ?? 'no parent')).toEqual(['no parent', 'no parent']);
  });

  test('a dataset without a snapshot fails the run with a message and backs up nothing', () => {
    writeFileSync(join(dir, 'homelab-backup'), scriptKeepingOneDay());
    const r = inMountNamespace(`mount -t tmpfs tmpfs /run && . ${join(dir, 'homelab-backup')} && backup ${dataset} ${mountpoint()} ${repo()}`, env());
    expect([r.status, r.stderr.trim()]).toEqual([1, 'no snapshot of tank/games yet']);
  });
});
