import { Ipv4Range } from '../net/ipv4';
import { k3sVersionInK3osRelease } from './primitives';
import { ClusterSpec, K3S_VERSION } from './schema';
import { landingProblems } from './landing-rules';
import { observabilityDatasetProblems } from './services-rules';
import { storageProblems } from './storage-rules';

/**
 * Rules that relate two or more fields of a structurally valid spec. Each returns
 * problems as `path: value … what is allowed`, and all of them always run, so the user
 * sees every problem at once. The service modules' rules (datasets they name, their own
 * sections) come in as `serviceProblems` (lib/services/registry.ts).
 */
export function crossFieldProblems(spec: ClusterSpec, serviceProblems: (spec: ClusterSpec) => string[] = () => []): string[] {
  return [
    ...nodeRules(spec),
    ...addressRules(spec),
    ...cidrRules(spec),
    ...placementRules(spec),
    ...versionRules(spec),
    ...serviceRules(spec),
    ...storageProblems(spec),
    ...observabilityDatasetProblems(spec),
    ...serviceProblems(spec),
    ...landingProblems(spec),
  ];
}

/** Oldest Kubernetes minor that current Flux supports (DESIGN.md, "Versions"). */
const MIN_KUBERNETES_MINOR = 33;

function nodeRules(spec: ClusterSpec): string[] {
  const problems = duplicates(spec.nodes.map((n, i) => [n.name, `nodes[${i}].name`]));
  spec.nodes.forEach((n, i) => {
    if (n.os !== 'debian' && n.debianRelease !== undefined) {
      problems.push(`nodes[${i}].debianRelease: ${n.debianRelease} is set, but ${n.name} runs ${n.os}; only debian nodes have a Debian release`);
    }
  });
  const servers = spec.nodes.filter((n) => n.role === 'server');
  if (servers.length === 0) {
    problems.push('nodes: no node has role "server"; exactly one control-plane node is required');
  } else if (servers.length > 1) {
    problems.push(
      `nodes: ${servers.length} nodes have role "server" (${servers.map((n) => n.name).join(', ')}); ` +
        'exactly one control-plane node is allowed',
    );
  }
  return problems;
}

/** Every static address on the LAN, with the field it comes from. */
function staticAddresses(spec: ClusterSpec): [string, string][] {
  const out: [string, string][] = [[spec.network.lan.gateway, 'network.lan.gateway']];
  spec.nodes.forEach((n, i) => {
    out.push([n.ip, `nodes[${i}].ip`]);
    if (n.ipmi) {
      out.push([n.ipmi.address, `nodes[${i}].ipmi.address`]);
    }
  });
  if (spec.router && spec.router.address !== spec.network.lan.gateway) {
    out.push([spec.router.address, 'router.address']);
  }
  const ha = spec.services.homeAssistant;
  if (ha?.mode === 'external') {
    out.push([ha.address, 'services.homeAssistant.address']);
  }
  return out;
}

function addressRules(spec: ClusterSpec): string[] {
  const lan = Ipv4Range.fromCidr(spec.network.lan.cidr);
  const dhcp = Ipv4Range.parse(spec.network.lan.dhcpRange);
  const pool = Ipv4Range.parse(spec.network.loadBalancerPool);
  const problems: string[] = [];
  const statics = staticAddresses(spec);

  problems.push(...duplicates(statics));
  for (const [address, path] of statics) {
    if (!lan.contains(address)) {
      problems.push(`${path}: ${address} is outside network.lan.cidr ${lan}`);
    } else if (dhcp.contains(address)) {
      problems.push(
        `${path}: ${address} is inside network.lan.dhcpRange ${dhcp}; static addresses must be outside the DHCP range`,
      );
    } else if (pool.contains(address)) {
      problems.push(`network.loadBalancerPool: ${pool} contains ${path} ${address}; the pool must hold only free addresses`);
    }
  }
  if (!lan.containsRange(dhcp)) {
    problems.push(`network.lan.dhcpRange: ${dhcp} is not inside network.lan.cidr ${lan}`);
  }
  if (!lan.containsRange(pool)) {
    problems.push(`network.loadBalancerPool: ${pool} is not inside network.lan.cidr ${lan}`);
  }
  if (pool.overlaps(dhcp)) {
    problems.push(`network.loadBalancerPool: ${pool} overlaps network.lan.dhcpRange ${dhcp}`);
  }
  return problems;
}

function cidrRules(spec: ClusterSpec): string[] {
  const named: [string, Ipv4Range][] = [
    ['network.lan.cidr', Ipv4Range.fromCidr(spec.network.lan.cidr)],
    ['network.podCidr', Ipv4Range.fromCidr(spec.network.podCidr)],
    ['network.serviceCidr', Ipv4Range.fromCidr(spec.network.serviceCidr)],
  ];
  if (spec.services.wireguard.enabled) {
    named.push(['services.wireguard.tunnelCidr', Ipv4Range.fromCidr(spec.services.wireguard.tunnelCidr)]);
  }
  const problems: string[] = [];
  for (let i = 0; i < named.length; i++) {
    for (let j = 0; j < i; j++) {
      const [pathA, a] = named[i];
      const [pathB, b] = named[j];
      if (a.overlaps(b)) {
        problems.push(`${pathA}: ${a} overlaps ${pathB} ${b}; these networks must be disjoint`);
      }
    }
  }
  return problems;
}

function placementRules(spec: ClusterSpec): string[] {
  const problems: string[] = [];
  const known = [...new Set(spec.nodes.map((n) => n.name))].join(', ');
  const refs: [string, string][] = [
    [spec.placement.storageNode, 'placement.storageNode'],
    [spec.placement.standbyNode, 'placement.standbyNode'],
  ];
  for (const [name, path] of refs) {
    const node = spec.nodes.find((n) => n.name === name);
    if (!node) {
      problems.push(`${path}: "${name}" is not a node; known nodes: ${known}`);
    } else if (node.role === 'server') {
      problems.push(`${path}: "${name}" is the control plane; workloads are placed on agent nodes only`);
    }
  }
  const storage = spec.nodes.find((n) => n.name === spec.placement.storageNode);
  if (storage && storage.os !== 'debian') {
    problems.push(
      `placement.storageNode: "${storage.name}" runs ${storage.os}; the storage node must run debian (ZFS is provisioned with Ansible)`,
    );
  }
  if (spec.placement.storageNode === spec.placement.standbyNode) {
    problems.push(
      `placement.standbyNode: "${spec.placement.standbyNode}" is also placement.storageNode; the standby must be another worker`,
    );
  }
  return problems;
}

function versionRules(spec: ClusterSpec): string[] {
  const problems: string[] = [];
  const [major, minor] = (K3S_VERSION.exec(spec.k3s.version) ?? []).slice(1).map(Number);
  if (major === 1 && minor < MIN_KUBERNETES_MINOR) {
    problems.push(
      `k3s.version: ${spec.k3s.version} is older than v1.${MIN_KUBERNETES_MINOR}; current Flux needs Kubernetes 1.${MIN_KUBERNETES_MINOR} or newer`,
    );
  }
  const pis = spec.nodes.filter((n) => n.os === 'k3os').map((n) => n.name);
  const release = spec.k3s.k3osRelease;
  const carried = release ? k3sVersionInK3osRelease(release) : undefined;
  if (pis.length > 0 && !release) {
    problems.push(
      `k3s.k3osRelease: missing; ${pis.join(', ')} run${pis.length === 1 ? 's' : ''} k3OS, so the petercb/k3os release that carries ` +
        `k3s.version ${spec.k3s.version} is required (${expectedK3osRelease(spec.k3s.version)})`,
    );
  } else if (release && pis.length === 0) {
    problems.push(`k3s.k3osRelease: ${release} is set, but no node runs k3OS; remove it`);
  } else if (release && carried !== spec.k3s.version) {
    problems.push(
      `k3s.k3osRelease: ${release} carries k3s ${carried}, but k3s.version is ${spec.k3s.version}; ` +
        `use the release of that k3s version (${expectedK3osRelease(spec.k3s.version)}) or change k3s.version to ${carried}`,
    );
  }
  return problems;
}

/** The shape of the k3OS fork's releases for a k3s version, for messages. */
function expectedK3osRelease(k3s: string): string {
  const m = K3S_VERSION.exec(k3s);
  return m ? `v0.${m[2]}.${m[3]}-k3s${m[4]}-rN, see https://github.com/petercb/k3os/releases` : 'see https://github.com/petercb/k3os/releases';
}

interface Listener {
  readonly path: string;
  readonly vip: string;
  readonly port: number;
  readonly protocol: string;
}

/** The load-balancer listeners that have an explicit VIP in the spec. */
function explicitListeners(spec: ClusterSpec): Listener[] {
  const { ingress, wireguard, games } = spec.services;
  const out: Listener[] = [];
  if (ingress.enabled && ingress.vip) {
    for (const port of [80, 443]) {
      out.push({ path: 'services.ingress.vip', vip: ingress.vip, port, protocol: 'TCP' });
    }
  }
  if (wireguard.enabled && wireguard.vip) {
    out.push({ path: 'services.wireguard.vip', vip: wireguard.vip, port: wireguard.port, protocol: 'UDP' });
  }
  const { observability } = spec.services;
  if (observability.enabled && spec.router?.syslog && observability.syslogVip) {
    for (const protocol of ['UDP', 'TCP']) {
      out.push({ path: 'services.observability.syslogVip', vip: observability.syslogVip, port: 514, protocol });
    }
  }
  games.forEach((game, i) => {
    if (game.vip) {
      for (const p of game.ports) {
        out.push({ path: `services.games[${i}].vip`, vip: game.vip, port: p.port, protocol: p.protocol });
      }
    }
  });
  return out;
}

function serviceRules(spec: ClusterSpec): string[] {
  const pool = Ipv4Range.parse(spec.network.loadBalancerPool);
  const { wireguard, games } = spec.services;
  const problems: string[] = [];

  const listeners = explicitListeners(spec);
  for (const path of new Set(listeners.map((l) => l.path))) {
    const vip = listeners.find((l) => l.path === path)!.vip;
    if (!pool.contains(vip)) {
      problems.push(`${path}: ${vip} is outside network.loadBalancerPool ${pool}`);
    }
  }
  const seen = new Map<string, string>();
  for (const l of listeners) {
    const key = `${l.vip}:${l.port}/${l.protocol}`;
    const owner = seen.get(key);
    if (owner && owner !== l.path) {
      problems.push(`${l.path}: ${key} is already used by ${owner}; services sharing a VIP need distinct ports`);
    }
    seen.set(key, owner ?? l.path);
  }

  problems.push(...duplicates(games.map((g, i) => [g.name, `services.games[${i}].name`])));
  games.forEach((game, i) => {
    problems.push(...duplicates(game.ports.map((p, j) => [p.name, `services.games[${i}].ports[${j}].name`])));
    problems.push(
      ...duplicates(game.ports.map((p, j) => [`${p.port}/${p.protocol}`, `services.games[${i}].ports[${j}]`])),
    );
  });

  if (wireguard.enabled) {
    const tunnel = Ipv4Range.fromCidr(wireguard.tunnelCidr);
    problems.push(...duplicates(wireguard.peers.map((p, i) => [p.name, `services.wireguard.peers[${i}].name`])));
    problems.push(
      ...duplicates(wireguard.peers.map((p, i) => [p.address, `services.wireguard.peers[${i}].address`])),
    );
    problems.push(
      ...duplicates(wireguard.peers.map((p, i) => [p.publicKey, `services.wireguard.peers[${i}].publicKey`])),
    );
    wireguard.peers.forEach((peer, i) => {
      if (!tunnel.containsRange(Ipv4Range.fromCidr(peer.address))) {
        problems.push(
          `services.wireguard.peers[${i}].address: ${peer.address} is outside services.wireguard.tunnelCidr ${tunnel}`,
        );
      }
    });
  }
  return problems;
}

/** `path: "value" is already used by firstPath` for every repeat of a value. */
function duplicates(entries: [string, string][]): string[] {
  const first = new Map<string, string>();
  const problems: string[] = [];
  for (const [value, path] of entries) {
    const owner = first.get(value);
    if (owner !== undefined) {
      problems.push(`${path}: "${value}" is already used by ${owner}; it must be unique`);
    } else {
      first.set(value, path);
    }
  }
  return problems;
}
