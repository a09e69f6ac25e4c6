import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { HomelabNamespace } from '../lib/k8s/homelab-namespace';
import { NetworkPolicyBaseline } from '../lib/k8s/network-policy-baseline';
import { METALLB, TIGERA_OPERATOR } from '../lib/networking/charts';
import { calicoValues } from '../lib/networking/calico-values';
import { PinnedHelmRelease } from '../lib/networking/pinned-helm-release';
import { StageChartProps } from '../lib/stages/stage';

/** The MetalLB controller's admission webhook port (chart default); the API server calls it. */
const METALLB_WEBHOOK_PORT = 9443;

/**
 * Networking controllers: the tigera-operator (Calico CNI, with its Installation rendered
 * by the chart from the same values as the bootstrap HelmChart) and MetalLB. Both install
 * CRDs that the `networking` stage then uses.
 */
export class NetworkingControllersChart extends Chart {
  constructor(scope: Construct, id: string, props: StageChartProps) {
    super(scope, id);
    new HomelabNamespace(this, 'TigeraOperatorNamespace', {
      name: TIGERA_OPERATOR.namespace,
      podSecurity: 'privileged',
      podSecurityReason: 'the tigera-operator installs calico-node, which needs host networking and privileges',
    });
    new HomelabNamespace(this, 'MetallbNamespace', {
      name: METALLB.namespace,
      podSecurity: 'privileged',
      podSecurityReason: 'the MetalLB speaker answers ARP on the host network and needs NET_RAW',
    });
    new NetworkPolicyBaseline(this, 'TigeraOperatorNetwork', { namespace: TIGERA_OPERATOR.namespace });
    new NetworkPolicyBaseline(this, 'MetallbNetwork', {
      namespace: METALLB.namespace,
      fromAnywhere: [{ port: METALLB_WEBHOOK_PORT, protocol: 'TCP' }],
    });
    new PinnedHelmRelease(this, 'TigeraOperator', { chart: TIGERA_OPERATOR, values: calicoValues(props.spec) });
    new PinnedHelmRelease(this, 'Metallb', { chart: METALLB });
  }
}
