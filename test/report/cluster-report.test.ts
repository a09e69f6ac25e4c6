import { Placement } from '../../lib/placement/placement';
import { clusterReport } from '../../lib/report/cluster-report';
import { ATLAS, cluster, FAILOVER_10S, loadBalancer, PI_WORKER, workload } from '../analysis/fixtures';

describe('clusterReport', () => {
  const report = clusterReport(
    cluster(
      workload({ name: 'ingress', placement: Placement.hotStandby(ATLAS, PI_WORKER), annotations: FAILOVER_10S, memory: '256Mi' }),
      loadBalancer('ingress', '192.168.10.200', 'Local'),
      workload({
        name: 'dlna',
        placement: Placement.pinned(ATLAS),
        annotations: { 'homelab.dev/security-exception.hostNetwork': 'SSDP discovery is multicast on the LAN' },
      }),
    ),
  );

  test('the failure table has one row per workload and a column per failure', () => {
    expect(report).toContain('| workload | atlas down | pi-cp down | pi-worker down | NFS storage down | Kubernetes API down |');
    expect(report).toContain('| Deployment/apps/dlna | down: pinned to atlas | survives | survives | survives | survives |');
    expect(report).toContain('| Deployment/apps/ingress | recovers in 9 s | survives | survives | survives | survives |');
  });

  test('the diagram draws the VIP to its announcer and its failover node', () => {
    expect(report).toContain('vip_192_168_10_200 ==> Deployment_apps_ingress_atlas');
    expect(report).toContain('vip_192_168_10_200 -.-> Deployment_apps_ingress_pi_worker');
  });

  test('capacity counts the standby replica on the Pi and exceptions carry their reasons', () => {
    expect(report).toContain('| all up | pi-worker | 256 MiB / 7424 MiB (97% free) | 256 MiB | 100m / 3750m | 1 |');
    expect(report).toContain('| Deployment/apps/dlna | hostNetwork | SSDP discovery is multicast on the LAN |');
  });
});
