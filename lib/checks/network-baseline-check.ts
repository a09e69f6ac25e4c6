import { DEFAULT_DENY_POLICY } from '../k8s/network-policy-baseline';
import { RenderedCluster } from '../render';
import { Check, Finding } from './check';

/**
 * Every namespace we render carries the network baseline: a `default-deny-ingress`
 * NetworkPolicy selecting all pods, with no ingress rule. Reported as a warning while
 * older layers adopt NetworkPolicyBaseline.
 */
export class NetworkBaselineCheck implements Check {
  public readonly name = 'network-baseline';

  constructor(private readonly severity: Finding['severity'] = 'warning') {}

  public async run(cluster: RenderedCluster): Promise<Finding[]> {
    const denied = new Set(
      cluster.objects
        .map((o) => o.manifest)
        .filter(
          (m) =>
            m.kind === 'NetworkPolicy' &&
            m.metadata?.name === DEFAULT_DENY_POLICY &&
            Object.keys(m.spec?.podSelector ?? {}).length === 0 &&
            (m.spec?.policyTypes ?? []).includes('Ingress') &&
            (m.spec?.ingress ?? []).length === 0,
        )
        .map((m) => m.metadata.namespace as string),
    );
    return cluster.objects
      .filter((o) => o.manifest.kind === 'Namespace' && !denied.has(o.manifest.metadata.name))
      .map((o) => ({
        severity: this.severity,
        check: this.name,
        message:
          `${o.file}: Namespace/${o.manifest.metadata.name}: has no ${DEFAULT_DENY_POLICY} NetworkPolicy; ` +
          'add a NetworkPolicyBaseline (lib/k8s/network-policy-baseline.ts) for it',
      }));
  }
}
