import { UserError } from '../errors';
import { clusterVips, vipRequests } from '../net/cluster-vips';
import { Ipv4Range } from '../net/ipv4';
import { ClusterSpec } from './schema';

/**
 * Cross-field rules of the networking layer: every load-balanced service gets an address
 * where the right node answers (see vip-allocator.ts). Skipped while the placement nodes
 * or explicit addresses are wrong, since other rules already report those.
 */
export function networkingProblems(spec: ClusterSpec): string[] {
  const names = new Set(spec.nodes.map((n) => n.name));
  if (!names.has(spec.placement.storageNode) || !names.has(spec.placement.standbyNode)) {
    return [];
  }
  const pool = Ipv4Range.parse(spec.network.loadBalancerPool);
  if (vipRequests(spec).some((r) => r.explicit !== undefined && !pool.contains(r.explicit))) {
    return [];
  }
  try {
    clusterVips(spec);
    return [];
  } catch (e) {
    if (e instanceof UserError) {
      return [...e.problems];
    }
    throw e;
  }
}
