import { createHash } from 'node:crypto';
import { UserError } from '../errors';
import { Ipv4Range } from './ipv4';
import { metallbAnnouncer } from './metallb-election';

/** The annotation MetalLB (0.14+) reads for a requested address. */
export const LOAD_BALANCER_IPS_ANNOTATION = 'metallb.io/loadBalancerIPs';
/** Services with the same value of this annotation may share one address. */
export const ALLOW_SHARED_IP_ANNOTATION = 'metallb.io/allow-shared-ip';

/** How many working addresses an error message suggests. */
const SUGGESTIONS = 5;

/** One address to hand out: a service (or a group of services sharing one address). */
export interface VipRequest {
  /**
   * Stable identity, e.g. `ingress` or `game/minecraft`. The automatic choice depends on
   * it alone, so it must not change when other services come and go.
   */
  readonly key: string;
  /** Where the explicit address sits in cluster.yaml, for messages, e.g. `services.ingress.vip`. */
  readonly field: string;
  /** The address the spec asks for. @default - chosen from the pool */
  readonly explicit?: string;
  /**
   * For hot-standby services: the node that must answer ARP for the address and the other
   * nodes that normally hold a ready endpoint (`externalTrafficPolicy: Local`).
   * @default - any node may announce
   */
  readonly announcer?: { readonly node: string; readonly rivals: readonly string[] };
}

/** Whether `ip` makes the request's announcer win MetalLB's layer-2 election. */
function announcedRight(request: VipRequest, ip: string): boolean {
  if (!request.announcer) {
    return true;
  }
  const { node, rivals } = request.announcer;
  return metallbAnnouncer([node, ...rivals], ip) === node;
}

/** Where a key's probe starts: a hash of the key alone, so it ignores every other service. */
function startIndex(key: string, size: number): number {
  const digest = createHash('sha256').update(key).digest();
  return digest.readUInt32BE(0) % size;
}

/**
 * Hands out load-balancer addresses from the MetalLB pool. Explicit addresses are kept
 * (and checked); every other service gets the first free address that suits it, probing
 * forward from a position derived from its key. Requests are served in key order (hot
 * standbys first), so the result never depends on the order services are listed in. Throws a UserError listing
 * every problem: an explicit address where the wrong node would answer (with addresses
 * that work), two services on one address, or a pool with no suitable address left.
 */
export function allocateVips(pool: Ipv4Range, requests: readonly VipRequest[]): VipAllocation {
  const addresses = pool.addresses();
  const byAddress = new Map<string, string>();
  const result = new Map<string, string>();
  const holders = new Map<string, VipRequest>();
  const problems: string[] = [];
  const sorted = [...requests].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

  for (const request of sorted.filter((r) => r.explicit !== undefined)) {
    const ip = request.explicit!;
    if (!announcedRight(request, ip)) {
      const working = addresses.filter((a) => !byAddress.has(a) && announcedRight(request, a)).slice(0, SUGGESTIONS);
      const { node, rivals } = request.announcer!;
      problems.push(
        `${request.field}: ${ip} would be announced by ${metallbAnnouncer([node, ...rivals], ip)}, but ${node} must ` +
          `answer for it (MetalLB elects the node whose sha256(node#ip) sorts first); addresses where ${node} wins: ` +
          `${working.length > 0 ? working.join(', ') : 'none in the pool'}`,
      );
      continue;
    }
    const holder = byAddress.get(ip);
    if (holder !== undefined && (request.announcer || holders.get(holder)!.announcer)) {
      // A shared address has one announcer for all its services; a hot standby needs its own.
      problems.push(`${request.field}: ${ip} is already the address of ${holder}; a hot-standby service needs its own address`);
      continue;
    }
    byAddress.set(ip, holder ?? request.key);
    holders.set(request.key, request);
    result.set(request.key, ip);
  }

  // Constrained requests first: an unconstrained one must not take the last address where
  // a hot standby's primary wins when any other address would do for it.
  const automatic = sorted.filter((r) => r.explicit === undefined);
  for (const request of [...automatic.filter((r) => r.announcer), ...automatic.filter((r) => !r.announcer)]) {
    const start = startIndex(request.key, addresses.length);
    let chosen: string | undefined;
    for (let step = 0; step < addresses.length && chosen === undefined; step++) {
      const candidate = addresses[(start + step) % addresses.length];
      if (!byAddress.has(candidate) && announcedRight(request, candidate)) {
        chosen = candidate;
      }
    }
    if (chosen === undefined) {
      const need = request.announcer ? ` where ${request.announcer.node} wins the layer-2 election` : '';
      problems.push(
        `${request.field}: no free address${need} is left in network.loadBalancerPool ${pool} ` +
          `(${addresses.length} addresses, ${byAddress.size} taken); widen the pool or set ${request.field} explicitly`,
      );
      continue;
    }
    byAddress.set(chosen, request.key);
    result.set(request.key, chosen);
  }

  if (problems.length > 0) {
    throw new UserError('Load-balancer addresses cannot be assigned:', problems);
  }
  return new VipAllocation(result);
}

/** The outcome of an allocation: each key's address, and which addresses are shared. */
export class VipAllocation {
  constructor(private readonly byKey: ReadonlyMap<string, string>) {}

  /** The address of `key`; a key that was never requested is a bug. */
  public vip(key: string): string {
    const vip = this.byKey.get(key);
    if (vip === undefined) {
      throw new Error(`No load-balancer address was requested for "${key}"`);
    }
    return vip;
  }

  /** Every key and its address, in key order. */
  public entries(): [string, string][] {
    return [...this.byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /**
   * The annotations that pin the Service(s) of `key` to its address, with MetalLB's
   * sharing annotation when other keys hold the same address (all of them carry the
   * same sharing key, the address itself).
   */
  public annotations(key: string): Record<string, string> {
    const vip = this.vip(key);
    const shared = [...this.byKey.values()].filter((v) => v === vip).length > 1;
    return {
      [LOAD_BALANCER_IPS_ANNOTATION]: vip,
      ...(shared ? { [ALLOW_SHARED_IP_ANNOTATION]: vip } : {}),
    };
  }
}
