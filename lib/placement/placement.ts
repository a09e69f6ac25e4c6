import * as k8s from 'cdk8s-plus-33/lib/imports/k8s';
import { NodeSpec } from '../spec/schema';

/** The node label every placement selects on. */
export const HOSTNAME_LABEL = 'kubernetes.io/hostname';

/** The taint the k3s server carries so that only node agents run on the control plane. */
export const CONTROL_PLANE_TAINT: k8s.Toleration = {
  key: 'node-role.kubernetes.io/control-plane',
  operator: 'Exists',
  effect: 'NoSchedule',
};

/**
 * How long a failover workload stays bound to a node that stopped reporting before it is
 * evicted (the Kubernetes default is 300 s).
 */
export const FAILOVER_TOLERATION_SECONDS = 10;

export type PlacementKind = 'pinned' | 'hotStandby' | 'anywhere' | 'everyNode';

/** The pod-spec fields a placement decides. Workload constructs copy them in. */
export interface PodPlacementFields {
  readonly affinity?: k8s.Affinity;
  readonly tolerations?: k8s.Toleration[];
  readonly topologySpreadConstraints?: k8s.TopologySpreadConstraint[];
}

/**
 * Where a workload runs: the small vocabulary of DESIGN.md ("Placement and failover").
 * Every workload takes one, so placement is decided in one place and can be checked.
 */
export class Placement {
  /** On one node only, because its data is there (DLNA, game servers, NFS). */
  public static pinned(node: NodeSpec): Placement {
    return new Placement('pinned', [node], 1);
  }

  /**
   * A primary and a running standby replica on another node (ingress, WireGuard): one
   * replica per node, short not-ready/unreachable tolerations, `Local` traffic policy.
   */
  public static hotStandby(primary: NodeSpec, standby: NodeSpec): Placement {
    if (primary.name === standby.name) {
      throw new Error(`A hot standby needs two nodes; both are "${primary.name}"`);
    }
    return new Placement('hotStandby', [primary, standby], 2);
  }

  /** Any worker, spread across nodes (HTTP apps behind ingress). */
  public static anywhere(replicas = 1): Placement {
    return new Placement('anywhere', [], replicas);
  }

  /** A node agent on every node, the control plane included (DaemonSets). */
  public static everyNode(): Placement {
    return new Placement('everyNode', [], 0);
  }

  /**
   * A node agent on each of these nodes, the control plane included (a DaemonSet for the
   * nodes of one OS, when the agent's configuration depends on it).
   */
  public static everyNodeOf(nodes: readonly NodeSpec[]): Placement {
    if (nodes.length === 0) {
      throw new Error('A node agent needs at least one node');
    }
    return new Placement('everyNode', [...nodes], 0);
  }

  private constructor(
    public readonly kind: PlacementKind,
    /** The nodes named by the placement, primary first; empty for anywhere/everyNode. */
    public readonly nodes: readonly NodeSpec[],
    /** Replicas for a Deployment/StatefulSet; 0 for a DaemonSet. */
    public readonly replicas: number,
  ) {}

  /** Whether the Service in front should keep client source addresses (`Local`). */
  public get externalTrafficPolicy(): 'Local' | 'Cluster' {
    return this.kind === 'anywhere' ? 'Cluster' : 'Local';
  }

  /** Pod-spec fields for pods labelled `podLabels`. */
  public podFields(podLabels: Readonly<Record<string, string>>): PodPlacementFields {
    const onNodes = (names: string[]): k8s.Affinity['nodeAffinity'] => ({
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [{ matchExpressions: [{ key: HOSTNAME_LABEL, operator: 'In', values: names }] }],
      },
    });
    switch (this.kind) {
      case 'pinned':
        return { affinity: { nodeAffinity: onNodes([this.nodes[0].name]) } };
      case 'hotStandby':
        return {
          affinity: {
            nodeAffinity: onNodes(this.nodes.map((n) => n.name)),
            podAntiAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: [
                { topologyKey: HOSTNAME_LABEL, labelSelector: { matchLabels: { ...podLabels } } },
              ],
            },
          },
          tolerations: ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable'].map((key) => ({
            key,
            operator: 'Exists',
            effect: 'NoExecute',
            tolerationSeconds: FAILOVER_TOLERATION_SECONDS,
          })),
        };
      case 'anywhere':
        return {
          topologySpreadConstraints: [
            {
              maxSkew: 1,
              topologyKey: HOSTNAME_LABEL,
              whenUnsatisfiable: 'ScheduleAnyway',
              labelSelector: { matchLabels: { ...podLabels } },
            },
          ],
        };
      case 'everyNode':
        return {
          ...(this.nodes.length > 0 ? { affinity: { nodeAffinity: onNodes(this.nodes.map((n) => n.name)) } } : {}),
          tolerations: [CONTROL_PLANE_TAINT],
        };
    }
  }
}
