import { k8s } from 'cdk8s-plus-33';
import { Construct } from 'constructs';
import { INGRESS_NAMESPACE, MONITORING_NAMESPACE } from '../ingress/ingress-names';

/** The name of the default-deny policy every namespace carries; checks look for it. */
export const DEFAULT_DENY_POLICY = 'default-deny-ingress';
/** The port name workloads give their Prometheus metrics port; the monitoring allow uses it. */
export const METRICS_PORT_NAME = 'metrics';
/** The label Kubernetes sets on every namespace with its name. */
const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** A port that some peers may reach. */
export interface AllowedPort {
  readonly port: number | string;
  readonly protocol: 'TCP' | 'UDP';
}

export interface NetworkPolicyBaselineProps {
  /** The namespace the policies go into. */
  readonly namespace: string;
  /**
   * Ports open to every source: LAN clients through a LoadBalancer VIP (with
   * `externalTrafficPolicy: Local` keeping their addresses), and admission webhooks, which
   * the API server calls from its node's Calico tunnel address (an address of the pod
   * CIDR under VXLAN), so no narrower source would match.
   * @default []
   */
  readonly fromAnywhere?: readonly AllowedPort[];
}

function ports(list: readonly AllowedPort[]): k8s.NetworkPolicyPort[] {
  return list.map((p) => ({
    port: typeof p.port === 'number' ? k8s.IntOrString.fromNumber(p.port) : k8s.IntOrString.fromString(p.port),
    protocol: p.protocol,
  }));
}

/**
 * The network baseline of a namespace: deny all ingress, then allow exactly what the
 * cluster needs: the ingress controller to every pod (apps behind HTTPRoutes), Prometheus
 * to ports named `metrics`, and the ports the namespace declares (LoadBalancer ports, webhooks).
 * Egress is not restricted, so DNS lookups keep working; the kubelet's probes from the
 * pod's own node are always allowed by Kubernetes.
 */
export class NetworkPolicyBaseline extends Construct {
  constructor(scope: Construct, id: string, props: NetworkPolicyBaselineProps) {
    super(scope, id);
    const { namespace } = props;
    const fromNamespace = (name: string): k8s.NetworkPolicyPeer => ({
      namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: name } },
    });
    const policy = (name: string, ingress: k8s.NetworkPolicyIngressRule[]): void => {
      new k8s.KubeNetworkPolicy(this, name, {
        metadata: { name, namespace },
        spec: { podSelector: {}, policyTypes: ['Ingress'], ingress },
      });
    };
    policy(DEFAULT_DENY_POLICY, []);
    policy('allow-from-ingress-controller', [{ from: [fromNamespace(INGRESS_NAMESPACE)] }]);
    policy('allow-prometheus-metrics', [
      { from: [fromNamespace(MONITORING_NAMESPACE)], ports: ports([{ port: METRICS_PORT_NAME, protocol: 'TCP' }]) },
    ]);
    if ((props.fromAnywhere ?? []).length > 0) {
      policy('allow-declared-ports', [{ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: ports(props.fromAnywhere!) }]);
    }
  }
}
