import { requirementMatches } from '../conventions/label-selectors';
import { CONTROL_PLANE_TAINT } from '../placement/placement';
import { ClusterSpec, NodeSpec } from '../spec/schema';
import { NodeSelectorRequirement, PodTemplateModel, TolerationModel } from './workload-model';

/** A taint as k3s puts it on a node. */
export interface Taint {
  readonly key: string;
  readonly value?: string;
  readonly effect: string;
}

/** The labels k3s gives a node, plus the spec's own. */
export function nodeLabels(node: NodeSpec): Record<string, string> {
  return {
    ...node.labels,
    'kubernetes.io/hostname': node.name,
    'kubernetes.io/arch': node.arch,
    'kubernetes.io/os': 'linux',
    ...(node.role === 'server'
      ? { 'node-role.kubernetes.io/control-plane': 'true', 'node-role.kubernetes.io/master': 'true' }
      : {}),
  };
}

/** The taints of a node: the control plane carries one so that only node agents run there. */
export function nodeTaints(node: NodeSpec): Taint[] {
  return node.role === 'server' ? [{ key: CONTROL_PLANE_TAINT.key!, effect: CONTROL_PLANE_TAINT.effect! }] : [];
}

function tolerates(toleration: TolerationModel, taint: Taint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) {
    return false;
  }
  if (toleration.operator === 'Exists') {
    return toleration.key === undefined || toleration.key === taint.key;
  }
  return toleration.key === taint.key && (toleration.value ?? '') === (taint.value ?? '');
}

/** The nodes a label selector's `matchExpressions` select (a Plan's `nodeSelector`). */
export function selectedNodes(matchExpressions: readonly NodeSelectorRequirement[], spec: ClusterSpec): NodeSpec[] {
  return spec.nodes.filter((node) => matchExpressions.every((req) => requirementMatches(req, nodeLabels(node))));
}

/** Whether the scheduler may put a pod of this template on the node. */
export function fitsNode(template: PodTemplateModel, node: NodeSpec): boolean {
  const labels = nodeLabels(node);
  const selectorOk = Object.entries(template.nodeSelector).every(([k, v]) => labels[k] === v);
  const affinityOk =
    template.requiredNodeTerms.length === 0 ||
    template.requiredNodeTerms.some((term) => term.every((req) => requirementMatches(req, labels)));
  const taintsOk = nodeTaints(node)
    .filter((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute')
    .every((taint) => template.tolerations.some((t) => tolerates(t, taint)));
  return selectorOk && affinityOk && taintsOk;
}

/** The nodes the scheduler may use for the template, in spec order. */
export function eligibleNodes(template: PodTemplateModel, spec: ClusterSpec): NodeSpec[] {
  return spec.nodes.filter((node) => fitsNode(template, node));
}

/** Seconds a pod stays bound to an unreachable node before eviction (its toleration, else 300). */
export function evictionSeconds(template: PodTemplateModel): number {
  const keys = ['node.kubernetes.io/unreachable', 'node.kubernetes.io/not-ready'];
  const seconds = template.tolerations
    .filter((t) => t.key !== undefined && keys.includes(t.key) && t.effect === 'NoExecute')
    .map((t) => t.tolerationSeconds ?? Infinity);
  return seconds.length > 0 ? Math.min(...seconds) : DEFAULT_TOLERATION_SECONDS;
}

/** Kubernetes' default not-ready/unreachable toleration (DefaultTolerationSeconds admission). */
export const DEFAULT_TOLERATION_SECONDS = 300;
