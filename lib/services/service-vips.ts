import { ClusterSpec } from '../spec/schema';
import { VIP_KEYS } from '../net/vip-keys';
import { VipRequest } from '../net/vip-allocator';

/**
 * Every LoadBalancer address the spec's services need. Hot-standby services (ingress, VPN)
 * must be announced by the storage node while it is up; pinned ones are only ever served
 * from the storage node, so any address works.
 */
export function vipRequests(spec: ClusterSpec): VipRequest[] {
  const { storageNode, standbyNode } = spec.placement;
  const hotStandby = { node: storageNode, candidates: [storageNode, standbyNode] };
  const { ingress, wireguard, games } = spec.services;
  return [
    ...(ingress.enabled ? [{ key: VIP_KEYS.ingress, path: 'services.ingress.vip', explicit: ingress.vip, announcer: hotStandby }] : []),
    ...(wireguard.enabled
      ? [{ key: VIP_KEYS.wireguard, path: 'services.wireguard.vip', explicit: wireguard.vip, announcer: hotStandby }]
      : []),
    ...(spec.services.dns.enabled ? [{ key: VIP_KEYS.dns, path: 'services.dns.vip', explicit: spec.services.dns.vip, announcer: hotStandby }] : []),
    ...games.map((g, i) => ({ key: VIP_KEYS.game(g.name), path: `services.games[${i}].vip`, explicit: g.vip })),
    ...(spec.services.observability.enabled && spec.router?.syslog
      ? [{ key: VIP_KEYS.syslog, path: 'services.observability.syslogVip', explicit: spec.services.observability.syslogVip }]
      : []),
  ];
}
