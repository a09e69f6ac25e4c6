import { createHash } from 'node:crypto';
import { LabelSelector, selectorMatches } from '../conventions/label-selectors';

/*
 * MetalLB's layer-2 election, as its speaker decides it (metallb v0.16.1,
 * speaker/layer2_controller.go ShouldAnnounce): the one place this project follows it.
 *   1. the L2Advertisements of the Service's pool that select the Service (no
 *      serviceSelectors: every Service);
 *   2. the nodes with a live speaker that any of those advertisements selects (no
 *      nodeSelectors: every node), minus nodes labelled
 *      node.kubernetes.io/exclude-from-external-load-balancers;
 *   3. with `externalTrafficPolicy: Local`, only those with a ready endpoint of the Service;
 *   4. of these, the node whose sha256(node + "#" + ip) sorts first.
 */

/** The parts of an L2Advertisement the election reads. */
export interface L2AdvertisementModel {
  /** `spec.ipAddressPools`; none (and no pool selectors): every pool. */
  readonly ipAddressPools?: readonly string[];
  readonly nodeSelectors?: readonly LabelSelector[];
  readonly serviceSelectors?: readonly LabelSelector[];
}

const EXCLUDE_LABEL = 'node.kubernetes.io/exclude-from-external-load-balancers';

export interface ElectionInput {
  readonly ip: string;
  readonly pool: string;
  readonly service: { readonly labels: Readonly<Record<string, string>>; readonly externalTrafficPolicy: string };
  readonly advertisements: readonly L2AdvertisementModel[];
  /** Nodes with a live speaker, with their labels. */
  readonly nodes: readonly { readonly name: string; readonly labels: Readonly<Record<string, string>> }[];
  /** Nodes with a ready endpoint of the Service (read only for `Local`). */
  readonly endpointNodes: readonly string[];
}

/** The nodes MetalLB elects among for this Service and address (steps 1-3). */
export function l2Candidates(input: ElectionInput): string[] {
  const ads = input.advertisements
    .filter((ad) => !ad.ipAddressPools || ad.ipAddressPools.length === 0 || ad.ipAddressPools.includes(input.pool))
    .filter((ad) => !ad.serviceSelectors?.length || ad.serviceSelectors.some((s) => selectorMatches(s, input.service.labels)));
  const selected = input.nodes
    .filter((n) => n.labels[EXCLUDE_LABEL] === undefined)
    .filter((n) => ads.some((ad) => !ad.nodeSelectors?.length || ad.nodeSelectors.some((s) => selectorMatches(s, n.labels))))
    .map((n) => n.name);
  return input.service.externalTrafficPolicy === 'Local' ? selected.filter((n) => input.endpointNodes.includes(n)) : selected;
}

/** The node that announces the Service's address (step 4 over l2Candidates); none when no node may. */
export function l2Announcer(input: ElectionInput): string | undefined {
  return metallbAnnouncer(l2Candidates(input), input.ip);
}

/**
 * Step 4 alone: among the candidate nodes, the one whose sha256(node + "#" + ip) sorts
 * first (bytes.Compare of the digests: the same order as their hex).
 */
export function metallbAnnouncer(candidates: readonly string[], ip: string): string | undefined {
  return [...candidates]
    .map((node) => ({ node, key: createHash('sha256').update(`${node}#${ip}`).digest('hex') }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))[0]?.node;
}
