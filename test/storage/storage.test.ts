import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../main';
import { DataProtectionCheck, KubernetesSchemaCheck } from '../../lib/checks';
import { UserError } from '../../lib/errors';
import { loadSpec } from '../../lib/services/registry';
import { backupScript } from '../../lib/storage/backup-plan';
import { nfsExports } from '../../lib/storage/nfs-exports';
import { restoreJob } from '../../lib/storage/restore-job';
import { cluster } from '../analysis/fixtures';
import { defaultSpecText, FIXTURES } from '../helpers';
import { synthesized } from '../helpers-render';

const spec = loadSpec(defaultSpecText(), 'cluster.yaml');

describe('storage classes and exports', () => {
  test('one Retain StorageClass per exported dataset, on the storage node, a folder per claim', async () => {
    const { cluster: c } = await synthesized();
    const classes = c.objects.filter((o) => o.manifest.kind === 'StorageClass').map((o) => o.manifest);
    expect(classes.map((sc) => [sc.metadata.name, sc.parameters.share, sc.reclaimPolicy])).toEqual([
      ['nfs-media-f26db8', '/tank/media', 'Retain'],
      ['nfs-games-29db49', '/tank/games', 'Retain'],
      ['nfs-apps-401055', '/tank/apps', 'Retain'],
      ['nfs-monitoring-310446', '/tank/monitoring', 'Retain'],
    ]);
    // the suffix is the first 6 hex digits of sha256("<server>:<share>"), both immutable parameters
    for (const sc of classes) {
      const digest = createHash('sha256').update(`${sc.parameters.server}:${sc.parameters.share}`).digest('hex');
      expect(sc.metadata.name.endsWith(`-${digest.slice(0, 6)}`)).toBe(true);
    }
    expect(classes[0].parameters).toEqual({
      server: '192.168.10.10',
      share: '/tank/media',
      subDir: '${pvc.metadata.namespace}/${pvc.metadata.name}',
      onDelete: 'retain',
    });
  });

  test('every claim in the apps uses a class that exists', async () => {
    for (const name of ['cluster.yaml', 'four-nodes.yaml']) {
      const text = name === 'cluster.yaml' ? defaultSpecText() : readFileSync(join(FIXTURES, 'valid', name), 'utf8');
      const { cluster: c } = await synthesized(text, name);
      const classes = new Set(c.objects.filter((o) => o.manifest.kind === 'StorageClass').map((o) => o.manifest.metadata.name));
      const volumes = new Set(c.objects.filter((o) => o.manifest.kind === 'PersistentVolume').map((o) => o.manifest.metadata.name));
      const claims = c.objects.filter((o) => o.manifest.kind === 'PersistentVolumeClaim').map((o) => o.manifest.spec);
      expect(claims.length).toBeGreaterThan(0);
      // A claim either names an existing class, or (class "") binds a rendered local volume.
      expect(claims.filter((cl) => (cl.storageClassName === '' ? !volumes.has(cl.volumeName) : !classes.has(cl.storageClassName)))).toEqual([]);
    }
  });

  test('the storage node exports each NFS dataset to the cluster nodes only', () => {
    expect(nfsExports(spec)[1]).toEqual({
      path: '/tank/games',
      clients: ['192.168.10.10', '192.168.10.11', '192.168.10.12'],
      options: 'rw,sync,no_subtree_check,no_root_squash',
    });
  });
});

describe('backups', () => {
  test('schedule and retention come from the spec', async () => {
    const text = defaultSpecText()
      .replace('schedule: "30 3 * * *"', 'schedule: "15 2 * * 0"')
      .replace('retention: { daily: 7, weekly: 4, monthly: 12 }', 'retention: { daily: 3, weekly: 2, monthly: 6 }');
    const { cluster: c } = await synthesized(text, 'cluster.yaml');
    const tasks = c.files.get('host-provisioning/ansible/roles/storage/tasks/main.yml')!;
    expect(tasks).toContain('15 2 * * 0 root /usr/local/sbin/homelab-backup');
    expect(backupScript(c.spec)).toContain('forget --host atlas-home --group-by host,paths --keep-daily 3 --keep-weekly 2 --keep-monthly 6 --prune');
  });

  test('only datasets marked backup: true are backed up, from their newest snapshot', () => {
    const script = backupScript(spec);
    expect(script.match(/^ {2}backup .*$/gm)!.map((l) => l.trim())).toEqual([
      'backup tank/games /tank/games s3:https://s3.us-west-004.backblazeb2.com/atlas-home-backups/atlas-home/tank-games || failed=1',
      'backup tank/apps /tank/apps s3:https://s3.us-west-004.backblazeb2.com/atlas-home-backups/atlas-home/tank-apps || failed=1',
    ]);
    expect(script).toContain('mount --bind "$mountpoint/.zfs/snapshot/$snapshot" "$source"');
  });

  test('no credential value is written: the vault variable is copied with no_log', async () => {
    const { cluster: c } = await synthesized();
    const tasks = c.files.get('host-provisioning/ansible/roles/storage/tasks/main.yml')!;
    expect(tasks).toMatch(/content: "\{\{ homelab_restic_env \}\}"\n\s+dest: \/etc\/restic\/b2.env[\s\S]*?no_log: true/);
    for (const [path, content] of c.files.entries()) {
      expect(`${path}: ${/(AWS_SECRET_ACCESS_KEY|RESTIC_PASSWORD)=/.test(content)}`).toBe(`${path}: false`);
    }
  });

  test('a restore Job for a named dataset and snapshot restores beside the live data, on the storage node', async () => {
    const job = restoreJob(spec, 'games', '4f3a9c1e');
    const pod = job.spec.template.spec;
    expect(pod.containers[0].args).toEqual([
      '-r',
      's3:https://s3.us-west-004.backblazeb2.com/atlas-home-backups/atlas-home/tank-games',
      'restore',
      '4f3a9c1e',
      '--target',
      '/restore/restore-4f3a9c1e',
    ]);
    expect(pod.volumes[0].hostPath.path).toBe('/tank/games');
    expect(pod.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values).toEqual(['atlas']);
    expect(pod.containers[0].env.map((e: { valueFrom: { secretKeyRef: { name: string; key: string } } }) => e.valueFrom.secretKeyRef)).toEqual([
      { name: 'restic-b2', key: 'AWS_ACCESS_KEY_ID' },
      { name: 'restic-b2', key: 'AWS_SECRET_ACCESS_KEY' },
      { name: 'restic-b2', key: 'RESTIC_PASSWORD' },
    ]);
    const findings = await new KubernetesSchemaCheck().run({ ...cluster(), objects: [{ file: 'restore', group: 'x', manifest: job }] });
    expect(findings).toEqual([]);
  });

  test('fails when the dataset is not backed up, naming the ones that are', () => {
    expect(() => restoreJob(spec, 'media', 'latest')).toThrow(
      new UserError('--restore: "media" is not a backed-up dataset; datasets with backup: true: games, apps'),
    );
  });
});

describe('DataProtectionCheck', () => {
  const check = new DataProtectionCheck();

  test('fails on a claim without prune protection', async () => {
    const claim = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: 'apps' }, spec: {} };
    expect((await check.run(cluster({ file: 'dist/x/apps/pvc.yaml', group: 'x', manifest: claim }))).map((f) => f.message)).toEqual([
      'dist/x/apps/pvc.yaml: PersistentVolumeClaim/apps/data: holds data but lacks kustomize.toolkit.fluxcd.io/prune: disabled',
      'dist/test/namespace-apps.yaml: Namespace/apps: holds claims but lacks kustomize.toolkit.fluxcd.io/prune: disabled',
    ]);
  });

  test('a renamed game is refused, then allowed with --allow-data-loss', async () => {
    const out = mkdtempSync(join(tmpdir(), 'homelab-rename-'));
    try {
      // GIVEN outputs with the game's world claim
      expect((await run(['--out', out])).exitCode).toBe(0);
      const renamed = join(out, 'renamed.yaml');
      writeFileSync(renamed, defaultSpecText().replace('- name: minecraft', '- name: minecraft-java'));
      // WHEN the game is renamed
      const refused = await run(['--spec', renamed, '--out', out]);
      // THEN the synth stops and says which claim would go
      expect(refused.exitCode).toBe(1);
      expect(refused.stderr).toContain(
        '[data-protection] PersistentVolumeClaim/games/minecraft-world (was dist/games/games/persistentvolumeclaim-minecraft-world.yaml) would be removed or renamed, and it holds data; keep its name, or pass --allow-data-loss if you mean it',
      );
      const allowed = await run(['--spec', renamed, '--out', out, '--allow-data-loss']);
      expect(allowed.exitCode).toBe(0);
      expect(allowed.stdout).toContain('[data-protection] PersistentVolumeClaim/games/minecraft-world (was dist/games/games/persistentvolumeclaim-minecraft-world.yaml) is removed or renamed; allowed by --allow-data-loss');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
