/** Stable keys of the cluster's load-balancer addresses. Renaming one may move its VIP. */
export const VIP_KEYS = {
  ingress: 'ingress',
  wireguard: 'wireguard',
  game: (name: string): string => `game/${name}`,
  syslog: 'syslog',
  dns: 'dns',
} as const;
