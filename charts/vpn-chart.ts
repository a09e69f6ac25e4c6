import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { HomelabNamespace } from '../lib/k8s/homelab-namespace';
import { VPN_NAMESPACE, WireguardServer } from '../lib/services/wireguard';
import { StageChartProps } from '../lib/stages/stage';

/** The WireGuard VPN: the service that must stay reachable when anything else fails. */
export class VpnChart extends Chart {
  constructor(scope: Construct, id: string, props: StageChartProps) {
    super(scope, id);
    const { spec, vips } = props;
    new HomelabNamespace(this, 'Namespace', {
      name: VPN_NAMESPACE,
      podSecurity: 'privileged',
      podSecurityReason: 'WireGuard adds NET_ADMIN to create its interface and NAT rules, which baseline forbids',
      traffic: { exposedPorts: [{ port: spec.services.wireguard.port, protocol: 'UDP' }] },
    });
    new WireguardServer(this, 'Wireguard', { spec, vips });
  }
}
