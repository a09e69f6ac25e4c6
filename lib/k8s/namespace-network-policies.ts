import * as k8s from 'cdk8s-plus-33/lib/imports/k8s';
import { Construct } from 'constructs';
import { INGRESS_NAMESPACE, MONITORING_NAMESPACE, NAMESPACE_NAME_LABEL } from '../conventions/namespaces';

/** A port reachable from outside the cluster through a LoadBalancer with `Local` policy. */
export interface ExposedPort {
  readonly port: number;
  readonly protocol: 'TCP' | 'UDP';
}

export interface NamespaceTraffic {
  /**
   * Pods here serve HTTP through the ingress controller.
   * @default false
   */
  readonly fromIngressController?: boolean;
  /**
   * Container ports Prometheus scrapes.
   * @default - none
   */
  readonly metricsPorts?: readonly number[];
  /**
   * The control-plane node's address: the API server calls webhooks here from the host.
   * @default - no webhooks
   */
  readonly controlPlaneIp?: string;
  /**
   * Pod ports that clients anywhere reach through a LoadBalancer that keeps their address.
   * @default - none
   */
  readonly exposedPorts?: readonly ExposedPort[];
}

export interface NamespaceNetworkPoliciesProps extends NamespaceTraffic {
  readonly namespace: string;
}

/**
 * The ingress baseline of a namespace: deny by default, then allow the namespace's own
 * pods, and only the callers it names (ingress controller, Prometheus on metrics ports, the
 * API server for webhooks, outside clients on exposed ports). Traffic from a pod's own node
 * (kubelet probes) is always allowed by Kubernetes. Egress is not restricted, so DNS works.
 */
export class NamespaceNetworkPolicies extends Construct {
  constructor(scope: Construct, id: string, props: NamespaceNetworkPoliciesProps) {
    super(scope, id);
    const policy = (name: string, from: k8s.NetworkPolicyPeer[] | undefined, ports?: k8s.NetworkPolicyPort[]): void => {
      new k8s.KubeNetworkPolicy(this, name, {
        metadata: { name, namespace: props.namespace },
        spec: {
          podSelector: {},
          policyTypes: ['Ingress'],
          ingress: from === undefined ? undefined : [{ from: from.length > 0 ? from : undefined, ports }],
        },
      });
    };
    const fromNamespace = (name: string): k8s.NetworkPolicyPeer => ({
      namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: name } },
    });
    policy('default-deny-ingress', undefined);
    policy('allow-same-namespace', [{ podSelector: {} }]);
    if (props.fromIngressController) {
      policy('allow-from-ingress-controller', [fromNamespace(INGRESS_NAMESPACE)]);
    }
    if (props.metricsPorts && props.metricsPorts.length > 0) {
      policy(
        'allow-prometheus',
        [fromNamespace(MONITORING_NAMESPACE)],
        props.metricsPorts.map((port) => ({ port: k8s.IntOrString.fromNumber(port), protocol: 'TCP' })),
      );
    }
    if (props.controlPlaneIp) {
      policy('allow-control-plane', [{ ipBlock: { cidr: `${props.controlPlaneIp}/32` } }]);
    }
    if (props.exposedPorts && props.exposedPorts.length > 0) {
      policy(
        'allow-exposed-ports',
        [],
        props.exposedPorts.map((p) => ({ port: k8s.IntOrString.fromNumber(p.port), protocol: p.protocol })),
      );
    }
  }
}
