import { ApiObjectMetadata } from 'cdk8s';
import * as k8s from 'cdk8s-plus-33/lib/imports/k8s';
import { Construct } from 'constructs';
import { ExposedPort, NamespaceNetworkPolicies } from './namespace-network-policies';

/** Pod Security Standards levels. */
export type PodSecurityLevel = 'restricted' | 'baseline' | 'privileged';

/** The annotation that keeps Flux from pruning an object (a namespace holding data). */
export const PRUNE_DISABLED = { 'kustomize.toolkit.fluxcd.io/prune': 'disabled' } as const;

/**
 * Where Prometheus scrapes pods: set on the app by the renderer (lib/render.ts) from the scrape
 * jobs of the cluster, so that every namespace opens exactly those ports to Prometheus.
 */
export const SCRAPE_TARGETS_CONTEXT = 'homelab:scrape-targets';

/** A pod port in a namespace that a scrape job reads. */
export interface ScrapeTarget {
  readonly namespace: string;
  readonly port: number;
}

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
}

/**
 * A namespace with Pod Security labels and the default-deny ingress baseline. What runs in it
 * opens what it needs through the grants (exposing an app grants the ingress controller, a
 * LoadBalancer port opens itself, a data volume marks the namespace as holding data, which
 * keeps Flux from pruning it); the ports Prometheus scrapes are opened from the cluster's
 * scrape jobs.
 */
export class HomelabNamespace extends Construct {
  public readonly name: string;
  public readonly podSecurity: PodSecurityLevel;
  public readonly podSecurityReason?: string;
  private readonly resource: k8s.KubeNamespace;
  private readonly policies: NamespaceNetworkPolicies;
  private dataHeld = false;

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
      annotations: props.podSecurityReason ? { 'homelab.dev/pod-security-reason': props.podSecurityReason } : {},
    };
    this.resource = new k8s.KubeNamespace(this, 'Resource', { metadata });
    this.policies = new NamespaceNetworkPolicies(this, 'NetworkPolicies', { namespace: props.name });
    const targets = (this.node.tryGetContext(SCRAPE_TARGETS_CONTEXT) ?? []) as readonly ScrapeTarget[];
    targets.filter((t) => t.namespace === props.name).forEach((t) => this.policies.allowPrometheus(t.port));
  }

  /** An app here is served through the ingress controller (ExposedHttpApp asks for this). */
  public allowIngressController(): void {
    this.policies.allowIngressController();
  }

  /** A webhook here is called by the API server from the control-plane node. */
  public allowControlPlane(ip: string): void {
    this.policies.allowControlPlane(ip);
  }

  /** A LoadBalancer forwards outside clients to this pod port. */
  public exposePort(port: ExposedPort): void {
    this.policies.exposePort(port);
  }

  /** Data lives here (a claim or a node-local volume): Flux must never prune the namespace. */
  public markHoldsData(): void {
    if (this.dataHeld) return;
    this.dataHeld = true;
    this.resource.metadata.addAnnotation(Object.keys(PRUNE_DISABLED)[0], Object.values(PRUNE_DISABLED)[0]);
  }
}
