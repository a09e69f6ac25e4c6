import { HomelabNamespace } from '../../k8s/homelab-namespace';
import { VIP_KEYS } from '../../net/vip-keys';
import { ServiceModule } from '../service-module';
import { VPN_NAMESPACE, WireguardServer } from './wireguard-server';

/** The WireGuard VPN (services.wireguard): the service that must stay reachable when anything else fails. */
export const WIREGUARD_SERVICE: ServiceModule = {
  name: 'wireguard',
  enabled: (spec) => spec.services.wireguard.enabled,
  stage: { name: 'vpn', layer: 'vpn', purpose: 'WireGuard (hot standby behind its UDP VIP)', dependsOn: ['networking'] },
  vipRequests: (spec) => {
    const { storageNode, standbyNode } = spec.placement;
    return [{ key: VIP_KEYS.wireguard, path: 'services.wireguard.vip', explicit: spec.services.wireguard.vip, announcer: { node: storageNode, candidates: [storageNode, standbyNode] } }];
  },
  build(scope, { spec, vips }) {
    const namespace = new HomelabNamespace(scope, 'Namespace', {
      name: VPN_NAMESPACE,
      podSecurity: 'privileged',
      podSecurityReason: 'WireGuard adds NET_ADMIN to create its interface and NAT rules, which baseline forbids',
    });
    new WireguardServer(scope, 'Wireguard', { spec, vips, namespace });
  },
};
