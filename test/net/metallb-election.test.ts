import { announcingNode } from '../../lib/analysis/l2-election';
import { clusterModel, loadBalancersOf } from '../../lib/analysis/workload-model';
import { eligibleNodes } from '../../lib/analysis/scheduling';
import { selectorMatches } from '../../lib/conventions/label-selectors';
import { l2Candidates, metallbAnnouncer } from '../../lib/net/metallb-election';
import { clusterObjects } from '../../lib/output/rendered';
import { fixtureText, FIXTURES } from '../helpers';
import { renderSpec } from '../helpers-render';
import { join } from 'node:path';

/* MetalLB v0.16.1's layer-2 election (speaker/layer2_controller.go), followed in one place. */

const nodes = ['tower', 'pi-a', 'pi-b'].map((name) => ({ name, labels: { 'kubernetes.io/hostname': name } }));
const everyNode = { ipAddressPools: ['lan'] };
const storageOnly = {
  ipAddressPools: ['lan'],
  serviceSelectors: [{ matchLabels: { 'homelab.dev/l2-announcer': 'tower' } }],
  nodeSelectors: [{ matchLabels: { 'kubernetes.io/hostname': 'tower' } }],
};
const unlabelled = { ...everyNode, serviceSelectors: [{ matchExpressions: [{ key: 'homelab.dev/l2-announcer', operator: 'DoesNotExist' }] }] };
const game = { labels: { 'homelab.dev/l2-announcer': 'tower' }, externalTrafficPolicy: 'Cluster' };

describe('l2Candidates', () => {
  test('GIVEN Cluster policy and an advertisement without node selectors THEN every speaker node is a candidate, wherever the pods are', () => {
    expect(l2Candidates({ ip: '10.0.0.5', pool: 'lan', service: { labels: {}, externalTrafficPolicy: 'Cluster' }, advertisements: [everyNode], nodes, endpointNodes: ['tower'] })).toEqual(['tower', 'pi-a', 'pi-b']);
  });

  test('GIVEN Local policy THEN only nodes with a ready endpoint', () => {
    expect(l2Candidates({ ip: '10.0.0.5', pool: 'lan', service: { labels: {}, externalTrafficPolicy: 'Local' }, advertisements: [everyNode], nodes, endpointNodes: ['pi-b'] })).toEqual(['pi-b']);
  });

  test('GIVEN the storage-node advertisement selecting the Service THEN only the storage node, even with Cluster policy', () => {
    expect(l2Candidates({ ip: '10.0.0.5', pool: 'lan', service: game, advertisements: [unlabelled, storageOnly], nodes, endpointNodes: ['tower'] })).toEqual(['tower']);
  });

  test('an advertisement of another pool, or one excluded node, does not count', () => {
    const otherPool = { ipAddressPools: ['other'] };
    expect(l2Candidates({ ip: '10.0.0.5', pool: 'lan', service: game, advertisements: [otherPool], nodes, endpointNodes: [] })).toEqual([]);
    const excluded = [...nodes.slice(1), { name: 'tower', labels: { 'node.kubernetes.io/exclude-from-external-load-balancers': '' } }];
    expect(l2Candidates({ ip: '10.0.0.5', pool: 'lan', service: { labels: {}, externalTrafficPolicy: 'Cluster' }, advertisements: [everyNode], nodes: excluded, endpointNodes: [] })).toEqual(['pi-a', 'pi-b']);
  });

  test('label selectors: matchLabels and every expression operator', () => {
    const labels = { a: '1', b: '2' };
    expect(selectorMatches({}, labels)).toBe(true);
    expect(selectorMatches({ matchLabels: { a: '1' } }, labels)).toBe(true);
    expect(selectorMatches({ matchLabels: { a: '2' } }, labels)).toBe(false);
    expect(selectorMatches({ matchExpressions: [{ key: 'a', operator: 'In', values: ['1', '3'] }] }, labels)).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'a', operator: 'NotIn', values: ['1'] }] }, labels)).toBe(false);
    expect(selectorMatches({ matchExpressions: [{ key: 'c', operator: 'NotIn', values: ['1'] }] }, labels)).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'b', operator: 'Exists' }] }, labels)).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'b', operator: 'DoesNotExist' }] }, labels)).toBe(false);
  });
});

describe('games behind a shared VIP (Cluster policy)', () => {
  const text = fixtureText(join(FIXTURES, 'valid', 'shared-vip-games.yaml'));
  const cluster = renderSpec(text);
  const model = clusterModel(clusterObjects(cluster));
  const storage = cluster.spec.placement.storageNode;
  const gameLbs = model.workloads
    .filter((w) => w.namespace === 'games')
    .flatMap((w) => loadBalancersOf(model, w).map((lb) => ({ lb, endpoints: eligibleNodes(w.template, cluster.spec).map((n) => n.name) })));

  test('GIVEN the rendered advertisements THEN the storage node announces every game VIP, and no other node may', () => {
    expect(gameLbs.length).toBe(2);
    for (const { lb, endpoints } of gameLbs) {
      expect(lb.externalTrafficPolicy).toBe('Cluster');
      expect(announcingNode(cluster.spec, model, lb, endpoints)).toBe(storage);
      // even with the storage node's speaker gone, no Pi takes it over
      expect(announcingNode(cluster.spec, model, lb, endpoints, storage)).toBeUndefined();
    }
  });

  test('GIVEN the single advertisement of before (no selectors) THEN a Pi may announce them: the check catches that mistake', () => {
    const before = { ...model, objects: model.objects.filter((o) => o.kind !== 'L2Advertisement').concat([{ kind: 'L2Advertisement', spec: { ipAddressPools: ['lan'] } }]) };
    const { lb, endpoints } = gameLbs[0];
    const winner = metallbAnnouncer(cluster.spec.nodes.map((n) => n.name), lb.vip!);
    expect(announcingNode(cluster.spec, before, lb, endpoints)).toBe(winner);
    // the shared VIP of the fixture is one a Pi wins among all nodes
    expect(winner).not.toBe(storage);
  });
});
