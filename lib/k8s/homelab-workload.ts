import { priorityClassFor, PRIORITY_TIERS } from './priority-classes';
import * as k8s from 'cdk8s-plus-33/lib/imports/k8s';
import { Construct } from 'constructs';
import { ANNOTATIONS } from '../analysis/workload-model';
import { imageTag } from '../images';
import { Placement } from '../placement/placement';

/** The container security context every workload starts from (Pod Security "restricted"). */
export const RESTRICTED_CONTAINER: k8s.SecurityContext = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

/** Why a workload may break a hardening rule; the report lists every one. */
export type SecurityExceptions = Readonly<
  Partial<
    Record<
      | 'runAsNonRoot'
      | 'readOnlyRootFilesystem'
      | 'addCapabilities'
      | 'hostNetwork'
      | 'hostPath'
      | 'privileged'
      | 'allowPrivilegeEscalation'
      | 'dropAllCapabilities',
      string
    >
  >
>;

/**
 * The container security context a workload's exceptions allow: RESTRICTED_CONTAINER, relaxed
 * exactly where an exception says why (the exception is also what the report lists). A
 * container that brings no securityContext of its own gets this one.
 */
export function containerSecurityContext(exceptions: SecurityExceptions = {}): k8s.SecurityContext {
  return {
    allowPrivilegeEscalation: exceptions.allowPrivilegeEscalation !== undefined,
    readOnlyRootFilesystem: exceptions.readOnlyRootFilesystem === undefined,
    runAsNonRoot: exceptions.runAsNonRoot === undefined,
    ...(exceptions.privileged !== undefined ? { privileged: true } : {}),
    capabilities: exceptions.dropAllCapabilities !== undefined ? {} : { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

export interface HomelabWorkloadProps {
  readonly kind: 'Deployment' | 'StatefulSet' | 'DaemonSet';
  /** Workload name; also `app.kubernetes.io/name`. */
  readonly name: string;
  readonly namespace: string;
  /** `app.kubernetes.io/component`, e.g. `vpn`. */
  readonly component: string;
  readonly placement: Placement;
  readonly containers: k8s.Container[];
  /** @default - none */
  readonly initContainers?: k8s.Container[];
  /** @default - none */
  readonly volumes?: k8s.Volume[];
  /** @default - none (StatefulSet only) */
  readonly volumeClaimTemplates?: k8s.KubePersistentVolumeClaimProps[];
  /** @default false */
  readonly hostNetwork?: boolean;
  /** @default false */
  readonly hostPID?: boolean;
  /**
   * Why the workload calls the Kubernetes API. Only then is a service-account token mounted,
   * for the ServiceAccount `serviceAccountName`.
   * @default - no API access, no token
   */
  readonly usesKubernetesApi?: { readonly reason: string; readonly serviceAccountName: string };
  /** @default { runAsNonRoot: true, seccompProfile: RuntimeDefault } */
  readonly podSecurityContext?: k8s.PodSecurityContext;
  /** @default 30 */
  readonly terminationGracePeriodSeconds?: number;
  /**
   * Serve again within this many seconds of any worker failing (checked by simulation).
   * @default - no such promise
   */
  readonly failoverWithinSeconds?: number;
  /** How its clients come back after a failover (ANNOTATIONS.clientRecovery). */
  readonly clientRecovery?: 'wireguard-handshake';
  /**
   * Keeps serving through storage and API outages (checked by simulation).
   * @default false
   */
  readonly stateless?: boolean;
  /** @default - none */
  readonly securityExceptions?: SecurityExceptions;
  /**
   * Its PriorityClass tier, when its module says so (a service module's own namespace).
   * @default - the tier of its namespace (NAMESPACE_TIERS in lib/k8s/priority-classes.ts)
   */
  readonly priority?: keyof typeof PRIORITY_TIERS;
}

/**
 * A Deployment or StatefulSet with the recommended labels, its placement, no service-account
 * token, restricted defaults, and its promises and security exceptions written where the
 * checks and the report read them.
 */
export class HomelabWorkload extends Construct {
  /** Labels that select the pods. */
  public readonly selector: Record<string, string>;

  constructor(scope: Construct, id: string, props: HomelabWorkloadProps) {
    super(scope, id);
    this.selector = { 'app.kubernetes.io/name': props.name, 'app.kubernetes.io/instance': props.name };
    const version = imageTag(props.containers[0].image ?? '') ?? 'unknown';
    const labels = {
      ...this.selector,
      'app.kubernetes.io/component': props.component,
      'app.kubernetes.io/part-of': 'homelab',
      'app.kubernetes.io/version': version.slice(0, 63),
    };
    const annotations: Record<string, string> = {};
    if (props.failoverWithinSeconds !== undefined) {
      annotations[ANNOTATIONS.failoverWithinSeconds] = String(props.failoverWithinSeconds);
    }
    if (props.clientRecovery) {
      annotations[ANNOTATIONS.clientRecovery] = props.clientRecovery;
    }
    if (props.stateless) {
      annotations[ANNOTATIONS.stateless] = 'true';
    }
    if (props.usesKubernetesApi) {
      annotations[ANNOTATIONS.usesKubernetesApi] = props.usesKubernetesApi.reason;
    }
    for (const [rule, reason] of Object.entries(props.securityExceptions ?? {})) {
      annotations[`${ANNOTATIONS.securityExceptionPrefix}${rule}`] = reason!;
    }
    const placement = props.placement.podFields(this.selector);
    const secured = (c: k8s.Container): k8s.Container => (c.securityContext ? c : { ...c, securityContext: containerSecurityContext(props.securityExceptions) });
    const template: k8s.PodTemplateSpec = {
      metadata: { labels },
      spec: {
        automountServiceAccountToken: props.usesKubernetesApi !== undefined,
        serviceAccountName: props.usesKubernetesApi?.serviceAccountName,
        enableServiceLinks: false,
        priorityClassName: props.priority ? PRIORITY_TIERS[props.priority].name : priorityClassFor(props.namespace),
        hostNetwork: props.hostNetwork,
        hostPid: props.hostPID,
        dnsPolicy: props.hostNetwork ? 'ClusterFirstWithHostNet' : undefined,
        securityContext: props.podSecurityContext ?? { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
        terminationGracePeriodSeconds: props.terminationGracePeriodSeconds,
        ...placement,
        initContainers: props.initContainers?.map(secured),
        containers: props.containers.map(secured),
        volumes: props.volumes,
      },
    };
    const metadata = { name: props.name, namespace: props.namespace, labels, annotations };
    const selector = { matchLabels: this.selector };
    if (props.kind === 'Deployment') {
      new k8s.KubeDeployment(this, 'Resource', {
        metadata,
        spec: {
          replicas: props.placement.replicas,
          selector,
          strategy: deploymentStrategy(props.placement),
          template,
        },
      });
    } else if (props.kind === 'DaemonSet') {
      new k8s.KubeDaemonSet(this, 'Resource', {
        metadata,
        spec: { selector, template, updateStrategy: { type: 'RollingUpdate' } },
      });
    } else {
      new k8s.KubeStatefulSet(this, 'Resource', {
        metadata,
        spec: {
          replicas: props.placement.replicas,
          serviceName: props.name,
          selector,
          template,
          volumeClaimTemplates: props.volumeClaimTemplates,
          persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
        },
      });
    }
  }
}

/**
 * A pinned workload owns its volume: stop the old pod before the new one starts. A hot
 * standby has one replica per node on exactly as many nodes: replace in place, never surge.
 */
function deploymentStrategy(placement: Placement): k8s.DeploymentStrategy | undefined {
  switch (placement.kind) {
    case 'pinned':
      return { type: 'Recreate' };
    case 'hotStandby':
      return {
        type: 'RollingUpdate',
        rollingUpdate: { maxSurge: k8s.IntOrString.fromNumber(0), maxUnavailable: k8s.IntOrString.fromNumber(1) },
      };
    default:
      return undefined;
  }
}
