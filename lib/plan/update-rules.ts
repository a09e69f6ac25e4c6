import { parseQuantity } from '../analysis/quantity';
import type { Yaml } from '../yaml/yaml';
/*
 * The API server's update rules: which changes to an existing object Kubernetes 1.33
 * refuses, read from its validation code at v1.33.11 (k8s.io/kubernetes, the files named in
 * each rule's `source`). One table; the plan and the apply check read nothing else.
 *
 * Flux applies a stage with server-side apply after a dry run of the whole stage, so one
 * refused object holds the stage and every stage that depends on it. Flux's `force`
 * (kustomize.toolkit.fluxcd.io/force: enabled) deletes and recreates an object whose update
 * was refused as Invalid (HTTP 422) or Conflict (fluxcd/pkg ssa/errors/immutable.go); it does
 * not help with an admission plugin's Forbidden (403).
 */


/** How the API server refuses: validation (422 Invalid, Flux force recreates) or admission (403 Forbidden). */
export type Refusal = 'invalid' | 'forbidden';

export interface UpdateRule {
  readonly id: string;
  readonly kinds: readonly string[];
  /** The field, as a dotted path of the manifest. */
  readonly field: string;
  /**
   * Why the API server refuses the change from `before` to `after` (its own words), or
   * undefined when it accepts it. `objects` are the objects after the push, by `Kind/name`
   * for cluster-scoped ones (a claim's StorageClass).
   */
  refuses(before: Yaml, after: Yaml, objects: ReadonlyMap<string, Yaml>): string | undefined;
  readonly refusal: Refusal;
  /** k8s.io/kubernetes v1.33.11: file and function. */
  readonly source: string;
  /** What to do instead. */
  readonly wayForward: string;
  /** Recreating the object loses data or binds it anew: never by Flux `force`, only by a migration. */
  readonly holdsData?: boolean;
}

const get = (m: Yaml, path: string): Yaml => path.split('.').reduce((v, k) => (v === undefined || v === null ? undefined : v[k]), m);
const same = (a: Yaml, b: Yaml): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** A field that may not change at all once the object exists. */
function immutable(
  id: string,
  kinds: string[],
  field: string,
  message: string,
  source: string,
  wayForward: string,
  extra: Partial<UpdateRule> = {},
): UpdateRule {
  return {
    id,
    kinds,
    field,
    refuses: (before, after) => (same(get(before, field), get(after, field)) ? undefined : message),
    refusal: 'invalid',
    source,
    wayForward,
    ...extra,
  };
}

/** A storage quantity in bytes (an absent one as 0). */
export function quantityBytes(q: string | number | undefined): number {
  return q === undefined ? 0 : parseQuantity(q);
}

const STORAGE_VALIDATION = 'pkg/apis/storage/validation/validation.go ValidateStorageClassUpdate';
const PV_VALIDATION = 'pkg/apis/core/validation/validation.go ValidatePersistentVolumeUpdate';
const PVC_VALIDATION = 'pkg/apis/core/validation/validation.go ValidatePersistentVolumeClaimUpdate';
const NEW_NAME = 'give the object a new name (the old one stays until nothing uses it), or mark it kustomize.toolkit.fluxcd.io/force: enabled so Flux recreates it';
const CLAIM_MIGRATION = 'a planned migration of the claim: run npm run plan for the steps, then npm run synth -- --migrate';

const PV_SOURCES = ['local', 'csi', 'nfs', 'hostPath', 'iscsi', 'fc', 'rbd', 'cephfs'];

export const UPDATE_RULES: readonly UpdateRule[] = [
  ...['parameters', 'provisioner', 'reclaimPolicy'].map((f) =>
    immutable(`storageclass-${f}`, ['StorageClass'], f, `updates to ${f} are forbidden.`, STORAGE_VALIDATION, NEW_NAME),
  ),
  immutable('storageclass-volumeBindingMode', ['StorageClass'], 'volumeBindingMode', 'field is immutable', STORAGE_VALIDATION, NEW_NAME),
  ...PV_SOURCES.map((s) =>
    immutable(`pv-source-${s}`, ['PersistentVolume'], `spec.${s}`, 'spec.persistentvolumesource is immutable after creation', PV_VALIDATION, CLAIM_MIGRATION, {
      holdsData: true,
    }),
  ),
  immutable(
    'pv-nodeAffinity',
    ['PersistentVolume'],
    'spec.nodeAffinity',
    'field is immutable, except for updating from beta label to GA',
    `${PV_VALIDATION} (validatePvNodeAffinity)`,
    CLAIM_MIGRATION,
    { holdsData: true },
  ),
  immutable('pv-volumeMode', ['PersistentVolume'], 'spec.volumeMode', 'field is immutable', PV_VALIDATION, CLAIM_MIGRATION, { holdsData: true }),
  ...['storageClassName', 'accessModes', 'volumeName', 'selector', 'volumeMode', 'dataSource'].map((f) =>
    immutable(
      `pvc-${f}`,
      ['PersistentVolumeClaim'],
      `spec.${f}`,
      'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims',
      PVC_VALIDATION,
      CLAIM_MIGRATION,
      { holdsData: true },
    ),
  ),
  {
    id: 'pvc-shrink',
    kinds: ['PersistentVolumeClaim'],
    field: 'spec.resources.requests.storage',
    refuses: (before, after) =>
      quantityBytes(get(after, 'spec.resources.requests.storage')) < quantityBytes(get(before, 'spec.resources.requests.storage'))
        ? 'field can not be less than status.capacity (RecoverVolumeExpansionFailure, beta and on in 1.33: a claim never shrinks below what it has)'
        : undefined,
    refusal: 'invalid',
    source: PVC_VALIDATION,
    wayForward: `keep the size, or ${CLAIM_MIGRATION}`,
    holdsData: true,
  },
  {
    id: 'pvc-grow',
    kinds: ['PersistentVolumeClaim'],
    field: 'spec.resources.requests.storage',
    refuses: (before, after, objects) => {
      if (quantityBytes(get(after, 'spec.resources.requests.storage')) <= quantityBytes(get(before, 'spec.resources.requests.storage'))) {
        return undefined;
      }
      const cls = after.spec?.storageClassName;
      if (!cls) {
        return 'only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize';
      }
      return objects.get(`StorageClass/${cls}`)?.allowVolumeExpansion === true
        ? undefined
        : 'only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize';
    },
    refusal: 'forbidden',
    source: 'plugin/pkg/admission/storage/persistentvolume/resize/admission.go (admission PersistentVolumeClaimResize)',
    wayForward: 'grow the volume itself (a static volume: its capacity), or move the claim to a class with allowVolumeExpansion: true by a planned migration',
    holdsData: true,
  },
  immutable(
    'service-clusterIP',
    ['Service'],
    'spec.clusterIP',
    'field is immutable',
    'pkg/apis/core/validation/validation.go ValidateServiceUpdate (validateServiceClusterIPsRelatedFields)',
    NEW_NAME,
  ),
  immutable(
    'service-loadBalancerClass',
    ['Service'],
    'spec.loadBalancerClass',
    'may not change once set',
    'pkg/apis/core/validation/validation.go ValidateServiceUpdate (validateLoadBalancerClassField)',
    NEW_NAME,
  ),
  ...['Deployment', 'DaemonSet', 'ReplicaSet'].map((kind) =>
    immutable(
      `${kind.toLowerCase()}-selector`,
      [kind],
      'spec.selector',
      'field is immutable',
      `pkg/registry/apps/${kind.toLowerCase()}/strategy.go ValidateUpdate`,
      NEW_NAME,
    ),
  ),
  ...['selector', 'serviceName', 'volumeClaimTemplates', 'podManagementPolicy'].map((f) =>
    immutable(
      `statefulset-${f}`,
      ['StatefulSet'],
      `spec.${f}`,
      "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
      'pkg/apis/apps/validation/validation.go ValidateStatefulSetUpdate',
      `${CLAIM_MIGRATION} (its claims outlive it)`,
      { holdsData: true },
    ),
  ),
  ...['template', 'selector', 'completionMode'].map((f) =>
    immutable(`job-${f}`, ['Job'], `spec.${f}`, 'field is immutable', 'pkg/apis/batch/validation/validation.go ValidateJobSpecUpdate', NEW_NAME),
  ),
  immutable('rolebinding-roleRef', ['RoleBinding', 'ClusterRoleBinding'], 'roleRef', 'cannot change roleRef', 'pkg/apis/rbac/validation/validation.go ValidateRoleBindingUpdate', NEW_NAME),
  {
    id: 'immutable-data',
    kinds: ['ConfigMap', 'Secret'],
    field: 'data',
    refuses: (before, after) =>
      before.immutable === true && (!same(before.data, after.data) || !same(before.binaryData, after.binaryData) || after.immutable !== true)
        ? 'field is immutable when `immutable` is set'
        : undefined,
    refusal: 'invalid',
    source: 'pkg/apis/core/validation/validation.go ValidateConfigMapUpdate / ValidateSecretUpdate',
    wayForward: NEW_NAME,
  },
];

/** One refused field of one object. */
export interface Refused {
  readonly rule: UpdateRule;
  readonly message: string;
}

/** The rules an update of one object breaks (empty: the API server accepts it). */
export function refusedBy(before: Yaml, after: Yaml, objects: ReadonlyMap<string, Yaml>): Refused[] {
  return UPDATE_RULES.filter((r) => r.kinds.includes(after.kind))
    .map((rule) => ({ rule, message: rule.refuses(before, after, objects) }))
    .filter((x): x is Refused => x.message !== undefined);
}

export const FLUX_FORCE_ANNOTATION = 'kustomize.toolkit.fluxcd.io/force';

/**
 * What happens to an object on push:
 * - applies: the API server accepts the update;
 * - replaced: refused in place but recreated — by Flux `force` (the object asks for it and
 *   every refusal is a 422), or by a planned migration (`--migrate`, steps in the plan);
 * - rejected: refused, nothing replaces it: the stage sticks.
 */
export type Verdict =
  | { readonly verdict: 'applies' }
  | { readonly verdict: 'replaced'; readonly how: 'flux force' | 'planned migration'; readonly refused: readonly Refused[] }
  | { readonly verdict: 'rejected'; readonly refused: readonly Refused[] };

export function verdictOf(before: Yaml, after: Yaml, objects: ReadonlyMap<string, Yaml>, migrate: boolean): Verdict {
  const refused = refusedBy(before, after, objects);
  if (refused.length === 0) {
    return { verdict: 'applies' };
  }
  const forced = after.metadata?.annotations?.[FLUX_FORCE_ANNOTATION] === 'enabled';
  if (forced && refused.every((r) => r.rule.refusal === 'invalid' && !r.rule.holdsData)) {
    return { verdict: 'replaced', how: 'flux force', refused };
  }
  if (migrate && refused.every((r) => r.rule.holdsData)) {
    return { verdict: 'replaced', how: 'planned migration', refused };
  }
  return { verdict: 'rejected', refused };
}
