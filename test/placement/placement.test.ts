import { Placement } from '../../lib/placement/placement';
import { loadSpec } from '../../lib/services/registry';
import { defaultSpecText } from '../helpers';

const spec = loadSpec(defaultSpecText(), 'cluster.yaml');
const [atlas, , piWorker] = spec.nodes;

describe('Placement', () => {
  test('pinned requires the one node by hostname', () => {
    expect(Placement.pinned(atlas).podFields({ app: 'dlna' })).toEqual({
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['atlas'] }] }],
          },
        },
      },
    });
  });

  test('hot standby runs one replica on each of two nodes and fails over within seconds', () => {
    const placement = Placement.hotStandby(atlas, piWorker);
    const fields = placement.podFields({ app: 'ingress' });
    expect(placement.replicas).toBe(2);
    expect(placement.externalTrafficPolicy).toBe('Local');
    expect(fields.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms[0].matchExpressions?.[0].values).toEqual(['atlas', 'pi-worker']);
    expect(fields.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution).toEqual([
      { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'ingress' } } },
    ]);
    expect(fields.tolerations?.map((t) => [t.key, t.tolerationSeconds])).toEqual([
      ['node.kubernetes.io/not-ready', 10],
      ['node.kubernetes.io/unreachable', 10],
    ]);
  });

  test('fails when a hot standby names the same node twice', () => {
    expect(() => Placement.hotStandby(atlas, atlas)).toThrow('A hot standby needs two nodes; both are "atlas"');
  });

  test('anywhere spreads replicas and keeps cluster traffic policy', () => {
    const placement = Placement.anywhere(3);
    expect(placement.replicas).toBe(3);
    expect(placement.externalTrafficPolicy).toBe('Cluster');
    expect(placement.podFields({ app: 'web' }).topologySpreadConstraints?.[0].whenUnsatisfiable).toBe('ScheduleAnyway');
  });

  test('node agents tolerate the control-plane taint; nothing else does', () => {
    expect(Placement.everyNode().podFields({}).tolerations).toEqual([
      { key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' },
    ]);
    for (const p of [Placement.pinned(atlas), Placement.hotStandby(atlas, piWorker), Placement.anywhere()]) {
      expect(JSON.stringify(p.podFields({}))).not.toContain('control-plane');
    }
  });
});
