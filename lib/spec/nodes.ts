import { ClusterSpec, NodeSpec } from './schema';

/*
 * Lookups of the nodes a validated spec names. The cross-field rules guarantee they
 * exist, so a miss here is a bug, not a user mistake.
 */

function byName(spec: ClusterSpec, name: string): NodeSpec {
  const node = spec.nodes.find((n) => n.name === name);
  if (!node) {
    throw new Error(`Node "${name}" is not in the spec`);
  }
  return node;
}

/** The node that holds the data (ZFS); pinned workloads run here. */
export function storageNode(spec: ClusterSpec): NodeSpec {
  return byName(spec, spec.placement.storageNode);
}

/** The worker that runs hot-standby replicas. */
export function standbyNode(spec: ClusterSpec): NodeSpec {
  return byName(spec, spec.placement.standbyNode);
}

/** The one k3s server (control plane). */
export function serverNode(spec: ClusterSpec): NodeSpec {
  const node = spec.nodes.find((n) => n.role === 'server');
  if (!node) {
    throw new Error('The spec has no server node');
  }
  return node;
}
