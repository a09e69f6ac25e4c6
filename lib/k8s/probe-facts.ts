/*
 * Which long-running containers cannot carry a liveness or readiness probe, and why: the one
 * table the probe check (lib/checks/workload-health-check.ts) reads. Every other container of
 * a Deployment, StatefulSet or DaemonSet must have both. The health endpoints the constructs
 * probe, by software (read from upstream at the pinned versions or their docs):
 *   Prometheus /-/ready and /-/healthy; Alertmanager /-/ready and /-/healthy; Grafana
 *   /api/health; Loki /ready; Alloy /-/ready (and /-/healthy, see below); CoreDNS /ready
 *   (ready plugin) and /health (health plugin); kube-state-metrics /healthz; Traefik /ping;
 *   MetalLB /readyz and /healthz; Flux controllers /readyz and /healthz; cert-manager webhook
 *   /healthz and /livez, controller /livez.
 */

export type ProbeKind = 'readiness' | 'liveness';

export interface ProbeException {
  /** `Kind/namespace/name/container`; `*` for the name matches any. */
  readonly container: string;
  readonly missing: readonly ProbeKind[];
  readonly reason: string;
  /** When the exception holds only for some containers (a game with only UDP ports). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly when?: (container: any) => boolean;
}

const NO_HEALTH_ENDPOINT = 'serves only /metrics and its landing page: no health endpoint; Prometheus alerts on a failed scrape (up == 0) instead';

export const PROBE_EXCEPTIONS: readonly ProbeException[] = [
  {
    container: 'Deployment/games/*/server',
    missing: ['readiness', 'liveness'],
    reason: 'a game with only UDP ports cannot be probed generically (kubelet probes TCP, HTTP, gRPC or a command); it is judged by its process',
    when: (c) => !(c.ports ?? []).some((p: { protocol?: string }) => (p.protocol ?? 'TCP') === 'TCP'),
  },
  { container: 'DaemonSet/observability/node-exporter/node-exporter', missing: ['liveness'], reason: `node_exporter ${NO_HEALTH_ENDPOINT}; readiness uses the landing page` },
  { container: 'DaemonSet/observability/process-exporter/process-exporter', missing: ['readiness', 'liveness'], reason: `process-exporter ${NO_HEALTH_ENDPOINT}` },
  { container: 'Deployment/observability/ipmi-exporter/ipmi-exporter', missing: ['readiness', 'liveness'], reason: `ipmi_exporter ${NO_HEALTH_ENDPOINT}` },
  { container: 'Deployment/observability/snmp-exporter/snmp-exporter', missing: ['readiness', 'liveness'], reason: `snmp_exporter ${NO_HEALTH_ENDPOINT}` },
  ...['DaemonSet/observability/alloy-debian/alloy', 'DaemonSet/observability/alloy-k3os/alloy', 'Deployment/observability/alloy-gateway/alloy'].map((container) => ({
    container,
    missing: ['liveness'] as ProbeKind[],
    reason:
      'Alloy\'s /-/healthy fails while any component is unhealthy (Loki unreachable, say), so a liveness probe on it would restart every Alloy during a Loki outage; /-/ready (readiness) only says the configuration loaded',
  })),
  {
    container: 'Deployment/observability/loki/loki',
    missing: ['liveness'],
    reason: 'Loki serves only /ready, which stays 503 while it replays its WAL after a restart; a liveness probe on it would kill the replay',
  },
  { container: 'Deployment/system-upgrade/system-upgrade-controller/controller', missing: ['readiness', 'liveness'], reason: 'system-upgrade-controller v0.20 serves no health endpoint' },
  { container: 'Deployment/tigera-operator/tigera-operator/tigera-operator', missing: ['readiness', 'liveness'], reason: 'the tigera-operator chart renders no probes and has no value for them' },
  { container: 'Deployment/cert-manager/cert-manager-cainjector/cert-manager-cainjector', missing: ['readiness', 'liveness'], reason: 'the cert-manager chart gives cainjector no probes and no value for them' },
  { container: 'Deployment/cert-manager/cert-manager/cert-manager-controller', missing: ['readiness'], reason: 'cert-manager\'s controller serves /livez only (the chart\'s livenessProbe); it receives no traffic to gate' },
  ...['DaemonSet/kube-system/csi-nfs-node/liveness-probe', 'Deployment/kube-system/csi-nfs-controller/liveness-probe'].map((container) => ({
    container,
    missing: ['readiness', 'liveness'] as ProbeKind[],
    reason: 'this sidecar is the probe: it serves the nfs container\'s /healthz',
  })),
  ...['DaemonSet/kube-system/csi-nfs-node/node-driver-registrar', 'Deployment/kube-system/csi-nfs-controller/csi-provisioner', 'Deployment/kube-system/csi-nfs-controller/csi-resizer'].map(
    (container) => ({ container, missing: ['readiness', 'liveness'] as ProbeKind[], reason: 'a CSI sidecar the csi-driver-nfs chart renders without probes (and no value for them)' }),
  ),
  ...['DaemonSet/kube-system/csi-nfs-node/nfs', 'Deployment/kube-system/csi-nfs-controller/nfs'].map((container) => ({
    container,
    missing: ['readiness'] as ProbeKind[],
    reason: 'the CSI driver serves the kubelet over its socket, not Service traffic: nothing to gate; liveness is its /healthz',
  })),
];

/** The exception for one missing probe of a container, if the table declares one. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function probeException(workload: string, container: any, kind: ProbeKind): ProbeException | undefined {
  const [k, ns, name] = workload.split('/');
  return PROBE_EXCEPTIONS.find((e) => {
    const [ek, ens, ename, econtainer] = e.container.split('/');
    return ek === k && ens === ns && (ename === '*' || ename === name) && econtainer === container.name && e.missing.includes(kind) && (e.when?.(container) ?? true);
  });
}
