import { UserError } from '../../lib/errors';
import { clusterVips } from '../../lib/net/cluster-vips';
import { Ipv4Range } from '../../lib/net/ipv4';
import { metallbAnnouncer } from '../../lib/net/metallb-election';
import { allocateVips, VipRequest } from '../../lib/net/vip-allocator';
import { loadSpec } from '../../lib/spec/load-spec';
import { defaultSpecText, fixtures } from '../helpers';

const POOL = Ipv4Range.parse('192.168.10.200-192.168.10.239');
const HOT = { node: 'atlas', rivals: ['pi-worker'] };

function problemsOf(fn: () => unknown): readonly string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof UserError) {
      return e.problems;
    }
    throw e;
  }
  throw new Error('expected a UserError');
}

describe('allocateVips', () => {
  test('adding a service keeps every other VIP', () => {
    // GIVEN
    const before: VipRequest[] = [
      { key: 'ingress', field: 'services.ingress.vip', announcer: HOT },
      { key: 'wireguard', field: 'services.wireguard.vip', announcer: HOT },
      { key: 'game/minecraft', field: 'services.games[0].vip' },
    ];
    const first = allocateVips(POOL, before);
    // WHEN
    const second = allocateVips(POOL, [...before, { key: 'game/valheim', field: 'services.games[1].vip' }]);
    // THEN
    for (const r of before) {
      expect(second.vip(r.key)).toBe(first.vip(r.key));
    }
    expect(new Set(second.entries().map(([, v]) => v)).size).toBe(4);
  });

  test('the choice does not depend on the order of the requests', () => {
    const requests: VipRequest[] = ['a', 'b', 'c', 'd'].map((k) => ({ key: k, field: k }));
    expect(allocateVips(POOL, [...requests].reverse()).entries()).toEqual(allocateVips(POOL, requests).entries());
  });

  test('a hot-standby VIP is one where the primary wins the election', () => {
    const vip = allocateVips(POOL, [{ key: 'ingress', field: 'services.ingress.vip', announcer: HOT }]).vip('ingress');
    expect(metallbAnnouncer(['atlas', 'pi-worker'], vip)).toBe('atlas');
  });

  test('fails when an explicit VIP makes the standby announce, suggesting VIPs that work', () => {
    // GIVEN an address where pi-worker's hash sorts first
    const bad = POOL.addresses().find((a) => metallbAnnouncer(['atlas', 'pi-worker'], a) === 'pi-worker')!;
    const working = POOL.addresses()
      .filter((a) => metallbAnnouncer(['atlas', 'pi-worker'], a) === 'atlas')
      .slice(0, 5);
    // WHEN / THEN
    expect(problemsOf(() => allocateVips(POOL, [{ key: 'ingress', field: 'services.ingress.vip', explicit: bad, announcer: HOT }]))).toEqual([
      `services.ingress.vip: ${bad} would be announced by pi-worker, but atlas must answer for it ` +
        '(MetalLB elects the node whose sha256(node#ip) sorts first); addresses where atlas wins: ' +
        working.join(', '),
    ]);
  });

  test('fails when the pool is exhausted', () => {
    const pool = Ipv4Range.parse('10.0.0.10-10.0.0.11');
    const requests: VipRequest[] = ['a', 'b', 'c'].map((k, i) => ({ key: k, field: `services.games[${i}].vip` }));
    expect(problemsOf(() => allocateVips(pool, requests))).toEqual([
      'services.games[2].vip: no free address is left in network.loadBalancerPool 10.0.0.10-10.0.0.11 ' +
        '(2 addresses, 2 taken); widen the pool or set services.games[2].vip explicitly',
    ]);
  });

  test('fails when a hot-standby service would share its explicit address', () => {
    const vip = POOL.addresses().find((a) => metallbAnnouncer(['atlas', 'pi-worker'], a) === 'atlas')!;
    expect(
      problemsOf(() =>
        allocateVips(POOL, [
          { key: 'game/minecraft', field: 'services.games[0].vip', explicit: vip },
          { key: 'ingress', field: 'services.ingress.vip', explicit: vip, announcer: HOT },
        ]),
      ),
    ).toEqual([`services.ingress.vip: ${vip} is already the address of game/minecraft; a hot-standby service needs its own address`]);
  });

  test('games sharing an explicit address get the MetalLB sharing annotation', () => {
    const vip = '192.168.10.210';
    const allocation = allocateVips(POOL, [
      { key: 'game/a', field: 'a', explicit: vip },
      { key: 'game/b', field: 'b', explicit: vip },
      { key: 'game/c', field: 'c' },
    ]);
    expect(allocation.annotations('game/a')).toEqual({ 'metallb.io/loadBalancerIPs': vip, 'metallb.io/allow-shared-ip': vip });
    expect(allocation.annotations('game/c')).toEqual({ 'metallb.io/loadBalancerIPs': allocation.vip('game/c') });
  });
});

describe('clusterVips', () => {
  const specs: [string, string][] = [['cluster.yaml', defaultSpecText()], ...fixtures('valid')];

  test.each(specs)('in %s the storage node announces every hot-standby VIP', (_name, text) => {
    // GIVEN
    const spec = loadSpec(text, 'spec.yaml');
    const allocation = clusterVips(spec);
    const hotStandby = ['ingress', 'wireguard'].filter((k) => spec.services[k as 'ingress' | 'wireguard'].enabled);
    expect(hotStandby.length).toBeGreaterThan(0);
    // THEN
    for (const key of hotStandby) {
      expect(metallbAnnouncer([spec.placement.storageNode, spec.placement.standbyNode], allocation.vip(key))).toBe(
        spec.placement.storageNode,
      );
    }
  });
});

describe('allocateVips with a nearly full pool', () => {
  test('serves hot standbys first, so a game does not take the only address the primary wins', () => {
    // GIVEN two addresses, only one of which atlas wins
    const pool = Ipv4Range.parse('192.168.10.200-192.168.10.201');
    const atlasWins = pool.addresses().filter((a) => metallbAnnouncer(['atlas', 'pi-worker'], a) === 'atlas');
    expect(atlasWins).toHaveLength(1);
    // WHEN
    const allocation = allocateVips(pool, [
      { key: 'game/a', field: 'services.games[0].vip' },
      { key: 'ingress', field: 'services.ingress.vip', announcer: HOT },
    ]);
    // THEN
    expect(allocation.vip('ingress')).toBe(atlasWins[0]);
    expect(allocation.vip('game/a')).not.toBe(atlasWins[0]);
  });
});
