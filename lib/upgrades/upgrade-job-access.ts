import type { Yaml } from '../yaml/yaml';

/*
 * What the Job pods of a system-upgrade-controller Plan are, and which Kubernetes API
 * requests their steps make. Facts, each from the upstream source at the pinned version:
 *
 * - rancher/system-upgrade-controller v0.20.1, pkg/upgrade/job/job.go (NewUpgradeJob): the
 *   pod gets `serviceAccountName: plan.spec.serviceAccountName` and no
 *   `automountServiceAccountToken`, so the ServiceAccount's own setting decides whether a
 *   token is mounted (Kubernetes mounts one unless the account or the pod says false). Init
 *   containers in order: `prepare` (plan.spec.prepare), then `drain` (plan.spec.drain) or
 *   else `cordon` (plan.spec.cordon), both `kubectl` (SYSTEM_UPGRADE_JOB_KUBECTL_IMAGE) with
 *   `drain <node> --pod-selector … [--ignore-daemonsets] [--delete-emptydir-data] [--force]
 *   [--disable-eviction=true]` or `cordon <node>`; the container `upgrade` (plan.spec.upgrade).
 *   The uncordon after success is the controller's own (pkg/upgrade/handle_batch.go), with
 *   the controller's account.
 * - kubernetes/kubectl v0.33.9 (the kubectl image's minor):
 *   - `cordon`: the resource builder GETs the node, then a strategic-merge PATCH sets
 *     spec.unschedulable (pkg/cmd/drain/drain.go, pkg/drain/cordon.go);
 *   - `drain`: cordon as above, LIST pods in all namespaces by spec.nodeName
 *     (pkg/drain/drain.go GetPodsForDeletion), GET the DaemonSet owning a pod
 *     (pkg/drain/filters.go daemonSetFilter), CREATE pods/eviction (EvictPod) or DELETE the
 *     pod with --disable-eviction, and GET each pod until it is gone (waitForDelete);
 *   - `wait <resource>[/<name>]`: GET the named object (or LIST by selector), then LIST and
 *     WATCH it with a field selector (pkg/cmd/wait/condition.go).
 * - k3s-io/k3s-upgrade scripts/upgrade.sh (upgrade): swaps the binary and signals k3s; it
 *   runs `kubectl version --client` only, no request. The k3OS image writes files and
 *   reboots: no request either.
 */

/** One request to the API: verb on a resource (with subresource), cluster-wide or in a namespace. */
export interface ApiRequest {
  readonly group: string;
  /** `pods`, or `pods/eviction` for a subresource. */
  readonly resource: string;
  readonly verb: string;
  /** Undefined: across all namespaces, or a cluster-scoped resource. */
  readonly namespace?: string;
  /** The object's name when the request names one. */
  readonly name?: string;
  /** Which step makes it and why, for messages. */
  readonly because: string;
}

/** One container of an upgrade Job's pod and the requests it makes. */
export interface JobStep {
  readonly container: 'prepare' | 'drain' | 'cordon' | 'upgrade';
  readonly requests: readonly ApiRequest[];
}

/** The pod an upgrade Job runs, as the controller builds it from a Plan. */
export interface UpgradeJobPod {
  readonly plan: string;
  readonly namespace: string;
  readonly serviceAccountName: string;
  readonly steps: readonly JobStep[];
}

const req = (group: string, resource: string, verb: string, because: string, namespace?: string): ApiRequest => ({
  group,
  resource,
  verb,
  because,
  namespace,
});

/** `kubectl` resource names this project's prepare scripts use, to API group and plural. */
const KUBECTL_RESOURCES: Record<string, { group: string; resource: string; namespaced: boolean }> = {
  plan: { group: 'upgrade.cattle.io', resource: 'plans', namespaced: true },
  plans: { group: 'upgrade.cattle.io', resource: 'plans', namespaced: true },
  node: { group: '', resource: 'nodes', namespaced: false },
  nodes: { group: '', resource: 'nodes', namespaced: false },
};

/**
 * The requests of the `kubectl` commands in a prepare script. Only `kubectl wait` is known;
 * any other kubectl use is an error, so a new command cannot slip past the access check.
 */
export function kubectlRequests(script: string, podNamespace: string): ApiRequest[] {
  const out: ApiRequest[] = [];
  for (const line of script.split('\n')) {
    const at = line.indexOf('kubectl ');
    if (at < 0) {
      continue;
    }
    const words = line.slice(at + 'kubectl '.length).trim().split(/\s+/);
    let namespace = podNamespace; // in-cluster kubectl defaults to the pod's namespace
    const positional: string[] = [];
    for (let i = 0; i < words.length; i++) {
      const w = words[i];
      if (w === '-n' || w === '--namespace') {
        namespace = words[++i];
      } else if (w.startsWith('--namespace=')) {
        namespace = w.slice('--namespace='.length);
      } else if (!w.startsWith('-')) {
        positional.push(w);
      }
    }
    const [command, target] = positional;
    if (command !== 'wait' || !target) {
      throw new Error(`prepare script: no model of the API requests of "kubectl ${words.join(' ')}"`);
    }
    const [kind, name] = target.split('/');
    const r = KUBECTL_RESOURCES[kind];
    if (!r) {
      throw new Error(`prepare script: unknown kubectl resource "${kind}" in "${line.trim()}"`);
    }
    const ns = r.namespaced ? namespace : undefined;
    const because = `prepare: kubectl wait ${target}`;
    out.push(req(r.group, r.resource, name ? 'get' : 'list', because, ns));
    out.push(req(r.group, r.resource, 'list', because, ns), req(r.group, r.resource, 'watch', because, ns));
  }
  return out;
}

function drainRequests(drain: Yaml): ApiRequest[] {
  const because = 'drain: kubectl drain';
  return [
    req('', 'nodes', 'get', because),
    req('', 'nodes', 'patch', `${because} (cordon)`),
    req('', 'pods', 'list', `${because} (pods on the node)`),
    ...(drain.ignoreDaemonSets === false ? [] : [req('apps', 'daemonsets', 'get', `${because} (skip DaemonSet pods)`)]),
    drain.disableEviction
      ? req('', 'pods', 'delete', `${because} --disable-eviction`)
      : req('', 'pods/eviction', 'create', `${because} (evict)`),
    req('', 'pods', 'get', `${because} (wait for deletion)`),
  ];
}

/** The pod the controller would run for a rendered Plan, with each step's requests. */
export function upgradeJobPod(plan: Yaml): UpgradeJobPod {
  const namespace: string = plan.metadata.namespace;
  const spec = plan.spec ?? {};
  const steps: JobStep[] = [];
  if (spec.prepare) {
    const script = [...(spec.prepare.command ?? []), ...(spec.prepare.args ?? [])].join('\n');
    steps.push({ container: 'prepare', requests: kubectlRequests(script, namespace) });
  }
  if (spec.drain) {
    steps.push({ container: 'drain', requests: drainRequests(spec.drain) });
  } else if (spec.cordon) {
    steps.push({
      container: 'cordon',
      requests: [req('', 'nodes', 'get', 'cordon: kubectl cordon'), req('', 'nodes', 'patch', 'cordon: kubectl cordon')],
    });
  }
  steps.push({ container: 'upgrade', requests: [] });
  return { plan: plan.metadata.name, namespace, serviceAccountName: spec.serviceAccountName || 'default', steps };
}

/** One permission a rule grants: verb on group/resource, in a namespace or everywhere. */
export interface Grant {
  readonly group: string;
  readonly resource: string;
  readonly verb: string;
  /** Undefined: granted in every namespace (ClusterRoleBinding). */
  readonly namespace?: string;
  readonly resourceNames?: readonly string[];
  /** `ClusterRole/name` or `Role/namespace/name`, for messages. */
  readonly from: string;
}

/** What a ServiceAccount may do, from the rendered RBAC objects (no aggregation, no wildcards). */
export function grantsOf(objects: readonly Yaml[], namespace: string, account: string): Grant[] {
  const roles = new Map<string, Yaml>();
  for (const m of objects) {
    if (m.kind === 'ClusterRole') roles.set(`ClusterRole//${m.metadata.name}`, m);
    if (m.kind === 'Role') roles.set(`Role/${m.metadata.namespace}/${m.metadata.name}`, m);
  }
  const grants: Grant[] = [];
  for (const b of objects) {
    if (b.kind !== 'ClusterRoleBinding' && b.kind !== 'RoleBinding') continue;
    const bound = (b.subjects ?? []).some(
      (s: Yaml) => s.kind === 'ServiceAccount' && s.name === account && (s.namespace ?? b.metadata.namespace) === namespace,
    );
    if (!bound) continue;
    const scope = b.kind === 'RoleBinding' ? b.metadata.namespace : undefined;
    const key = b.roleRef.kind === 'ClusterRole' ? `ClusterRole//${b.roleRef.name}` : `Role/${b.metadata.namespace}/${b.roleRef.name}`;
    const role = roles.get(key);
    if (!role) continue;
    const from = b.roleRef.kind === 'ClusterRole' ? `ClusterRole/${b.roleRef.name}` : `Role/${b.metadata.namespace}/${b.roleRef.name}`;
    for (const rule of role.rules ?? []) {
      for (const group of rule.apiGroups ?? []) {
        for (const resource of rule.resources ?? []) {
          for (const verb of rule.verbs ?? []) {
            grants.push({ group, resource, verb, namespace: scope, resourceNames: rule.resourceNames, from });
          }
        }
      }
    }
  }
  return grants;
}

/** Whether a grant allows a request (RBAC's rule matching, for the cases this project renders). */
export function allows(g: Grant, r: ApiRequest): boolean {
  return (
    g.group === r.group &&
    g.resource === r.resource &&
    g.verb === r.verb &&
    (g.namespace === undefined || g.namespace === r.namespace) &&
    (g.resourceNames === undefined || g.resourceNames.length === 0 || (r.name !== undefined && g.resourceNames.includes(r.name)))
  );
}

/** Whether a pod of this account gets a token: the account's setting, as the Job pod sets none. */
export function mountsToken(objects: readonly Yaml[], namespace: string, account: string): boolean | undefined {
  const sa = objects.find((m) => m.kind === 'ServiceAccount' && m.metadata.name === account && m.metadata.namespace === namespace);
  return sa === undefined ? undefined : sa.automountServiceAccountToken !== false;
}
