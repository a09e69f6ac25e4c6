import { Lazy } from 'cdk8s';
import * as k8s from 'cdk8s-plus-33/lib/imports/k8s';
import { Construct } from 'constructs';
import { INGRESS_NAMESPACE, MONITORING_NAMESPACE, NAMESPACE_NAME_LABEL } from '../conventions/namespaces';

/** A port reachable from outside the cluster through a LoadBalancer with `Local` policy. */
export interface ExposedPort {
  readonly port: number;
  readonly protocol: 'TCP' | 'UDP';
}

export interface NamespaceNetworkPoliciesProps {
  readonly namespace: string;
}

/**
 * The ingress baseline of a namespace: deny by default, then allow the namespace's own
 * pods, and only the callers granted by what runs there (the ingress controller for an exposed
 * app, Prometheus on the ports it scrapes, the API server for webhooks, outside clients on the
 * ports a LoadBalancer exposes). Each grant adds its allow the first time it is asked for; a
 * namespace nobody grants anything keeps the baseline alone. Traffic from a pod's own node
 * (kubelet probes) is always allowed by Kubernetes. Egress is not restricted, so DNS works.
 */
export class NamespaceNetworkPolicies extends Construct {
  public readonly namespace: string;
  private readonly prometheusPorts: number[] = [];
  private readonly exposedPorts: ExposedPort[] = [];
  private readonly granted = new Set<string>();

  constructor(scope: Construct, id: string, props: NamespaceNetworkPoliciesProps) {
    super(scope, id);
    this.namespace = props.namespace;
    this.policy('default-deny-ingress', undefined);
    this.policy('allow-same-namespace', [{ podSelector: {} }]);
  }

  /** Pods here serve HTTP through the ingress controller. */
  public allowIngressController(): void {
    this.once('allow-from-ingress-controller', () => [this.fromNamespace(INGRESS_NAMESPACE)]);
  }

  /** Prometheus scrapes this container port (and nothing else may, from its namespace). */
  public allowPrometheus(port: number): void {
    if (!this.prometheusPorts.includes(port)) this.prometheusPorts.push(port);
    this.once(
      'allow-prometheus',
      () => [this.fromNamespace(MONITORING_NAMESPACE)],
      () => this.prometheusPorts.map((p) => ({ port: k8s.IntOrString.fromNumber(p), protocol: 'TCP' })),
    );
  }

  /** The API server calls webhooks here from the control-plane node's address. */
  public allowControlPlane(ip: string): void {
    this.once('allow-control-plane', () => [{ ipBlock: { cidr: `${ip}/32` } }]);
  }

  /** Clients anywhere reach this pod port through a LoadBalancer that keeps their address. */
  public exposePort(exposed: ExposedPort): void {
    if (!this.exposedPorts.some((p) => p.port === exposed.port && p.protocol === exposed.protocol)) this.exposedPorts.push(exposed);
    this.once(
      'allow-exposed-ports',
      () => [],
      () => this.exposedPorts.map((p) => ({ port: k8s.IntOrString.fromNumber(p.port), protocol: p.protocol })),
    );
  }

  private once(name: string, from: () => k8s.NetworkPolicyPeer[], ports?: () => k8s.NetworkPolicyPort[]): void {
    if (this.granted.has(name)) return;
    this.granted.add(name);
    // The ports are read when the chart renders, so that later grants of the same kind join this allow.
    this.policy(name, from(), ports ? (Lazy.any({ produce: ports }) as k8s.NetworkPolicyPort[]) : undefined);
  }

  private policy(name: string, from: k8s.NetworkPolicyPeer[] | undefined, ports?: k8s.NetworkPolicyPort[]): void {
    new k8s.KubeNetworkPolicy(this, name, {
      metadata: { name, namespace: this.namespace },
      spec: {
        podSelector: {},
        policyTypes: ['Ingress'],
        ingress: from === undefined ? undefined : [{ from: from.length > 0 ? from : undefined, ports }],
      },
    });
  }

  private fromNamespace(name: string): k8s.NetworkPolicyPeer {
    return { namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: name } } };
  }
}
