import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { HomelabNamespace } from '../lib/k8s/homelab-namespace';
import { DNS_NAMESPACE, DNS_PORTS, DnsServer } from '../lib/services/dns';
import { StageChartProps } from '../lib/stages/stage';

/**
 * The cluster's DNS server for `<domain>`. Its zone is derived from the other stages'
 * rendered HTTPRoutes and LoadBalancer Services, read from the app when this chart renders.
 */
export class DnsChart extends Chart {
  constructor(scope: Construct, id: string, props: StageChartProps) {
    super(scope, id);
    const { spec, vips } = props;
    new HomelabNamespace(this, 'Namespace', {
      name: DNS_NAMESPACE,
      traffic: {
        exposedPorts: [
          { port: DNS_PORTS.dns, protocol: 'UDP' },
          { port: DNS_PORTS.dns, protocol: 'TCP' },
        ],
      },
    });
    const siblings = (): Chart[] =>
      scope.node.children.filter((c): c is Chart => Chart.isChart(c) && c !== this);
    new DnsServer(this, 'Server', { spec, vips, manifests: () => siblings().flatMap((c) => c.toJson()) });
  }
}
