import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { FluxHelmRelease } from '../lib/flux/flux-helm-release';
import { HomelabNamespace } from '../lib/k8s/homelab-namespace';
import { TIGERA_NAMESPACE } from '../lib/conventions/namespaces';
import { calicoValues, TIGERA_RELEASE } from '../lib/networking/calico';
import { METALLB_RELEASE_ANNOTATIONS, metallbValues, METALLB_NAMESPACE } from '../lib/networking/metallb';
import { serverNode } from '../lib/spec/nodes';
import { StageChartProps } from '../lib/stages/stage';
import { METALLB_CHART, TIGERA_OPERATOR_CHART } from '../lib/upstream/charts';

/**
 * The CNI (Calico, through the tigera-operator) and the layer-2 load balancer (MetalLB),
 * with their CRDs. The operator release is the one k3s installed at bootstrap, taken over.
 */
export class NetworkingControllersChart extends Chart {
  constructor(scope: Construct, id: string, props: StageChartProps) {
    super(scope, id);
    const { spec } = props;
    const controlPlaneIp = serverNode(spec).ip;
    new HomelabNamespace(this, 'TigeraOperatorNamespace', {
      name: TIGERA_NAMESPACE,
      podSecurity: 'privileged',
      podSecurityReason: 'the tigera-operator runs on the host network to install calico-node, which needs privileges',
      // No webhook and no caller: the operator runs on the host network, which Calico does not police.
    });
    const metallb = new HomelabNamespace(this, 'MetallbNamespace', {
      name: METALLB_NAMESPACE,
      podSecurity: 'privileged',
      podSecurityReason: 'the MetalLB speaker answers ARP on the host network and needs NET_RAW',
      // No metrics allow: MetalLB serves metrics only through kube-rbac-proxy (HTTPS, a token
      // with RBAC), which Prometheus here does not hold, so no scrape job reads them.
    });
    // MetalLB's webhooks, called by the API server.
    metallb.allowControlPlane(controlPlaneIp);
    new FluxHelmRelease(this, 'TigeraOperator', {
      chart: TIGERA_OPERATOR_CHART,
      name: TIGERA_RELEASE,
      namespace: TIGERA_NAMESPACE,
      values: calicoValues(spec),
      // Declared with Calico's CRDs, in the stage before.
      withRepository: false,
    });
    new FluxHelmRelease(this, 'Metallb', {
      chart: METALLB_CHART,
      name: 'metallb',
      namespace: METALLB_NAMESPACE,
      values: metallbValues(),
      annotations: METALLB_RELEASE_ANNOTATIONS,
    });
  }
}
