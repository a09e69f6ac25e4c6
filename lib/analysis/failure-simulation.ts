import { announcingNode } from './l2-election';
import { ClusterSpec } from '../spec/schema';
import { eligibleNodes, evictionSeconds } from './scheduling';
import { describeVipFailover, NODE_MONITOR_GRACE_SECONDS, POD_START_SECONDS, vipFailoverSeconds, vpnClientRecoverySeconds } from './timings';
import { ANNOTATIONS, ClusterModel, loadBalancersOf, WorkloadModel } from './workload-model';

/** A single failure the cluster is promised to survive, or at least to be understood under. */
export interface FailureScenario {
  /** `node:atlas`, `storage`, `api`. */
  readonly id: string;
  /** For the report: "atlas down". */
  readonly title: string;
  /** The node that is gone, for node failures. */
  readonly node?: string;
  readonly storageDown: boolean;
  readonly apiDown: boolean;
}

export type Outcome =
  | { readonly status: 'serving' }
  | { readonly status: 'recovers'; readonly seconds: number; readonly how: string }
  | { readonly status: 'degraded'; readonly reason: string }
  | { readonly status: 'down'; readonly reason: string };

export interface SimulationRow {
  readonly workload: WorkloadModel;
  readonly outcomes: ReadonlyMap<string, Outcome>;
}

/** Every single failure: each node, the storage service, the Kubernetes API. */
export function failureScenarios(spec: ClusterSpec): FailureScenario[] {
  return [
    ...spec.nodes.map((n) => ({
      id: `node:${n.name}`,
      title: `${n.name} down`,
      node: n.name,
      storageDown: n.name === spec.placement.storageNode,
      apiDown: n.role === 'server',
    })),
    { id: 'storage', title: 'NFS storage down', storageDown: true, apiDown: false },
    { id: 'api', title: 'Kubernetes API down', storageDown: false, apiDown: true },
  ];
}

/**
 * The network storage a workload mounts: NFS directly, or a claim on a network StorageClass.
 * A claim bound to a local volume (storage class "") depends on its node only.
 */
function usesStorage(model: ClusterModel, w: WorkloadModel): string | undefined {
  const volume = w.template.volumes.find((v) => {
    if (v.type === 'nfs') {
      return true;
    }
    if (v.type !== 'persistentVolumeClaim') {
      return false;
    }
    const claim = model.objects.find(
      (o) => o.kind === 'PersistentVolumeClaim' && o.metadata?.name === v.claimName && (o.metadata?.namespace ?? 'default') === w.namespace,
    );
    return claim?.spec?.storageClassName !== '';
  });
  return volume ? `mounts ${volume.type === 'nfs' ? 'NFS' : `PVC ${volume.claimName}`} (volume ${volume.name})` : undefined;
}

/** What happens to one workload in one scenario, decided from its rendered pod template. */
export function simulate(spec: ClusterSpec, model: ClusterModel, w: WorkloadModel, s: FailureScenario): Outcome {
  const storage = usesStorage(model, w);
  if (s.storageDown && storage) {
    return { status: 'down', reason: `${storage}; storage is down` };
  }
  const eligible = eligibleNodes(w.template, spec).map((n) => n.name);
  if (eligible.length === 0) {
    return { status: 'down', reason: 'no node fits its placement' };
  }
  if (!s.node || !eligible.includes(s.node)) {
    if (s.apiDown && w.annotations[ANNOTATIONS.usesKubernetesApi]) {
      return { status: 'degraded', reason: 'keeps serving with its last configuration; changes wait for the API' };
    }
    return { status: 'serving' };
  }
  // The failed node is one the workload may run on.
  if (w.replicas === undefined) {
    return eligible.length > 1 ? { status: 'serving' } : { status: 'down', reason: `its only node ${s.node} is down` };
  }
  const survivors = eligible.filter((n) => n !== s.node);
  if (survivors.length === 0) {
    return { status: 'down', reason: `pinned to ${s.node}` };
  }
  const podNodes = w.template.onePerNode ? Math.min(w.replicas, eligible.length) : 1;
  if (podNodes >= 2) {
    const localLbs = loadBalancersOf(model, w).filter((lb) => lb.externalTrafficPolicy === 'Local');
    if (localLbs.length > 0) {
      const announcedHere = localLbs.some((lb) => !lb.vip || announcingNode(spec, model, lb, eligible) === s.node);
      if (!announcedHere) {
        return { status: 'serving' };
      }
      const vip = vipFailoverSeconds(spec.nodes.length);
      const move = `MetalLB moves the VIP to a node with a ready replica, ${describeVipFailover(vip)}`;
      return w.annotations[ANNOTATIONS.clientRecovery] === 'wireguard-handshake'
        ? {
            status: 'recovers',
            seconds: vpnClientRecoverySeconds(vip.max),
            how: `${move}; clients re-handshake 15 s after their first unanswered packet (WireGuard Keepalive-Timeout + Rekey-Timeout)`,
          }
        : { status: 'recovers', seconds: Math.ceil(vip.max), how: `${move}; the standby is already ready` };
    }
    return {
      status: 'recovers',
      seconds: NODE_MONITOR_GRACE_SECONDS,
      how: 'the failed replica leaves the endpoints when the node is marked NotReady',
    };
  }
  if (s.apiDown) {
    return { status: 'down', reason: 'its pods may be on the failed node and the API that would reschedule them is down' };
  }
  const seconds = NODE_MONITOR_GRACE_SECONDS + evictionSeconds(w.template) + POD_START_SECONDS;
  return {
    status: 'recovers',
    seconds,
    how: `rescheduled to ${survivors.join(' or ')} (node grace ${NODE_MONITOR_GRACE_SECONDS} s + eviction ${evictionSeconds(w.template)} s + start ${POD_START_SECONDS} s)`,
  };
}

export function simulateAll(spec: ClusterSpec, model: ClusterModel): SimulationRow[] {
  const scenarios = failureScenarios(spec);
  return model.workloads.map((workload) => ({
    workload,
    outcomes: new Map(scenarios.map((s) => [s.id, simulate(spec, model, workload, s)])),
  }));
}

/** `survives`, `down: reason`, `recovers in N s` for tables and messages. */
export function describeOutcome(o: Outcome): string {
  switch (o.status) {
    case 'serving':
      return 'survives';
    case 'recovers':
      return `recovers in ${o.seconds} s`;
    case 'degraded':
      return `degraded: ${o.reason}`;
    case 'down':
      return `down: ${o.reason}`;
  }
}
