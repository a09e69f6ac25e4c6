import { createHash } from 'node:crypto';
import { parseYamlDocuments } from '../yaml/yaml-memo';
import { UserError } from '../errors';
import { Ipv4Range } from './ipv4';
import { metallbAnnouncer } from './metallb-election';

/** Annotations a LoadBalancer Service carries: MetalLB's address and our stable key for it. */
export const VIP_ANNOTATION = 'metallb.io/loadBalancerIPs';
export const VIP_KEY_ANNOTATION = 'homelab.dev/vip-key';

/** One LoadBalancer address to hand out. */
export interface VipRequest {
  /** Stable key, e.g. `ingress` or `game/minecraft`. Renaming a key may move its VIP. */
  readonly key: string;
  /** Spec field of the explicit address, for messages, e.g. `services.ingress.vip`. */
  readonly path: string;
  /** The address the spec asks for; chosen from the pool when absent. */
  readonly explicit?: string;
  /**
   * For hot-standby services: the node that must answer ARP for the VIP while it is up,
   * among the nodes that will have a ready local endpoint (MetalLB layer 2 election).
   */
  readonly announcer?: { readonly node: string; readonly candidates: readonly string[] };
}

/** The VIP of every request, by key. */
export class VipAssignments {
  constructor(
    private readonly byKey: ReadonlyMap<string, string>,
    /** The locked addresses that had to move because the pool or the LAN changed, said as warnings. */
    public readonly moves: readonly string[] = [],
  ) {}

  /** The VIP of `key`; asking for a key that was never requested is a bug. */
  public get(key: string): string {
    const vip = this.byKey.get(key);
    if (vip === undefined) {
      throw new Error(`No VIP was requested for "${key}"`);
    }
    return vip;
  }

  public entries(): [string, string][] {
    return [...this.byKey].sort(([a], [b]) => a.localeCompare(b));
  }
}

function hashSlot(key: string, size: number): number {
  return createHash('sha256').update(key).digest().readUInt32BE(0) % size;
}

/**
 * Hands out LoadBalancer VIPs from the MetalLB pool: the spec's explicit address, else the
 * address this key holds in the cluster lock (lib/lock/cluster-lock.ts), else a free one probed from a slot derived
 * from the key. Keeping previous addresses first means adding or removing a service never
 * moves another service's VIP. Hot-standby services only get addresses their primary node
 * wins under MetalLB's election; an explicit address that breaks this is an error that
 * lists addresses that work.
 */
export function allocateVips(
  poolText: string,
  requests: readonly VipRequest[],
  previous: ReadonlyMap<string, string> = new Map(),
  reserved: ReadonlyMap<string, string> = new Map(),
  lockName = 'the cluster lock',
): VipAssignments {
  const pool = Ipv4Range.parse(poolText);
  // Never a LAN's network or broadcast address (`reserved`: address -> what it is).
  const addresses = pool.addresses().filter((a) => !reserved.has(a));
  // Addresses that services still requested hold now: never offered to another one.
  const live = new Map<string, string>();
  for (const r of requests) {
    const ip = previous.get(r.key);
    if (r.explicit === undefined && ip !== undefined) live.set(ip, r.key);
  }
  const problems: string[] = [];
  const taken = new Map<string, string>();
  const result = new Map<string, string>();
  const wins = (r: VipRequest, ip: string): boolean =>
    !r.announcer || metallbAnnouncer(r.announcer.candidates, ip) === r.announcer.node;

  const duplicate = requests.find((r, i) => requests.findIndex((o) => o.key === r.key) !== i);
  if (duplicate) {
    throw new Error(`VIP key "${duplicate.key}" is requested twice`);
  }

  for (const r of requests.filter((req) => req.explicit !== undefined)) {
    const ip = r.explicit!;
    const what = reserved.get(ip);
    if (what !== undefined) {
      const free = addresses.filter((a) => !taken.has(a) && !live.has(a) && wins(r, a)).slice(0, 3);
      problems.push(
        `${r.path}: ${ip} is ${what}; no host may use it, so MetalLB's ARP answers for it would not reach anyone; free addresses: ${free.join(', ') || 'none in the pool'}`,
      );
    }
    const holder = live.get(ip);
    if (holder !== undefined && holder !== r.key) {
      const free = addresses.filter((a) => !taken.has(a) && !live.has(a) && wins(r, a)).slice(0, 3);
      problems.push(
        `${r.path}: ${ip} is already the VIP of ${holder} (kept in ${lockName}); taking it would move ${holder} ` +
          `and break what points at it; free addresses: ${free.join(', ') || 'none in the pool'}`,
      );
    }
    if (!wins(r, ip)) {
      const working = addresses.filter((a) => !taken.has(a) && !live.has(a) && wins(r, a)).slice(0, 3);
      const winner = metallbAnnouncer(r.announcer!.candidates, ip);
      problems.push(
        `${r.path}: ${ip} would be announced by ${winner}, not ${r.announcer!.node} (MetalLB elects the node whose ` +
          `sha256(node + "#" + ip) sorts first); addresses ${r.announcer!.node} wins: ${working.join(', ') || 'none in the pool'}`,
      );
    }
    const sharer = taken.get(ip);
    const holderRequest = requests.find((o) => o.key === sharer);
    if (sharer !== undefined && (r.announcer || holderRequest?.announcer)) {
      // MetalLB shares an address only between Services whose endpoints it may announce
      // from the same node; a hot standby's pods are not another service's pods.
      problems.push(`${r.path}: ${ip} is already the address of ${sharer}; a hot-standby service needs an address of its own`);
    }
    taken.set(ip, sharer ?? r.key);
    result.set(r.key, ip);
  }

  // Hot standbys first, then by key: a service any address suits must not take the last
  // address where a hot standby's primary wins.
  const automatic = requests
    .filter((r) => r.explicit === undefined)
    .sort((a, b) => Number(!a.announcer) - Number(!b.announcer) || a.key.localeCompare(b.key));
  // A locked address stays with its service. One that no longer suits (the pool shrank, the
  // standby node changed so the primary no longer wins it) is not moved silently: the user
  // moves it, by an explicit vip or by deleting its lock entry.
  const kept: VipRequest[] = [];
  const moved: { key: string; from: string; why: string }[] = [];
  for (const r of automatic) {
    const ip = previous.get(r.key);
    if (ip === undefined) continue;
    const holder = taken.get(ip);
    const explicitHolder = holder !== undefined && requests.some((o) => o.key === holder && o.explicit !== undefined);
    if (explicitHolder) continue; // reported above: the explicit address collides with this live one
    const what = reserved.get(ip);
    if (!pool.contains(ip) || what !== undefined) {
      // The user changed the pool or the LAN: this address cannot stay; it moves, and says so.
      moved.push({ key: r.key, from: ip, why: !pool.contains(ip) ? `network.loadBalancerPool ${pool} no longer contains it` : `it is ${what}` });
      continue;
    }
    const why =
        holder !== undefined
          ? `is also locked for ${holder}; two services cannot both hold it`
          : !wins(r, ip)
            ? `would now be announced by ${metallbAnnouncer(r.announcer!.candidates, ip)}, not ${r.announcer!.node} (placement changed: ` +
              `MetalLB elects among ${r.announcer!.candidates.join(', ')} the node whose sha256(node + "#" + ip) sorts first)`
            : undefined;
    if (why === undefined) {
      kept.push(r);
      taken.set(ip, r.key);
      result.set(r.key, ip);
      continue;
    }
    const others = new Set([...previous].filter(([k]) => k !== r.key && requests.some((o) => o.key === k)).map(([, v]) => v));
    const free = addresses.filter((a) => !taken.has(a) && !live.has(a) && !others.has(a) && wins(r, a)).slice(0, 3);
    problems.push(
      `${lockName}: vips.${r.key}: ${ip}, the address ${r.key} has, ${why}; a VIP moves only when you move it: set ${r.path} to one of ` +
        `${free.join(', ') || '(none free: widen network.loadBalancerPool)'} (then update what points at it: router port-forwards, DNS, clients), ` +
        `or delete vips.${r.key} from ${lockName} to let synth choose a new address`,
    );
    kept.push(r); // not allocated anew: the error stands until the user decides
  }
  for (const r of automatic.filter((req) => !kept.includes(req))) {
    const start = hashSlot(r.key, addresses.length);
    let chosen: string | undefined;
    for (let i = 0; i < addresses.length && chosen === undefined; i++) {
      const ip = addresses[(start + i) % addresses.length];
      if (!taken.has(ip) && wins(r, ip)) {
        chosen = ip;
      }
    }
    if (chosen === undefined) {
      problems.push(
        `network.loadBalancerPool: ${pool} has no free address for "${r.key}" ` +
          `(${addresses.length} addresses, ${taken.size} taken${r.announcer ? `, the rest announced by a node other than ${r.announcer.node}` : ''}); widen the pool`,
      );
    } else {
      taken.set(chosen, r.key);
      result.set(r.key, chosen);
    }
  }
  if (problems.length > 0) {
    throw new UserError(`cannot assign load-balancer addresses:`, problems);
  }
  return new VipAssignments(
    result,
    moved.map((m) => `${m.key} moves from ${m.from} to ${result.get(m.key)} (${m.why}); update what points at it: router port-forwards, DNS, clients`),
  );
}

/**
 * The VIPs the previous synth assigned, read from its files: every YAML mapping that carries
 * both the VIP and the VIP-key annotation (Services, and Helm values that render one).
 */
export function previousVips(files: ReadonlyMap<string, string>): Map<string, string> {
  const found = new Map<string, string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(walk);
    } else if (node !== null && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      if (typeof record[VIP_KEY_ANNOTATION] === 'string' && typeof record[VIP_ANNOTATION] === 'string') {
        found.set(record[VIP_KEY_ANNOTATION], record[VIP_ANNOTATION]);
      }
      Object.values(record).forEach(walk);
    }
  };
  for (const [path, content] of files) {
    if (path.startsWith('dist/') && content.includes(VIP_KEY_ANNOTATION)) {
      parseYamlDocuments(content).forEach(walk);
    }
  }
  return found;
}
