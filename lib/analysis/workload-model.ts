import { describeObject, RenderedObject } from '../output/rendered';
import type { Yaml } from '../yaml/yaml';

/*
 * What the promise checks need to know about the rendered workloads, read from the
 * rendered objects themselves (not from the spec): pod templates, the Services in front
 * of them, claims and namespaces. What chart releases install is rendered with helm
 * (lib/helm/) and read here like the project's own objects.
 */

export { ANNOTATIONS } from './annotations';

export interface ContainerModel {
  readonly name: string;
  readonly image: string;
  readonly requests: Readonly<Record<string, string | number>>;
  readonly limits: Readonly<Record<string, string | number>>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly securityContext: any;
  readonly init: boolean;
}

export interface VolumeModel {
  readonly name: string;
  readonly type: 'nfs' | 'persistentVolumeClaim' | 'hostPath' | 'other';
  readonly claimName?: string;
}

export interface TolerationModel {
  readonly key?: string;
  readonly operator?: string;
  readonly value?: string;
  readonly effect?: string;
  readonly tolerationSeconds?: number;
}

export interface NodeSelectorRequirement {
  readonly key: string;
  readonly operator: string;
  readonly values?: readonly string[];
}

export interface PodTemplateModel {
  readonly labels: Readonly<Record<string, string>>;
  readonly nodeSelector: Readonly<Record<string, string>>;
  /** Required node affinity: the pod fits a node matching any term (terms are ORed). */
  readonly requiredNodeTerms: readonly (readonly NodeSelectorRequirement[])[];
  /** Required pod anti-affinity on the hostname against its own pods: at most one per node. */
  readonly onePerNode: boolean;
  readonly tolerations: readonly TolerationModel[];
  readonly volumes: readonly VolumeModel[];
  readonly containers: readonly ContainerModel[];
  readonly hostNetwork: boolean;
  readonly hostPID: boolean;
  /** Whether a service-account token is mounted (Kubernetes mounts one unless told not to). */
  readonly automountToken: boolean;
  readonly serviceAccountName?: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly securityContext: any;
}

export interface WorkloadModel {
  /** `Deployment/namespace/name`. */
  readonly id: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  /** Pods wanted; `undefined` for a DaemonSet (one per eligible node). */
  readonly replicas: number | undefined;
  readonly annotations: Readonly<Record<string, string>>;
  readonly template: PodTemplateModel;
  readonly file: string;
  /** For a chart's workload: the release that installs it. */
  readonly release?: string;
}

export interface LoadBalancerModel {
  readonly id: string;
  readonly namespace: string;
  readonly name: string;
  readonly selector: Readonly<Record<string, string>>;
  /** The Service's own labels (L2Advertisement serviceSelectors read them). */
  readonly labels: Readonly<Record<string, string>>;
  readonly vip?: string;
  readonly externalTrafficPolicy: string;
}

export interface ClusterModel {
  readonly workloads: readonly WorkloadModel[];
  readonly loadBalancers: readonly LoadBalancerModel[];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly objects: readonly any[];
}

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);

export function podTemplateModel(template: Yaml): PodTemplateModel {
  const spec = template?.spec ?? {};
  const labels = template?.metadata?.labels ?? {};
  const required = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  const antiAffinity: Yaml[] = spec.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? [];
  const onePerNode = antiAffinity.some(
    (term) =>
      term.topologyKey === 'kubernetes.io/hostname' &&
      Object.entries(term.labelSelector?.matchLabels ?? {}).every(([k, v]) => labels[k] === v),
  );
  const container = (c: Yaml, init: boolean): ContainerModel => ({
    name: c.name,
    image: c.image,
    requests: c.resources?.requests ?? {},
    limits: c.resources?.limits ?? {},
    securityContext: c.securityContext ?? {},
    init,
  });
  return {
    labels,
    nodeSelector: spec.nodeSelector ?? {},
    requiredNodeTerms: required.map((t: Yaml) => t.matchExpressions ?? []),
    onePerNode,
    tolerations: spec.tolerations ?? [],
    volumes: (spec.volumes ?? []).map(
      (v: Yaml): VolumeModel => ({
        name: v.name,
        type: v.nfs ? 'nfs' : v.persistentVolumeClaim ? 'persistentVolumeClaim' : v.hostPath ? 'hostPath' : 'other',
        claimName: v.persistentVolumeClaim?.claimName,
      }),
    ),
    containers: [
      ...(spec.initContainers ?? []).map((c: Yaml) => container(c, true)),
      ...(spec.containers ?? []).map((c: Yaml) => container(c, false)),
    ],
    hostNetwork: spec.hostNetwork === true,
    hostPID: spec.hostPID === true,
    automountToken: spec.automountServiceAccountToken !== false,
    serviceAccountName: spec.serviceAccountName,
    securityContext: spec.securityContext ?? {},
  };
}

/** Reads the workloads and load balancers out of rendered objects (ours and the charts'). */
export function clusterModel(objects: readonly RenderedObject[]): ClusterModel {
  const workloads: WorkloadModel[] = [];
  const loadBalancers: LoadBalancerModel[] = [];
  for (const { manifest: m, file, release } of objects) {
    if (WORKLOAD_KINDS.has(m.kind)) {
      workloads.push({
        id: describeObject(m),
        kind: m.kind,
        namespace: m.metadata.namespace ?? 'default',
        name: m.metadata.name,
        replicas: m.kind === 'DaemonSet' ? undefined : (m.spec?.replicas ?? 1),
        annotations: { ...(m.metadata.annotations ?? {}), ...(m.spec?.template?.metadata?.annotations ?? {}) },
        template: podTemplateModel(m.spec?.template),
        file,
        release,
      });
    } else if (m.kind === 'Service' && m.spec?.type === 'LoadBalancer') {
      loadBalancers.push({
        id: describeObject(m),
        namespace: m.metadata.namespace ?? 'default',
        name: m.metadata.name,
        selector: m.spec.selector ?? {},
        labels: m.metadata.labels ?? {},
        vip: m.metadata.annotations?.['metallb.io/loadBalancerIPs'],
        externalTrafficPolicy: m.spec.externalTrafficPolicy ?? 'Cluster',
      });
    }
  }
  return { workloads, loadBalancers, objects: objects.map((o) => o.manifest) };
}

/** The load balancers whose selector picks the workload's pods. */
export function loadBalancersOf(model: ClusterModel, workload: WorkloadModel): LoadBalancerModel[] {
  return model.loadBalancers.filter(
    (lb) =>
      lb.namespace === workload.namespace &&
      Object.keys(lb.selector).length > 0 &&
      Object.entries(lb.selector).every(([k, v]) => workload.template.labels[k] === v),
  );
}
