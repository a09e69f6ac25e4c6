import { ArchitectureCheck, CapacityCheck, PromisesCheck, SecurityPolicyCheck } from '../../lib/checks';
import { Placement } from '../../lib/placement/placement';
import { ATLAS, cluster, FAILOVER_10S, HARDENED, loadBalancer, namespace, PI_WORKER, STATELESS, workload } from '../analysis/fixtures';

const messages = async (check: { run: (c: ReturnType<typeof cluster>) => Promise<readonly { message: string }[]> }, c: ReturnType<typeof cluster>) =>
  (await check.run(c)).map((f) => f.message);

describe('PromisesCheck', () => {
  const check = new PromisesCheck();

  test('passes a hot-standby VPN whose VIP atlas announces', async () => {
    const c = cluster(
      workload({ name: 'vpn', placement: Placement.hotStandby(ATLAS, PI_WORKER), annotations: { ...FAILOVER_10S, ...STATELESS } }),
      loadBalancer('vpn', '192.168.10.200', 'Local'),
    );
    expect(await messages(check, c)).toEqual([]);
  });

  test('fails when ingress has both replicas able to sit on one node', async () => {
    // GIVEN two replicas without anti-affinity, pinned to atlas
    const pinned = Placement.pinned(ATLAS);
    const c = cluster(
      workload({ name: 'ingress', placement: pinned, annotations: FAILOVER_10S }),
      loadBalancer('ingress', '192.168.10.200', 'Local'),
    );
    expect(await messages(check, c)).toEqual([
      'dist/test/apps/deployment-ingress.yaml: Deployment/apps/ingress: promises to serve within 10 s of any worker failing, but when atlas down it is down: pinned to atlas',
    ]);
  });

  test('fails when a stateless workload mounts NFS', async () => {
    const c = cluster(
      workload({
        name: 'wireguard',
        placement: Placement.hotStandby(ATLAS, PI_WORKER),
        annotations: STATELESS,
        volumes: [{ name: 'config', nfs: { server: '192.168.10.10', path: '/tank/apps/wg' } }],
      }),
    );
    expect(await messages(check, c)).toEqual([
      'dist/test/apps/deployment-wireguard.yaml: Deployment/apps/wireguard: is stateless and must survive "NFS storage down", but it is down: mounts NFS (volume config); storage is down',
    ]);
  });

  test('fails when a Deployment tolerates the control-plane taint', async () => {
    const c = cluster(workload({ name: 'sneaky', placement: Placement.everyNode() }));
    expect(await messages(check, c)).toEqual([
      'dist/test/apps/deployment-sneaky.yaml: Deployment/apps/sneaky: may be scheduled on the control plane pi-cp; only node agents (DaemonSets) may run there',
    ]);
  });

  test('lets node agents run on the control plane', async () => {
    expect(await messages(check, cluster(workload({ kind: 'DaemonSet', name: 'agent', placement: Placement.everyNode() })))).toEqual([]);
  });
});

describe('ArchitectureCheck', () => {
  const check = new ArchitectureCheck({
    'docker.io/example/x86-only': { architectures: ['amd64'] },
    'docker.io/example/multi': { architectures: ['amd64', 'arm64'] },
  });

  test('fails when an amd64-only image may land on a Pi', async () => {
    const c = cluster(workload({ name: 'game', placement: Placement.hotStandby(ATLAS, PI_WORKER), image: 'docker.io/example/x86-only:1.0' }));
    expect(await messages(check, c)).toEqual([
      'dist/test/apps/deployment-game.yaml: Deployment/apps/game: image docker.io/example/x86-only:1.0 (amd64) may be scheduled on pi-worker (arm64); restrict its placement or use a multi-arch image',
    ]);
  });

  test('passes an amd64-only image pinned to the amd64 node, and a multi-arch image anywhere', async () => {
    const c = cluster(
      workload({ name: 'game', placement: Placement.pinned(ATLAS), image: 'docker.io/example/x86-only:1.0' }),
      workload({ name: 'web', placement: Placement.anywhere(2), image: 'docker.io/example/multi:2.1' }),
    );
    expect(await messages(check, c)).toEqual([]);
  });

  test('fails on an image nobody catalogued', async () => {
    const c = cluster(workload({ name: 'web', placement: Placement.pinned(ATLAS), image: 'ghcr.io/someone/new:0.1' }));
    expect(await messages(check, c)).toEqual([
      'dist/test/apps/deployment-web.yaml: Deployment/apps/web: image ghcr.io/someone/new:0.1 is not in lib/images.ts; add it with the architectures it is published for',
    ]);
  });
});

describe('SecurityPolicyCheck', () => {
  const check = new SecurityPolicyCheck();

  test('passes a hardened workload', async () => {
    expect(await messages(check, cluster(workload({ name: 'web', placement: Placement.anywhere(1) })))).toEqual([]);
  });

  test('fails on a privileged pod without a declared exception', async () => {
    const c = cluster(workload({ name: 'root', placement: Placement.pinned(ATLAS), securityContext: { ...HARDENED, privileged: true } }));
    expect(await messages(check, c)).toEqual([
      'dist/test/apps/deployment-root.yaml: Deployment/apps/root: container root: is privileged (or declare homelab.dev/security-exception.privileged with a reason)',
    ]);
  });

  test('accepts the same pod once the exception is declared with its reason', async () => {
    const c = cluster(
      workload({
        name: 'root',
        placement: Placement.pinned(ATLAS),
        securityContext: { ...HARDENED, privileged: true },
        annotations: { 'homelab.dev/security-exception.privileged': 'loads kernel state for the test' },
      }),
    );
    expect(await messages(check, c)).toEqual([]);
  });

  test('fails on an unpinned image, missing resources and an unlabelled namespace', async () => {
    const bare = workload({ name: 'bare', placement: Placement.anywhere(1), image: 'nginx', namespace: 'apps' });
    bare.manifest.spec.template.spec.containers[0].resources = {};
    const c = cluster(bare, { ...namespace('loose'), manifest: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'loose' } } });
    expect(await messages(check, c)).toEqual([
      'dist/test/apps/deployment-bare.yaml: Deployment/apps/bare: container bare: image nginx is not pinned to a version (or declare homelab.dev/security-exception.imageTag with a reason)',
      'dist/test/apps/deployment-bare.yaml: Deployment/apps/bare: container bare: must request cpu and memory and limit memory (or declare homelab.dev/security-exception.resources with a reason)',
      'dist/test/namespace-loose.yaml: Namespace/loose: has no pod-security.kubernetes.io/enforce label',
    ]);
  });

  test('fails on a cluster-admin binding and a wildcard role', async () => {
    const c = cluster(
      { file: 'dist/test/crb.yaml', group: 'test', manifest: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'all' }, roleRef: { name: 'cluster-admin' } } },
      { file: 'dist/test/cr.yaml', group: 'test', manifest: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'wide' }, rules: [{ apiGroups: [''], resources: ['*'], verbs: ['get'] }] } },
    );
    expect(await messages(check, c)).toEqual([
      'dist/test/crb.yaml: ClusterRoleBinding/all: binds cluster-admin; grant the narrow role the component needs',
      'dist/test/cr.yaml: ClusterRole/wide: rules[0].resources has "*"; list what the component needs',
    ]);
  });
});

describe('CapacityCheck', () => {
  const check = new CapacityCheck();

  test('fails when the Pi worker is asked for more memory than it has', async () => {
    const c = cluster(workload({ name: 'hog', placement: Placement.hotStandby(ATLAS, PI_WORKER), memory: '8Gi' }));
    expect(await messages(check, c)).toEqual([
      'pi-worker (all nodes up): memory requests 8192 MiB exceed allocatable 7424 MiB',
      'pi-worker (atlas down): memory requests 8192 MiB exceed allocatable 7424 MiB',
    ]);
  });

  test('warns when a node is left with under 20% memory, counting what fails over', async () => {
    // GIVEN 2 x 3 GiB: both fit on atlas; with atlas down both land on pi-worker
    const c = cluster(workload({ name: 'app', placement: Placement.anywhere(2), memory: '3Gi' }));
    const findings = await check.run(c);
    expect(findings.map((f) => `${f.severity}: ${f.message}`)).toEqual([
      'warning: pi-worker (atlas down): only 1280 MiB of 7424 MiB memory left (under 20%)',
    ]);
  });
});
