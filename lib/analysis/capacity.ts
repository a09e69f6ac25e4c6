import { imageArchitecturesOk } from './architectures';
import { millicores, parseQuantity, GIB } from './quantity';
import { eligibleNodes } from './scheduling';
import { ClusterModel, WorkloadModel } from './workload-model';
import { ClusterSpec, NodeSpec } from '../spec/schema';

/*
 * Requests per node against what the node can give pods, in normal operation and with
 * each worker down. Placement of replicas follows the scheduler's default scoring in
 * spirit: DaemonSets everywhere they fit, one-per-node workloads on distinct nodes, other
 * replicas on the eligible node with the most free memory.
 */

/** Memory the OS and k3s itself keep, by role (k3s server runs the API server, etcd/kine, controllers). */
export const RESERVED_MEMORY_GIB = { server: 1.5, agent: 0.75 } as const;
export const RESERVED_CPU_MILLICORES = { server: 500, agent: 250 } as const;
/** OpenZFS on Linux lets the ARC grow to half of RAM by default; the storage node keeps it. */
export const ZFS_ARC_FRACTION = 0.5;

export interface NodeCapacity {
  readonly node: NodeSpec;
  readonly allocatableMemory: number;
  readonly allocatableMillicores: number;
  readonly requestedMemory: number;
  readonly requestedMillicores: number;
  readonly limitMemory: number;
  /** `Deployment/ns/name` of every pod placed here. */
  readonly pods: readonly string[];
}

export function allocatable(spec: ClusterSpec, node: NodeSpec): { memory: number; millicores: number } {
  const arc = node.name === spec.placement.storageNode ? node.hardware.memoryGiB * ZFS_ARC_FRACTION : 0;
  return {
    memory: (node.hardware.memoryGiB - RESERVED_MEMORY_GIB[node.role] - arc) * GIB,
    millicores: node.hardware.cpuCores * 1000 - RESERVED_CPU_MILLICORES[node.role],
  };
}

/** What one pod of the workload requests (and limits) for the scheduler. */
export function podRequests(w: WorkloadModel): { memory: number; millicores: number; limitMemory: number } {
  // Init containers run before the others, so a pod needs the larger of the two sums.
  const sum = (init: boolean, key: 'requests' | 'limits', res: string, parse: (v: string | number) => number): number =>
    w.template.containers.filter((c) => c.init === init).reduce((acc, c) => acc + parse(c[key][res] ?? 0), 0);
  return {
    memory: Math.max(sum(false, 'requests', 'memory', parseQuantity), sum(true, 'requests', 'memory', parseQuantity)),
    millicores: Math.max(sum(false, 'requests', 'cpu', millicores), sum(true, 'requests', 'cpu', millicores)),
    limitMemory: sum(false, 'limits', 'memory', parseQuantity),
  };
}

/** Places every pod on the nodes that are up; `down` names a failed node. */
export function capacity(spec: ClusterSpec, model: ClusterModel, down?: string): NodeCapacity[] {
  const nodes = spec.nodes.filter((n) => n.name !== down);
  const usage = new Map(
    nodes.map((n) => [n.name, { requestedMemory: 0, requestedMillicores: 0, limitMemory: 0, pods: [] as string[] }]),
  );
  const place = (node: string, w: WorkloadModel): void => {
    const u = usage.get(node)!;
    const r = podRequests(w);
    u.requestedMemory += r.memory;
    u.requestedMillicores += r.millicores;
    u.limitMemory += r.limitMemory;
    u.pods.push(w.id);
  };
  const free = (name: string): number => {
    const node = nodes.find((n) => n.name === name)!;
    return allocatable(spec, node).memory - usage.get(name)!.requestedMemory;
  };
  // DaemonSets first, then the workloads with the fewest choices.
  const ordered = [...model.workloads].sort((a, b) => {
    const rank = (w: WorkloadModel): number => (w.replicas === undefined ? 0 : eligibleNodes(w.template, spec).length);
    return rank(a) - rank(b) || a.id.localeCompare(b.id);
  });
  for (const w of ordered) {
    const eligible = eligibleNodes(w.template, spec)
      .filter((n) => n.name !== down && imageArchitecturesOk(w, n))
      .map((n) => n.name);
    if (w.replicas === undefined) {
      eligible.forEach((n) => place(n, w));
    } else if (w.template.onePerNode) {
      eligible.slice(0, w.replicas).forEach((n) => place(n, w));
    } else {
      for (let i = 0; i < w.replicas && eligible.length > 0; i++) {
        place([...eligible].sort((a, b) => free(b) - free(a) || a.localeCompare(b))[0], w);
      }
    }
  }
  return nodes.map((node) => {
    const a = allocatable(spec, node);
    return { node, allocatableMemory: a.memory, allocatableMillicores: a.millicores, ...usage.get(node.name)! };
  });
}
