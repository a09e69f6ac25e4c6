/*
 * Kubernetes label-selector semantics (apimachinery's labels.Selector), in one place: the
 * flows check (NetworkPolicy pod and namespace selectors), the scheduler model (required node
 * affinity terms) and MetalLB's election (L2Advertisement node and Service selectors) all read
 * labels this way. Node affinity's `Gt`/`Lt` are not modelled: they match nothing here.
 */

/** One `matchExpressions` entry, or one requirement of a node selector term. */
export interface LabelSelectorRequirement {
  readonly key: string;
  readonly operator: string;
  readonly values?: readonly string[];
}

/** A Kubernetes label selector: every matchLabels pair and every expression must hold. */
export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly LabelSelectorRequirement[];
}

/** True when `labels` satisfy one requirement (`In`, `NotIn`, `Exists`, `DoesNotExist`). */
export function requirementMatches(req: LabelSelectorRequirement, labels: Readonly<Record<string, string>>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, req.key);
  switch (req.operator) {
    case 'In':
      return has && (req.values ?? []).includes(labels[req.key]);
    case 'NotIn':
      return !has || !(req.values ?? []).includes(labels[req.key]);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    default:
      return false;
  }
}

/** True when `labels` satisfy `selector` (an empty selector selects everything). */
export function selectorMatches(selector: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  return (
    Object.entries(selector.matchLabels ?? {}).every(([k, v]) => Object.prototype.hasOwnProperty.call(labels, k) && labels[k] === v) &&
    (selector.matchExpressions ?? []).every((req) => requirementMatches(req, labels))
  );
}
