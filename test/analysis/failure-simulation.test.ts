import { describeOutcome, failureScenarios, simulate, simulateAll } from '../../lib/analysis/failure-simulation';
import { clusterModel } from '../../lib/analysis/workload-model';
import { metallbAnnouncer } from '../../lib/net/metallb-election';
import { Placement } from '../../lib/placement/placement';
import { ATLAS, cluster, loadBalancer, PI_WORKER, SPEC, workload } from './fixtures';

const scenario = (id: string) => failureScenarios(SPEC).find((s) => s.id === id)!;
// 192.168.10.200 is announced by atlas when both atlas and pi-worker have a ready replica.
const ATLAS_VIP = '192.168.10.200';

function outcome(objects: Parameters<typeof cluster>, id: string): string {
  const c = cluster(...objects);
  const model = clusterModel(c.objects);
  return describeOutcome(simulate(SPEC, model, model.workloads[0], scenario(id)));
}

describe('failure simulation', () => {
  test('the election helper agrees with the VIP the tests rely on', () => {
    expect(metallbAnnouncer(['atlas', 'pi-worker'], ATLAS_VIP)).toBe('atlas');
  });

  test('a hot standby behind a Local VIP recovers within MetalLB failover when the announcer dies', () => {
    const objects = [workload({ name: 'ingress', placement: Placement.hotStandby(ATLAS, PI_WORKER) }), loadBalancer('ingress', ATLAS_VIP, 'Local')] as const;
    expect(outcome([...objects], 'node:atlas')).toBe('recovers in 9 s');
    expect(outcome([...objects], 'node:pi-worker')).toBe('survives');
    expect(outcome([...objects], 'node:pi-cp')).toBe('survives');
  });

  test('a pinned workload is down while its node is down', () => {
    expect(outcome([workload({ name: 'dlna', placement: Placement.pinned(ATLAS) })], 'node:atlas')).toBe('down: pinned to atlas');
  });

  test('a single replica elsewhere is rescheduled after grace, eviction and start', () => {
    expect(outcome([workload({ name: 'web', placement: Placement.anywhere(1) })], 'node:pi-worker')).toBe('recovers in 380 s');
  });

  test('a workload with an NFS volume is down when storage is down, and when the storage node is down', () => {
    const nfs = [{ name: 'data', nfs: { server: '192.168.10.10', path: '/tank/apps' } }];
    const objects = [workload({ name: 'app', placement: Placement.anywhere(2), volumes: nfs })];
    expect(outcome(objects, 'storage')).toBe('down: mounts NFS (volume data); storage is down');
    expect(outcome(objects, 'node:atlas')).toBe('down: mounts NFS (volume data); storage is down');
  });

  test('a workload that uses the API is degraded while the API is down; others serve', () => {
    const api = { 'homelab.dev/uses-kubernetes-api': 'watches pods' };
    expect(outcome([workload({ name: 'op', placement: Placement.pinned(ATLAS), annotations: api })], 'api')).toBe(
      'degraded: keeps serving with its last configuration; changes wait for the API',
    );
    expect(outcome([workload({ name: 'vpn', placement: Placement.hotStandby(ATLAS, PI_WORKER) })], 'api')).toBe('survives');
  });

  test('simulateAll gives one outcome per workload and scenario', () => {
    const c = cluster(workload({ name: 'a', placement: Placement.pinned(ATLAS) }), workload({ name: 'b', placement: Placement.anywhere(2) }));
    const rows = simulateAll(SPEC, clusterModel(c.objects));
    expect(rows.map((r) => [r.workload.name, [...r.outcomes.keys()]])).toEqual([
      ['a', ['node:atlas', 'node:pi-cp', 'node:pi-worker', 'storage', 'api']],
      ['b', ['node:atlas', 'node:pi-cp', 'node:pi-worker', 'storage', 'api']],
    ]);
  });
});
