/*
 * Which pods the kubelet evicts first under memory pressure and which the scheduler may
 * preempt (both follow the pod's priority among pods over their requests): the one table
 * of the cluster's PriorityClasses and of which workload gets which.
 *
 * The design's promises (../shared/DESIGN.md, "Placement and failover") put remote access
 * and names first: with WireGuard, Traefik, CoreDNS and MetalLB up the user can reach the
 * cluster and repair it; then what delivers and watches it; then the apps; games last (they
 * are the largest memory users and only ever pinned to the storage node, where everything
 * else must keep running).
 */

export interface PriorityTier {
  readonly name: string;
  readonly value: number;
  readonly description: string;
  /** `Never`: the class's pods wait for room instead of preempting others. */
  readonly preemptionPolicy: 'PreemptLowerPriority' | 'Never';
}

/** The cluster's own PriorityClasses, highest first (all below system-cluster-critical). */
export const PRIORITY_TIERS = {
  access: {
    name: 'homelab-access',
    value: 1_000_000,
    description: 'Remote access and names (WireGuard, Traefik, CoreDNS, MetalLB): evicted last, may preempt every other tier.',
    preemptionPolicy: 'PreemptLowerPriority',
  },
  platform: {
    name: 'homelab-platform',
    value: 100_000,
    description: 'What delivers, certifies and watches the cluster (cert-manager, monitoring, upgrades, storage controllers).',
    preemptionPolicy: 'PreemptLowerPriority',
  },
  apps: {
    name: 'homelab-apps',
    value: 1_000,
    description: 'The household apps (Home Assistant, DLNA).',
    preemptionPolicy: 'PreemptLowerPriority',
  },
  games: {
    name: 'homelab-games',
    value: -1_000,
    description: 'Game servers: below every other pod, even those without a class (priority 0); they wait for room and never preempt.',
    preemptionPolicy: 'Never',
  },
} as const satisfies Record<string, PriorityTier>;

/**
 * The built-in class for what k3s installs at first boot from its auto-deploy folder, before
 * Flux delivers the classes above: the CNI operator and Flux itself (without them no pod
 * network and nothing delivered or healed). A pod naming a class that does not exist yet is
 * refused by admission, so these take the one that always exists.
 */
export const BOOTSTRAP_PRIORITY_CLASS = 'system-cluster-critical';

/** Built-in classes every cluster has (a workload may name them). */
export const BUILT_IN_PRIORITY_CLASSES = ['system-cluster-critical', 'system-node-critical'] as const;

/** The tier of the workloads of each namespace this project renders. */
export const NAMESPACE_TIERS: Readonly<Record<string, keyof typeof PRIORITY_TIERS>> = {
  vpn: 'access',
  dns: 'access',
  traefik: 'access',
  'metallb-system': 'access',
  'cert-manager': 'platform',
  observability: 'platform',
  'system-upgrade': 'platform',
  'kube-system': 'platform',
  home: 'apps',
  media: 'apps',
  games: 'games',
};

/** The PriorityClass name of a workload in `namespace`; a namespace missing here is a bug the check reports. */
export function priorityClassFor(namespace: string): string | undefined {
  const tier = NAMESPACE_TIERS[namespace];
  return tier === undefined ? undefined : PRIORITY_TIERS[tier].name;
}
