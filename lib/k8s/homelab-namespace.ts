import { ApiObjectMetadata } from 'cdk8s';
import * as k8s from 'cdk8s-plus-33/lib/imports/k8s';
import { Construct } from 'constructs';
import { NamespaceNetworkPolicies, NamespaceTraffic } from './namespace-network-policies';

/** Pod Security Standards levels. */
export type PodSecurityLevel = 'restricted' | 'baseline' | 'privileged';

export interface HomelabNamespaceProps {
  /** The namespace name. */
  readonly name: string;
  /**
   * The Pod Security Standards level enforced on the namespace.
   * @default 'restricted'
   * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/
   */
  readonly podSecurity?: PodSecurityLevel;
  /**
   * Why the namespace needs a level below `restricted`. Required for `baseline` and
   * `privileged`, so that every exception carries its reason where it is made.
   * @default - none
   */
  readonly podSecurityReason?: string;
  /**
   * The namespace holds data (PVCs): Flux must never prune it.
   * @default false
   */
  readonly holdsData?: boolean;
  /**
   * Who may reach pods here, beyond the namespace itself (everything else is denied).
   * @default - only the namespace's own pods
   */
  readonly traffic?: NamespaceTraffic;
}

/**
 * A namespace with Pod Security labels, the default-deny ingress baseline with its explicit
 * allows, and, where it holds data, Flux prune-protection.
 */
export class HomelabNamespace extends Construct {
  public readonly name: string;
  public readonly podSecurity: PodSecurityLevel;
  public readonly podSecurityReason?: string;

  constructor(scope: Construct, id: string, props: HomelabNamespaceProps) {
    super(scope, id);
    this.name = props.name;
    this.podSecurity = props.podSecurity ?? 'restricted';
    this.podSecurityReason = props.podSecurityReason;
    if (this.podSecurity !== 'restricted' && !props.podSecurityReason) {
      throw new Error(`Namespace "${props.name}" is ${this.podSecurity}: podSecurityReason must say why`);
    }
    const metadata: ApiObjectMetadata = {
      name: props.name,
      labels: {
        'pod-security.kubernetes.io/enforce': this.podSecurity,
        'pod-security.kubernetes.io/audit': this.podSecurity,
        'pod-security.kubernetes.io/warn': this.podSecurity,
      },
      annotations: {
        ...(props.podSecurityReason ? { 'homelab.dev/pod-security-reason': props.podSecurityReason } : {}),
        ...(props.holdsData ? { 'kustomize.toolkit.fluxcd.io/prune': 'disabled' } : {}),
      },
    };
    new k8s.KubeNamespace(this, 'Resource', { metadata });
    new NamespaceNetworkPolicies(this, 'NetworkPolicies', { namespace: props.name, ...props.traffic });
  }
}
