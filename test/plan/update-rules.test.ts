import { UPDATE_RULES, verdictOf } from '../../lib/plan/update-rules';
import { defaultSpecText } from '../helpers';
import { renderSpec } from '../helpers-render';

/*
 * One real before/after pair per update rule: an object as the shipped cluster renders it
 * (or, for kinds it does not render, a minimal valid one), changed in the rule's field; the
 * verdict must be the API server's. A mutable change beside it must apply.
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Manifest = Record<string, any>;

const cluster = renderSpec(defaultSpecText());
const rendered = (kind: string, name?: string): Manifest => {
  const found = cluster.objects.find((o) => o.manifest.kind === kind && (name === undefined || o.manifest.metadata.name === name));
  expect(found).toBeDefined();
  return structuredClone(found!.manifest);
};
const byName = new Map(cluster.objects.map((o) => [`${o.manifest.kind}/${o.manifest.metadata.name}`, o.manifest]));
const job: Manifest = {
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name: 'j', namespace: 'x' },
  spec: { selector: { matchLabels: { a: 'b' } }, completionMode: 'NonIndexed', template: { spec: { containers: [{ name: 'c', image: 'i:1' }] } } },
};
const sts: Manifest = {
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 's', namespace: 'x' },
  spec: { selector: { matchLabels: { a: 'b' } }, serviceName: 's', podManagementPolicy: 'OrderedReady', volumeClaimTemplates: [{ metadata: { name: 'd' } }], replicas: 1 },
};
const service: Manifest = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'svc', namespace: 'x' }, spec: { clusterIP: '10.43.0.10', loadBalancerClass: 'a/b', ports: [] } };
const cm: Manifest = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'x' }, immutable: true, data: { a: '1' } };

/** [rule id, the object before, the change] */
const cases: [string, () => Manifest, (m: Manifest) => void][] = [
  ['storageclass-parameters', () => rendered('StorageClass'), (m) => (m.parameters.server = '192.168.10.99')],
  ['storageclass-provisioner', () => rendered('StorageClass'), (m) => (m.provisioner = 'other.csi.example')],
  ['storageclass-reclaimPolicy', () => rendered('StorageClass'), (m) => (m.reclaimPolicy = 'Delete')],
  ['storageclass-volumeBindingMode', () => rendered('StorageClass'), (m) => (m.volumeBindingMode = 'WaitForFirstConsumer')],
  ['pv-source-local', () => rendered('PersistentVolume'), (m) => (m.spec.local.path = '/tank2/monitoring/prometheus')],
  ['pv-source-csi', () => ({ ...rendered('PersistentVolume'), spec: { csi: { driver: 'nfs.csi.k8s.io', volumeHandle: 'a' } } }), (m) => (m.spec.csi.volumeHandle = 'b')],
  ['pv-source-nfs', () => ({ ...rendered('PersistentVolume'), spec: { nfs: { server: 'a', path: '/x' } } }), (m) => (m.spec.nfs.server = 'b')],
  ['pv-source-hostPath', () => ({ ...rendered('PersistentVolume'), spec: { hostPath: { path: '/a' } } }), (m) => (m.spec.hostPath.path = '/b')],
  ['pv-source-iscsi', () => ({ ...rendered('PersistentVolume'), spec: { iscsi: { iqn: 'a' } } }), (m) => (m.spec.iscsi.iqn = 'b')],
  ['pv-source-fc', () => ({ ...rendered('PersistentVolume'), spec: { fc: { lun: 1 } } }), (m) => (m.spec.fc.lun = 2)],
  ['pv-source-rbd', () => ({ ...rendered('PersistentVolume'), spec: { rbd: { image: 'a' } } }), (m) => (m.spec.rbd.image = 'b')],
  ['pv-source-cephfs', () => ({ ...rendered('PersistentVolume'), spec: { cephfs: { path: '/a' } } }), (m) => (m.spec.cephfs.path = '/b')],
  ['pv-nodeAffinity', () => rendered('PersistentVolume'), (m) => (m.spec.nodeAffinity.required.nodeSelectorTerms[0].matchExpressions[0].values = ['vault'])],
  ['pv-volumeMode', () => rendered('PersistentVolume'), (m) => (m.spec.volumeMode = 'Block')],
  ['pvc-storageClassName', () => rendered('PersistentVolumeClaim', 'minecraft-world'), (m) => (m.spec.storageClassName = 'nfs-games-000000')],
  ['pvc-accessModes', () => rendered('PersistentVolumeClaim', 'minecraft-world'), (m) => (m.spec.accessModes = ['ReadWriteMany'])],
  ['pvc-volumeName', () => rendered('PersistentVolumeClaim', 'prometheus-data'), (m) => (m.spec.volumeName = 'other')],
  ['pvc-selector', () => rendered('PersistentVolumeClaim', 'minecraft-world'), (m) => (m.spec.selector = { matchLabels: { a: 'b' } })],
  ['pvc-volumeMode', () => rendered('PersistentVolumeClaim', 'minecraft-world'), (m) => (m.spec.volumeMode = 'Block')],
  ['pvc-dataSource', () => rendered('PersistentVolumeClaim', 'minecraft-world'), (m) => (m.spec.dataSource = { kind: 'PersistentVolumeClaim', name: 'x' })],
  ['pvc-shrink', () => rendered('PersistentVolumeClaim', 'minecraft-world'), (m) => (m.spec.resources.requests.storage = '10Gi')],
  ['pvc-grow', () => rendered('PersistentVolumeClaim', 'prometheus-data'), (m) => (m.spec.resources.requests.storage = '80Gi')],
  ['service-clusterIP', () => service, (m) => (m.spec.clusterIP = '10.43.0.11')],
  ['service-loadBalancerClass', () => service, (m) => (m.spec.loadBalancerClass = 'c/d')],
  ['deployment-selector', () => rendered('Deployment', 'minecraft'), (m) => (m.spec.selector.matchLabels = { other: 'x' })],
  ['daemonset-selector', () => rendered('DaemonSet'), (m) => (m.spec.selector.matchLabels = { other: 'x' })],
  ['replicaset-selector', () => ({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'r' }, spec: { selector: { a: 1 } } }), (m) => (m.spec.selector = { a: 2 })],
  ['statefulset-selector', () => sts, (m) => (m.spec.selector = { matchLabels: { a: 'c' } })],
  ['statefulset-serviceName', () => sts, (m) => (m.spec.serviceName = 't')],
  ['statefulset-volumeClaimTemplates', () => sts, (m) => (m.spec.volumeClaimTemplates[0].metadata.name = 'e')],
  ['statefulset-podManagementPolicy', () => sts, (m) => (m.spec.podManagementPolicy = 'Parallel')],
  ['job-template', () => job, (m) => (m.spec.template.spec.containers[0].image = 'i:2')],
  ['job-selector', () => job, (m) => (m.spec.selector.matchLabels = { a: 'c' })],
  ['job-completionMode', () => job, (m) => (m.spec.completionMode = 'Indexed')],
  ['rolebinding-roleRef', () => rendered('ClusterRoleBinding'), (m) => (m.roleRef.name = 'other')],
  ['immutable-data', () => cm, (m) => (m.data.a = '2')],
];

describe('the update rules, each with a real pair', () => {
  test('GIVEN the table WHEN listed THEN every rule has a case here and cites its Kubernetes source', () => {
    expect(cases.map((c) => c[0]).sort()).toEqual(UPDATE_RULES.map((r) => r.id).sort());
    for (const r of UPDATE_RULES) {
      expect(r.source).toMatch(/^(pkg|plugin)\/.+\.go /);
    }
  });

  test.each(cases)('GIVEN a change of %s WHEN judged THEN the API server refuses it, naming that rule', (id, make, change) => {
    const before = structuredClone(make());
    const after = structuredClone(before);
    change(after);
    const v = verdictOf(before, after, byName, false);
    expect(v.verdict).toBe('rejected');
    expect(v.verdict === 'rejected' && v.refused.map((r) => r.rule.id)).toEqual([id]);
  });

  test('GIVEN mutable changes (a volume capacity, a claim grown on an expandable class, labels, a binding subject) WHEN judged THEN they apply', () => {
    const pairs: [Manifest, (m: Manifest) => void][] = [
      [rendered('PersistentVolume'), (m) => (m.spec.capacity.storage = '80Gi')],
      [rendered('PersistentVolumeClaim', 'minecraft-world'), (m) => (m.spec.resources.requests.storage = '40Gi')],
      [rendered('StorageClass'), (m) => (m.mountOptions = ['nfsvers=4.1'])],
      [rendered('Deployment', 'minecraft'), (m) => (m.spec.template.metadata.labels.extra = 'x')],
      [rendered('ClusterRoleBinding'), (m) => m.subjects.push({ kind: 'ServiceAccount', name: 'x', namespace: 'y' })],
      [job, (m) => (m.metadata.labels = { a: 'b' })],
      [{ ...cm, immutable: false }, (m) => (m.data.a = '2')],
    ];
    for (const [before, change] of pairs) {
      const after = structuredClone(before);
      change(after);
      expect([after.kind, verdictOf(before, after, byName, false).verdict]).toEqual([after.kind, 'applies']);
    }
  });

  test('GIVEN a claim grown on a class without allowVolumeExpansion WHEN judged THEN admission forbids it (force cannot help)', () => {
    const before = rendered('PersistentVolumeClaim', 'minecraft-world');
    const after = structuredClone(before);
    after.spec.resources.requests.storage = '40Gi';
    const noExpansion = new Map(byName);
    noExpansion.set(`StorageClass/${before.spec.storageClassName}`, { ...byName.get(`StorageClass/${before.spec.storageClassName}`), allowVolumeExpansion: false });
    const v = verdictOf(before, after, noExpansion, false);
    expect(v.verdict === 'rejected' && v.refused.map((r) => [r.rule.id, r.rule.refusal])).toEqual([['pvc-grow', 'forbidden']]);
  });

  test('GIVEN an object marked for Flux force WHEN a 422 field changes THEN it is replaced by force; data-bearing objects never are', () => {
    const before = rendered('ClusterRoleBinding');
    before.metadata.annotations = { 'kustomize.toolkit.fluxcd.io/force': 'enabled' };
    const after = structuredClone(before);
    after.roleRef.name = 'other';
    expect(verdictOf(before, after, byName, false)).toMatchObject({ verdict: 'replaced', how: 'flux force' });
    const pv = rendered('PersistentVolume');
    pv.metadata.annotations['kustomize.toolkit.fluxcd.io/force'] = 'enabled';
    const moved = structuredClone(pv);
    moved.spec.local.path = '/elsewhere';
    expect(verdictOf(pv, moved, byName, false).verdict).toBe('rejected');
    expect(verdictOf(pv, moved, byName, true)).toMatchObject({ verdict: 'replaced', how: 'planned migration' });
  });
});
