import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { HomelabNamespace } from '../lib/k8s/homelab-namespace';
import { StageChartProps } from '../lib/stages/stage';

/**
 * Networking: the namespaces of the CNI (Calico's tigera-operator) and the layer-2 load
 * balancer (MetalLB). The operators themselves arrive with the networking issue.
 */
export class NetworkingChart extends Chart {
  constructor(scope: Construct, id: string, _props: StageChartProps) {
    super(scope, id);
    new HomelabNamespace(this, 'TigeraOperatorNamespace', {
      name: 'tigera-operator',
      podSecurity: 'privileged',
      podSecurityReason: 'the tigera-operator installs calico-node, which needs host networking and privileges',
    });
    new HomelabNamespace(this, 'MetallbNamespace', {
      name: 'metallb-system',
      podSecurity: 'privileged',
      podSecurityReason: 'the MetalLB speaker answers ARP on the host network and needs NET_RAW',
    });
  }
}
