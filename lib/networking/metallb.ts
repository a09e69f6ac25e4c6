import { PRIORITY_TIERS } from '../k8s/priority-classes';
import { ANNOTATIONS } from '../analysis/annotations';

/** Why the chart's RBAC is accepted as it is (the security check reads these off the release). */
export const METALLB_RELEASE_ANNOTATIONS = {
  [`${ANNOTATIONS.securityExceptionPrefix}wildcardRbac`]:
    'the chart grants "*" verbs only on MetalLB\'s own status kinds (servicel2statuses, servicebgpstatuses, configurationstates), which its speaker and controller own',
};

/**
 * A Service label naming the one node that must announce its VIP (the node its pods are
 * pinned to): the L2Advertisement `lan-<node>` selects such Services and only that node; the
 * general `lan` advertisement selects the Services without the label, from every node.
 */
export const L2_ANNOUNCER_LABEL = 'homelab.dev/l2-announcer';

/** The namespace MetalLB runs in. */
export const METALLB_NAMESPACE = 'metallb-system';

/**
 * MetalLB values for layer 2 only: no BGP backend (FRR / frr-k8s), memberlist on so a dead
 * node's speaker is noticed within seconds, speakers on every node including the control
 * plane (they only answer ARP), resources sized for a Raspberry Pi.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function metallbValues(): Record<string, any> {
  return {
    frrk8s: { enabled: false },
    crds: { enabled: true },
    controller: {
      priorityClassName: PRIORITY_TIERS.access.name,
      resources: { requests: { cpu: '20m', memory: '48Mi' }, limits: { memory: '128Mi' } },
    },
    speaker: {
      frr: { enabled: false },
      memberlist: { enabled: true },
      tolerateMaster: true,
      priorityClassName: PRIORITY_TIERS.access.name,
      resources: { requests: { cpu: '20m', memory: '48Mi' }, limits: { memory: '128Mi' } },
    },
  };
}
