import { UpgradeAccessCheck } from '../../lib/checks';
import { RenderedCluster } from '../../lib/output/rendered';
import { kubectlRequests, upgradeJobPod } from '../../lib/upgrades/upgrade-job-access';
import { defaultSpecText } from '../helpers';
import { renderSpec } from '../helpers-render';

/*
 * The upgrade Jobs' pods reach the API with exactly what their steps need: the pod the
 * controller builds from each Plan (system-upgrade-controller v0.20.1 job.go) runs as the
 * Plan's ServiceAccount with that account's token setting, and kubectl's requests per step
 * (kubectl v0.33) are each allowed by the bound RBAC, with no permission left unused.
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Manifest = Record<string, any>;

/** The cluster with one rendered object changed by `edit` (a deep copy of the objects). */
function withEdit(cluster: RenderedCluster, kind: string, name: string, edit: (m: Manifest) => void): RenderedCluster {
  const objects = cluster.objects.map((o) => ({ ...o, manifest: structuredClone(o.manifest) }));
  const target = objects.find((o) => o.manifest.kind === kind && o.manifest.metadata.name === name);
  expect(target).toBeDefined();
  edit(target!.manifest);
  return { ...cluster, objects };
}

function plan(cluster: RenderedCluster, name: string): Manifest {
  return cluster.objects.find((o) => o.manifest.kind === 'Plan' && o.manifest.metadata.name === name)!.manifest;
}

const brief = (pod: ReturnType<typeof upgradeJobPod>): string[][] =>
  pod.steps.map((s) => [s.container, ...s.requests.map((r) => `${r.verb} ${r.group || 'core'}/${r.resource}${r.namespace ? ` in ${r.namespace}` : ''}`)]);

describe('upgrade Job pods of the shipped cluster', () => {
  const cluster = renderSpec(defaultSpecText());

  test('GIVEN the k3s-agent plan WHEN the controller builds its pod THEN it runs as system-upgrade-job: prepare waits, cordon patches', () => {
    const pod = upgradeJobPod(plan(cluster, 'k3s-agent'));
    expect(pod.serviceAccountName).toBe('system-upgrade-job');
    expect(brief(pod)).toEqual([
      [
        'prepare',
        'get upgrade.cattle.io/plans in system-upgrade',
        'list upgrade.cattle.io/plans in system-upgrade',
        'watch upgrade.cattle.io/plans in system-upgrade',
        'get upgrade.cattle.io/plans in system-upgrade',
        'list upgrade.cattle.io/plans in system-upgrade',
        'watch upgrade.cattle.io/plans in system-upgrade',
        'list core/nodes',
        'list core/nodes',
        'watch core/nodes',
      ],
      ['cordon', 'get core/nodes', 'patch core/nodes'],
      ['upgrade'],
    ]);
  });

  test('GIVEN the k3os-agent plan WHEN built THEN drain lists pods, reads DaemonSets, evicts and waits', () => {
    expect(brief(upgradeJobPod(plan(cluster, 'k3os-agent')))[1]).toEqual([
      'drain',
      'get core/nodes',
      'patch core/nodes',
      'list core/pods',
      'get apps/daemonsets',
      'create core/pods/eviction',
      'get core/pods',
    ]);
  });

  test('GIVEN the rendered RBAC WHEN checked THEN every request is allowed and every grant used', async () => {
    expect(await new UpgradeAccessCheck().run(cluster)).toEqual([]);
    const job = cluster.objects.filter((o) => o.manifest.metadata?.name?.includes('system-upgrade-job')).map((o) => o.manifest);
    expect(job.find((m) => m.kind === 'ServiceAccount').automountServiceAccountToken).toBe(true);
    expect(job.find((m) => m.kind === 'ClusterRole').rules).toEqual([
      { apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list', 'watch', 'patch'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] },
      { apiGroups: [''], resources: ['pods/eviction'], verbs: ['create'] },
      { apiGroups: ['apps'], resources: ['daemonsets'], verbs: ['get'] },
    ]);
    expect(job.find((m) => m.kind === 'Role').rules).toEqual([{ apiGroups: ['upgrade.cattle.io'], resources: ['plans'], verbs: ['get', 'list', 'watch'] }]);
  });

  test('GIVEN the account without a token (the previous design) WHEN checked THEN each plan is named as unable to reach the API', async () => {
    const broken = withEdit(cluster, 'ServiceAccount', 'system-upgrade-job', (m) => {
      m.automountServiceAccountToken = false;
    });
    const messages = (await new UpgradeAccessCheck().run(broken)).map((f) => f.message);
    expect(messages).toEqual([
      'dist/upgrades/system-upgrade/plan-k3os-server.yaml: Plan/system-upgrade/k3os-server: its Job pods run as ServiceAccount system-upgrade/system-upgrade-job, which sets automountServiceAccountToken: false; the controller sets no token on the pod, so cordon cannot reach the API',
      'dist/upgrades/system-upgrade/plan-k3s-agent.yaml: Plan/system-upgrade/k3s-agent: its Job pods run as ServiceAccount system-upgrade/system-upgrade-job, which sets automountServiceAccountToken: false; the controller sets no token on the pod, so prepare and cordon cannot reach the API',
      'dist/upgrades/system-upgrade/plan-k3os-agent.yaml: Plan/system-upgrade/k3os-agent: its Job pods run as ServiceAccount system-upgrade/system-upgrade-job, which sets automountServiceAccountToken: false; the controller sets no token on the pod, so prepare and drain cannot reach the API',
    ]);
  });

  test('GIVEN a plan on the controller account WHEN checked THEN its token-less account is named', async () => {
    const broken = withEdit(cluster, 'Plan', 'k3os-server', (m) => {
      m.spec.serviceAccountName = 'system-upgrade';
    });
    const messages = (await new UpgradeAccessCheck().run(broken)).map((f) => f.message);
    expect(messages[0]).toContain('its Job pods run as ServiceAccount system-upgrade/system-upgrade, which sets automountServiceAccountToken: false');
    expect(messages).toContain('dist/upgrades/system-upgrade/plan-k3os-server.yaml: Plan/system-upgrade/k3os-server: system-upgrade/system-upgrade may not patch core/nodes, which cordon: kubectl cordon needs');
  });

  test('GIVEN a missing verb WHEN checked THEN the step that needs it is named', async () => {
    const broken = withEdit(cluster, 'ClusterRole', 'homelab:system-upgrade-job', (m) => {
      m.rules[2].verbs = [];
    });
    expect((await new UpgradeAccessCheck().run(broken)).map((f) => f.message)).toEqual([
      'dist/upgrades/system-upgrade/plan-k3os-agent.yaml: Plan/system-upgrade/k3os-agent: system-upgrade/system-upgrade-job may not create core/pods/eviction, which drain: kubectl drain (evict) needs',
    ]);
  });

  test('GIVEN one permission too many WHEN checked THEN it is named for removal', async () => {
    const broken = withEdit(cluster, 'ClusterRole', 'homelab:system-upgrade-job', (m) => {
      m.rules[1].verbs = ['get', 'list', 'delete'];
    });
    expect((await new UpgradeAccessCheck().run(broken)).map((f) => f.message)).toEqual([
      'ClusterRole/homelab:system-upgrade-job: grants system-upgrade/system-upgrade-job delete on core/pods, which no step of its upgrade Jobs uses; remove it',
    ]);
  });

  test('GIVEN a Role bound only in another namespace WHEN the prepare step waits on a plan THEN it is refused', async () => {
    const broken = withEdit(cluster, 'RoleBinding', 'homelab:system-upgrade-job', (m) => {
      m.metadata.namespace = 'default';
    });
    const messages = (await new UpgradeAccessCheck().run(broken)).map((f) => f.message);
    expect(messages).toContain(
      'dist/upgrades/system-upgrade/plan-k3s-agent.yaml: Plan/system-upgrade/k3s-agent: system-upgrade/system-upgrade-job may not get upgrade.cattle.io/plans in namespace system-upgrade, which prepare: kubectl wait plan/k3os-server needs',
    );
  });
});

describe('upgrade Job access follows the plans', () => {
  test('GIVEN a cluster of one Debian server WHEN rendered THEN the Jobs may only get and patch nodes (cordon), no pods, no plans', async () => {
    const text = defaultSpecText()
      .replace(/os: k3os/g, 'os: debian')
      .replace(/^\s+# The petercb\/k3os.*\n\s+k3osRelease: .*\n/m, '');
    const cluster = renderSpec(text);
    const rbac = cluster.objects.filter((o) => o.manifest.metadata?.name === 'homelab:system-upgrade-job').map((o) => [o.manifest.kind, o.manifest.rules]);
    // all nodes Debian: k3s-server cordons, k3s-agent prepares and cordons; nobody drains
    expect(rbac).toEqual([
      ['ClusterRole', [{ apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list', 'watch', 'patch'] }]],
      ['ClusterRoleBinding', undefined],
      ['Role', [{ apiGroups: ['upgrade.cattle.io'], resources: ['plans'], verbs: ['get', 'list', 'watch'] }]],
      ['RoleBinding', undefined],
    ]);
    expect(await new UpgradeAccessCheck().run(cluster)).toEqual([]);
  });

  test('GIVEN a kubectl command the model does not know WHEN read THEN it is an error, not a silent pass', () => {
    expect(() => kubectlRequests('/opt/k3s kubectl delete node x', 'system-upgrade')).toThrow(
      'prepare script: no model of the API requests of "kubectl delete node x"',
    );
    expect(kubectlRequests('kubectl -n other wait plan/a --for=condition=Complete', 'system-upgrade').map((r) => r.namespace)).toEqual([
      'other',
      'other',
      'other',
    ]);
  });
});
