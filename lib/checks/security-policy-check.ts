import { ANNOTATIONS, clusterModel, ContainerModel, WorkloadModel } from '../analysis/workload-model';
import { imageTag } from '../images';
import { clusterObjects, describeObject, RenderedCluster } from '../output/rendered';
import { Check, Finding } from './check';

/** Namespaces that exist on every k3s cluster with Flux; workloads may live there without our Namespace object. */
export const SYSTEM_NAMESPACES = ['kube-system', 'flux-system'];

/** Capabilities Pod Security "baseline" lets a container add (the runtime's default set). */
const BASELINE_CAPABILITIES = ['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT'];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function isRelease(m: any): boolean {
  return (m.kind === 'HelmRelease' && String(m.apiVersion).startsWith('helm.toolkit.fluxcd.io/')) || (m.kind === 'HelmChart' && String(m.apiVersion).startsWith('helm.cattle.io/'));
}

/**
 * What the Pod Security Standards at `level` forbid in the workload's pods (the controls of
 * https://kubernetes.io/docs/concepts/security/pod-security-standards/ that a pod template shows).
 */
export function podSecurityViolations(w: WorkloadModel, level: string): string[] {
  if (level === 'privileged') return [];
  const out: string[] = [];
  const pod = w.template.securityContext ?? {};
  if (w.template.hostNetwork) out.push('uses the host network');
  if (w.template.hostPID) out.push('uses the host PID namespace');
  const hostPath = w.template.volumes.find((v) => v.type === 'hostPath');
  if (hostPath) out.push(`mounts hostPath volume ${hostPath.name}`);
  for (const c of w.template.containers) {
    const sc = c.securityContext ?? {};
    const added: string[] = sc.capabilities?.add ?? [];
    if (sc.privileged === true) out.push(`container ${c.name} is privileged`);
    const beyondBaseline = added.filter((cap) => !BASELINE_CAPABILITIES.includes(cap));
    if (beyondBaseline.length > 0) out.push(`container ${c.name} adds ${beyondBaseline.join(', ')}`);
    if (level !== 'restricted') continue;
    if ((sc.runAsNonRoot ?? pod.runAsNonRoot) !== true) out.push(`container ${c.name} does not set runAsNonRoot: true`);
    if (sc.allowPrivilegeEscalation !== false) out.push(`container ${c.name} does not set allowPrivilegeEscalation: false`);
    if (!(sc.capabilities?.drop ?? []).includes('ALL')) out.push(`container ${c.name} does not drop ALL capabilities`);
    const beyondRestricted = added.filter((cap) => cap !== 'NET_BIND_SERVICE');
    if (beyondRestricted.length > 0 && beyondBaseline.length === 0) out.push(`container ${c.name} adds ${beyondRestricted.join(', ')}`);
    const seccomp = sc.seccompProfile?.type ?? pod.seccompProfile?.type;
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') out.push(`container ${c.name} has no RuntimeDefault seccomp profile`);
  }
  return out;
}

/** Capabilities a restricted pod may add. */
const ALLOWED_ADDED_CAPABILITIES = ['NET_BIND_SERVICE'];

export interface SecurityException {
  readonly workload: string;
  readonly rule: string;
  readonly reason: string;
}

/** Every exception declared on a rendered workload, for the report. */
export function securityExceptions(cluster: RenderedCluster): SecurityException[] {
  return clusterModel(clusterObjects(cluster)).workloads.flatMap((w) =>
    Object.entries(w.annotations)
      .filter(([k]) => k.startsWith(ANNOTATIONS.securityExceptionPrefix))
      .map(([k, reason]) => ({ workload: w.id, rule: k.slice(ANNOTATIONS.securityExceptionPrefix.length), reason })),
  );
}

/**
 * The hardening every workload gets unless it declares an exception with a reason
 * (`homelab.dev/security-exception.<rule>: <reason>` on the workload): Pod Security
 * "restricted" settings, resources, pinned images, no service-account token unless the
 * workload uses the API; plus namespace labels and RBAC without cluster-admin or wildcards.
 */
export class SecurityPolicyCheck implements Check {
  public readonly name = 'security-policy';

  public async run(cluster: RenderedCluster): Promise<Finding[]> {
    const findings: Finding[] = [];
    const model = clusterModel(clusterObjects(cluster));
    const namespaces = new Map(
      clusterObjects(cluster).filter((o) => o.manifest.kind === 'Namespace').map((o) => [o.manifest.metadata.name, o]),
    );
    const releases = new Map(clusterObjects(cluster).filter((o) => isRelease(o.manifest)).map((o) => [describeObject(o.manifest), o.manifest]));
    for (const w of model.workloads) {
      if (w.release) {
        findings.push(...this.chartWorkload(w, namespaces.get(w.namespace)?.manifest));
        continue;
      }
      for (const [rule, message] of this.workloadViolations(w)) {
        if (!w.annotations[`${ANNOTATIONS.securityExceptionPrefix}${rule}`]) {
          findings.push(this.error(`${w.file}: ${w.id}: ${message} (or declare ${ANNOTATIONS.securityExceptionPrefix}${rule} with a reason)`));
        }
      }
      if (!namespaces.has(w.namespace) && !SYSTEM_NAMESPACES.includes(w.namespace)) {
        findings.push(this.error(`${w.file}: ${w.id}: namespace ${w.namespace} is not created by any stage`));
      }
    }
    for (const { file, manifest } of namespaces.values()) {
      const level = manifest.metadata.labels?.['pod-security.kubernetes.io/enforce'];
      if (!level) {
        findings.push(this.error(`${file}: ${describeObject(manifest)}: has no pod-security.kubernetes.io/enforce label`));
      } else if (level !== 'restricted' && !manifest.metadata.annotations?.['homelab.dev/pod-security-reason']) {
        findings.push(this.error(`${file}: ${describeObject(manifest)}: enforces "${level}" without homelab.dev/pod-security-reason`));
      }
    }
    for (const { file, manifest, release } of clusterObjects(cluster)) {
      // A chart's RBAC is the chart's; the release declares why it is accepted.
      const declared = (rule: string): boolean =>
        Boolean(manifest.metadata.annotations?.[`${ANNOTATIONS.securityExceptionPrefix}${rule}`] ?? (release && releases.get(release)?.metadata?.annotations?.[`${ANNOTATIONS.securityExceptionPrefix}${rule}`]));
      const hint = (rule: string): string => (release ? ` (or declare ${ANNOTATIONS.securityExceptionPrefix}${rule} with a reason on ${release})` : '');
      if ((manifest.kind === 'ClusterRoleBinding' || manifest.kind === 'RoleBinding') && manifest.roleRef?.name === 'cluster-admin' && !declared('clusterAdmin')) {
        findings.push(this.error(`${file}: ${describeObject(manifest)}: binds cluster-admin; grant the narrow role the component needs${hint('clusterAdmin')}`));
      }
      if ((manifest.kind === 'ClusterRole' || manifest.kind === 'Role') && !declared('wildcardRbac')) {
        (manifest.rules ?? []).forEach((rule: Record<string, string[] | undefined>, i: number) => {
          for (const field of ['apiGroups', 'resources', 'verbs']) {
            if ((rule[field] ?? []).includes('*')) {
              findings.push(this.error(`${file}: ${describeObject(manifest)}: rules[${i}].${field} has "*"; list what the component needs${hint('wildcardRbac')}`));
            }
          }
        });
      }
    }
    return findings;
  }

  /**
   * A chart's pods are the chart's: what the API server will enforce on them is the Pod
   * Security level of their namespace, so that level must allow them (and a level below
   * restricted carries its reason, checked with the namespaces). Requests, a memory limit and
   * a pinned image are ours to set through the values, so they are required as for our pods.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  private chartWorkload(w: WorkloadModel, namespace: any): Finding[] {
    const where = `${w.file}: ${w.id} (installed by ${w.release})`;
    const findings: Finding[] = [];
    const level: string = namespace?.metadata?.labels?.['pod-security.kubernetes.io/enforce'] ?? (SYSTEM_NAMESPACES.includes(w.namespace) ? 'privileged' : 'missing');
    if (level === 'missing') {
      findings.push(this.error(`${where}: namespace ${w.namespace} is not created by any stage`));
    }
    for (const problem of podSecurityViolations(w, level)) {
      findings.push(this.error(`${where}: ${problem}, which namespace ${w.namespace}'s Pod Security level "${level}" forbids; change the values or the namespace's level (with its reason)`));
    }
    for (const c of w.template.containers) {
      const tag = imageTag(c.image);
      if (!c.image.includes('@') && (tag === undefined || tag === 'latest')) {
        findings.push(this.error(`${where}: container ${c.name}: image ${c.image} is not pinned to a version`));
      }
      if (!c.init && (c.requests.cpu === undefined || c.requests.memory === undefined || c.limits.memory === undefined)) {
        findings.push(this.error(`${where}: container ${c.name}: must request cpu and memory and limit memory; set its resources in the release values`));
      }
    }
    return findings;
  }

  /** `[rule, message]` for every hardening rule the workload breaks. */
  private workloadViolations(w: WorkloadModel): [string, string][] {
    const out: [string, string][] = [];
    const pod = w.template.securityContext;
    if (w.template.hostNetwork) out.push(['hostNetwork', 'uses the host network']);
    if (w.template.hostPID) out.push(['hostPID', 'uses the host PID namespace']);
    const hostPath = w.template.volumes.find((v) => v.type === 'hostPath');
    if (hostPath) out.push(['hostPath', `mounts hostPath volume ${hostPath.name}`]);
    if (w.template.automountToken && !w.annotations[ANNOTATIONS.usesKubernetesApi]) {
      out.push(['serviceAccountToken', `mounts a service-account token; set automountServiceAccountToken: false or declare ${ANNOTATIONS.usesKubernetesApi}`]);
    }
    for (const c of w.template.containers) {
      out.push(...this.containerViolations(c, pod).map(([rule, m]): [string, string] => [rule, `container ${c.name}: ${m}`]));
    }
    return out;
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  private containerViolations(c: ContainerModel, pod: any): [string, string][] {
    const out: [string, string][] = [];
    const sc = c.securityContext;
    const tag = imageTag(c.image);
    if (!c.image.includes('@') && (tag === undefined || tag === 'latest')) {
      out.push(['imageTag', `image ${c.image} is not pinned to a version`]);
    }
    if (sc.privileged === true) out.push(['privileged', 'is privileged']);
    if ((sc.runAsNonRoot ?? pod.runAsNonRoot) !== true) out.push(['runAsNonRoot', 'does not set runAsNonRoot: true']);
    if (sc.readOnlyRootFilesystem !== true) out.push(['readOnlyRootFilesystem', 'does not set readOnlyRootFilesystem: true']);
    if (sc.allowPrivilegeEscalation !== false) out.push(['allowPrivilegeEscalation', 'does not set allowPrivilegeEscalation: false']);
    if (!(sc.capabilities?.drop ?? []).includes('ALL')) out.push(['dropAllCapabilities', 'does not drop ALL capabilities']);
    const added = (sc.capabilities?.add ?? []).filter((cap: string) => !ALLOWED_ADDED_CAPABILITIES.includes(cap));
    if (added.length > 0) out.push(['addCapabilities', `adds capabilities ${added.join(', ')}`]);
    const seccomp = sc.seccompProfile?.type ?? pod.seccompProfile?.type;
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') out.push(['seccomp', 'has no RuntimeDefault seccomp profile']);
    if (c.requests.cpu === undefined || c.requests.memory === undefined || c.limits.memory === undefined) {
      out.push(['resources', 'must request cpu and memory and limit memory']);
    }
    return out;
  }

  private error(message: string): Finding {
    return { severity: 'error', check: this.name, message };
  }
}
