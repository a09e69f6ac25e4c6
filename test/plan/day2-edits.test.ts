import { UserError } from '../../lib/errors';
import { formatApplyPlan } from '../../lib/plan/apply-verdicts';
import { synthesize } from '../../lib/synth';
import { defaultSpecText } from '../helpers';

/*
 * The day-2 edits of cluster.yaml a running cluster sees, each pushed onto the outputs of
 * the shipped cluster: npm run plan says what the API server does with every change, and
 * synth either writes outputs that apply or stops with the object, the field and the way
 * forward; with --migrate it writes them and the plan prints the steps.
 */

const base = defaultSpecText();
let before: Map<string, string>;

beforeAll(async () => {
  before = new Map((await synthesize(base, 'cluster.yaml')).cluster.files.entries());
});

async function push(text: string, migrate = false): Promise<{ files: Map<string, string>; plan: string }> {
  const r = await synthesize(text, 'cluster.yaml', { previousFiles: before, migrate });
  const files = new Map(r.cluster.files.entries());
  return { files, plan: formatApplyPlan(before, files, migrate) };
}

async function refusal(text: string): Promise<string[]> {
  try {
    await synthesize(text, 'cluster.yaml', { previousFiles: before });
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    return (e as UserError).message.split('\n').filter((l) => l.includes('[api-update]'));
  }
  throw new Error('synth did not refuse');
}

const planLines = (plan: string, prefix: string): string[] => plan.split('\n').filter((l) => l.trimStart().startsWith(prefix)).map((l) => l.trim());

describe('day-2 edits', () => {
  test('GIVEN the storage node at another address WHEN pushed THEN new classes are added and the claims need a planned migration', async () => {
    const text = base.replace('ip: 192.168.10.10', 'ip: 192.168.10.20');
    const refused = await refusal(text);
    expect(refused).toHaveLength(2);
    expect(refused[0]).toContain('PersistentVolumeClaim/games/minecraft-world: spec.storageClassName: the API server refuses this update');
    expect(refused[0]).toContain('Way forward: a planned migration of the claim: run npm run plan for the steps, then npm run synth -- --migrate');
    const { files, plan } = await push(text, true);
    // the classes are new objects; nothing is updated in place
    expect([...files.keys()].filter((f) => f.startsWith('dist/storage/storageclass-')).length).toBe(4);
    expect(files.get('dist/games/games/persistentvolumeclaim-minecraft-world.yaml')).toMatch(/storageClassName: nfs-games-[0-9a-f]{6}\n/);
    expect(planLines(plan, 'replaced (planned migration)')).toEqual([
      'replaced (planned migration) PersistentVolumeClaim/games/minecraft-world',
      'replaced (planned migration) PersistentVolumeClaim/home/home-assistant-config',
    ]);
    expect(plan).toContain('copy: none: the data stays in /tank/games/games/minecraft-world');
    expect(planLines(plan, 'replaced (new name)')).toHaveLength(4);
    expect(planLines(plan, 'replaced (new name) StorageClass/nfs-games-29db49 -> StorageClass/nfs-games-')).toHaveLength(1);
    const steps = plan.split('\n').filter((l) => /^\s+\d+\. /.test(l)).map((l) => l.trim().replace(/^\d+\. /, ''));
    // every stage stopped before the push, resumed after it
    expect(steps.indexOf('switch: commit and push the outputs')).toBeGreaterThan(
      steps.indexOf('stop: kubectl -n games scale deployment/minecraft --replicas=0'),
    );
    expect(steps[0]).toBe('stop: flux suspend kustomization games');
    expect(steps.filter((s) => s.startsWith('switch: flux resume'))).toHaveLength(2);
  });

  test('GIVEN another LAN subnet WHEN pushed THEN only the claims are refused; VIPs, pools and workloads apply', async () => {
    const text = base.replace(/192\.168\.10\./g, '192.168.20.');
    const refused = await refusal(text);
    expect(refused.map((l) => l.split(': ')[1])).toEqual(['PersistentVolumeClaim/games/minecraft-world', 'PersistentVolumeClaim/home/home-assistant-config']);
    const { plan } = await push(text, true);
    expect(planLines(plan, 'REJECTED')).toEqual([]);
    expect(planLines(plan, 'applies').length).toBeGreaterThan(3);
    expect(plan).toContain('Every update applies.');
  });

  test('GIVEN the storage node renamed WHEN pushed THEN the local volumes move by migration, their data staying in place', async () => {
    const text = base.replace('- name: atlas\n', '- name: vault\n').replace('storageNode: atlas', 'storageNode: vault');
    const refused = await refusal(text);
    expect(refused.map((l) => l.split(': ').slice(1, 3).join(': '))).toEqual([
      'PersistentVolume/observability-prometheus-data: spec.nodeAffinity',
      'PersistentVolume/observability-loki-data: spec.nodeAffinity',
    ]);
    const { plan } = await push(text, true);
    expect(plan).toContain('copy: none: the data stays in /tank/monitoring/prometheus (node vault)');
    expect(plan).toContain('switch: kubectl -n observability delete pvc prometheus-data && kubectl delete pv observability-prometheus-data');
    // NFS classes name the server's address, which did not change: the claims stay
    expect(plan).not.toContain('minecraft-world');
  });

  test('GIVEN a dataset moved to another pool WHEN pushed THEN the copy is a ZFS send before anything starts, the old dataset destroyed last', async () => {
    const text = base
      .replace(
        '  datasets:\n',
        '    - name: fast\n      layout: mirror\n      disks:\n        - /dev/disk/by-id/ata-SSD_A\n        - /dev/disk/by-id/ata-SSD_B\n  datasets:\n',
      )
      .replace('{ name: games, pool: tank,', '{ name: games, pool: fast,');
    const refused = await refusal(text);
    expect(refused.map((l) => l.split(': ').slice(1, 3).join(': '))).toEqual(['PersistentVolumeClaim/games/minecraft-world: spec.storageClassName']);
    const { plan } = await push(text, true);
    const steps = plan.split('\n').filter((l) => /^\s+\d+\. /.test(l)).map((l) => l.trim().replace(/^\d+\. /, ''));
    expect(steps).toEqual([
      'stop: flux suspend kustomization games',
      'stop: kubectl -n games scale deployment/minecraft --replicas=0',
      'prepare: npm run synth -- --migrate (writes the new outputs; do not push yet)',
      'prepare: if host-provisioning/ changed: cd host-provisioning/ansible && ansible-playbook -i inventory.yml site.yml --ask-vault-pass',
      'copy: on the storage node: zfs snapshot -r tank/games@migrate && zfs send -R tank/games@migrate | zfs recv -F fast/games (the whole dataset once, for all its claims; -F replaces the empty dataset host provisioning created)',
      'copy: check: ls -la /fast/games/games/minecraft-world shows the files of /tank/games/games/minecraft-world',
      'switch: kubectl -n games delete pvc minecraft-world (reclaim policy Retain: the data is not touched)',
      'switch: commit and push the outputs',
      'switch: flux resume kustomization games: Flux creates the claim on its new volume and starts deployment/minecraft',
      'clean up: kubectl get pv | grep games/minecraft-world: delete the Released volume of the old claim (kubectl delete pv <name>)',
      'clean up: once the service works on /fast/games/games/minecraft-world: zfs destroy -r tank/games on the storage node',
    ]);
  });

  test('GIVEN the monitoring dataset moved to another pool WHEN pushed THEN the local volumes are refused (their path is immutable)', async () => {
    const text = base
      .replace('  datasets:\n', '    - name: fast\n      layout: mirror\n      disks:\n        - /dev/disk/by-id/ata-SSD_A\n        - /dev/disk/by-id/ata-SSD_B\n  datasets:\n')
      .replace('{ name: monitoring, pool: tank,', '{ name: monitoring, pool: fast,');
    const refused = await refusal(text);
    expect(refused.map((l) => l.split(': ').slice(1, 3).join(': '))).toEqual([
      'PersistentVolume/observability-prometheus-data: spec.local',
      'PersistentVolume/observability-loki-data: spec.local',
    ]);
  });

  test.each([
    ['prometheusSizeGiB', 'prometheus-data'],
    ['lokiSizeGiB', 'loki-data'],
  ])('GIVEN %s grown WHEN pushed THEN the volume grows and the claim keeps its request: it applies', async (field, claim) => {
    const { files, plan } = await push(base.replace(`${field}: 50`, `${field}: 80`));
    expect(files.get(`dist/observability/persistentvolume-observability-${claim}.yaml`)).toContain('storage: 80Gi');
    expect(files.get(`dist/observability/observability/persistentvolumeclaim-${claim}.yaml`)).toContain('storage: 50Gi');
    expect(planLines(plan, 'applies')).toContain(`applies   PersistentVolume/observability-${claim}`);
    expect(plan).toContain('Every update applies.');
  });

  test.each([
    ['prometheusSizeGiB', 'prometheus-data'],
    ['lokiSizeGiB', 'loki-data'],
  ])('GIVEN %s shrunk WHEN pushed THEN the claim would shrink: refused, or a migration that recreates it in place', async (field, claim) => {
    const text = base.replace(`${field}: 50`, `${field}: 30`);
    expect((await refusal(text)).map((l) => l.split(': ').slice(1, 3).join(': '))).toEqual([
      `PersistentVolumeClaim/observability/${claim}: spec.resources.requests.storage`,
    ]);
    const { plan } = await push(text, true);
    expect(plan).toContain(`copy: none: the data stays in /tank/monitoring/${claim.replace('-data', '')} (node atlas)`);
  });

  test('GIVEN a game world claim resized WHEN grown THEN it applies (expandable class); WHEN shrunk THEN refused', async () => {
    const grown = await push(base.replace('worldSizeGiB: 20', 'worldSizeGiB: 40'));
    expect(planLines(grown.plan, 'applies')).toEqual(['applies   PersistentVolumeClaim/games/minecraft-world']);
    expect((await refusal(base.replace('worldSizeGiB: 20', 'worldSizeGiB: 10'))).map((l) => l.split(': ').slice(1, 3).join(': '))).toEqual([
      'PersistentVolumeClaim/games/minecraft-world: spec.resources.requests.storage',
    ]);
  });

  test('GIVEN outputs with the old unhashed class names WHEN synthesized THEN the claims keep them and those classes are kept as they were', async () => {
    const legacy = new Map<string, string>();
    for (const [path, content] of before) {
      const renamed = content.replace(/nfs-(games|apps|media|monitoring)-[0-9a-f]{6}/g, 'nfs-$1');
      legacy.set(path.replace(/nfs-(games|apps|media|monitoring)-[0-9a-f]{6}/, 'nfs-$1'), renamed);
    }
    const r = await synthesize(base, 'cluster.yaml', { previousFiles: legacy });
    const files = new Map(r.cluster.files.entries());
    expect(files.get('dist/games/games/persistentvolumeclaim-minecraft-world.yaml')).toContain('storageClassName: nfs-games\n');
    expect(files.get('dist/storage/storageclass-nfs-games.yaml')).toBe(legacy.get('dist/storage/storageclass-nfs-games.yaml'));
    // no claim uses the media and monitoring classes: they go
    expect([...files.keys()].filter((f) => /storageclass-nfs-[a-z]+\.yaml$/.test(f))).toEqual([
      'dist/storage/storageclass-nfs-apps.yaml',
      'dist/storage/storageclass-nfs-games.yaml',
    ]);
    expect(formatApplyPlan(legacy, files, false)).not.toContain('REJECTED');
  });
});
