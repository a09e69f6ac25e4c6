import { createHash } from 'node:crypto';

/**
 * The node MetalLB layer 2 elects to answer ARP for a VIP: among the candidate nodes
 * (speakers alive, with a ready local endpoint when the traffic policy is Local), the one
 * whose sha256(node + "#" + ip) sorts first.
 */
export function metallbAnnouncer(candidates: readonly string[], ip: string): string | undefined {
  return [...candidates]
    .map((node) => ({ node, key: createHash('sha256').update(`${node}#${ip}`).digest('hex') }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))[0]?.node;
}
