import { ClusterSpec } from '../spec/schema';
import { standbyNode, storageNode } from '../spec/nodes';
import { Ipv4Range } from './ipv4';
import { allocateVips, VipAllocation, VipRequest } from './vip-allocator';

/** Keys of the cluster's load-balanced services in the allocation. */
export const VIP_KEYS = {
  ingress: 'ingress',
  wireguard: 'wireguard',
  game: (name: string): string => `game/${name}`,
} as const;

/**
 * Every load-balanced service of the cluster and what its address must satisfy. Hot
 * standby services (ingress, WireGuard) must be announced by placement.storageNode while
 * it is up; pinned game servers have one endpoint, so any address works.
 */
export function vipRequests(spec: ClusterSpec): VipRequest[] {
  const hotStandby = { node: storageNode(spec).name, rivals: [standbyNode(spec).name] };
  const { ingress, wireguard, games } = spec.services;
  return [
    ...(ingress.enabled ? [{ key: VIP_KEYS.ingress, field: 'services.ingress.vip', explicit: ingress.vip, announcer: hotStandby }] : []),
    ...(wireguard.enabled
      ? [{ key: VIP_KEYS.wireguard, field: 'services.wireguard.vip', explicit: wireguard.vip, announcer: hotStandby }]
      : []),
    ...games.map((g, i) => ({ key: VIP_KEYS.game(g.name), field: `services.games[${i}].vip`, explicit: g.vip })),
  ];
}

/**
 * The load-balancer address of every service, from one allocation over the whole cluster so
 * that no two layers hand out the same address. Layers look theirs up by key.
 */
export function clusterVips(spec: ClusterSpec): VipAllocation {
  return allocateVips(Ipv4Range.parse(spec.network.loadBalancerPool), vipRequests(spec));
}
