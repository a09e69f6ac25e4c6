import { UserError } from '../../lib/errors';
import { metallbAnnouncer } from '../../lib/net/metallb-election';
import { vipRequests } from '../../lib/services/registry';
import { allocateVips, previousVips, VipRequest } from '../../lib/net/vip-allocator';
import { loadSpec } from '../../lib/services/registry';
import { Ipv4Range } from '../../lib/net/ipv4';
import { defaultSpecText, fixtures } from '../helpers';

const POOL = '10.0.0.10-10.0.0.29';
const HOT = { node: 'x86', candidates: ['x86', 'pi'] };

function problems(fn: () => unknown): readonly string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof UserError) return e.problems;
    throw e;
  }
  throw new Error('expected a UserError');
}

describe('allocateVips', () => {
  test('adding a service never moves the VIPs of the others', () => {
    // GIVEN a first synth with three services
    const first = allocateVips(POOL, [{ key: 'a', path: 'a' }, { key: 'b', path: 'b' }, { key: 'c', path: 'c', announcer: HOT }]);
    // WHEN a fourth is added and the previous VIPs are known
    const second = allocateVips(
      POOL,
      [{ key: 'a', path: 'a' }, { key: 'b', path: 'b' }, { key: 'c', path: 'c', announcer: HOT }, { key: 'aa', path: 'aa' }],
      new Map(first.entries()),
    );
    // THEN the first three keep theirs and the new one gets a different address
    expect(second.entries().filter(([k]) => k !== 'aa')).toEqual(first.entries());
    expect(first.entries().map(([, ip]) => ip)).not.toContain(second.get('aa'));
  });

  test('a fresh allocation is deterministic', () => {
    const requests: VipRequest[] = [{ key: 'x', path: 'x' }, { key: 'y', path: 'y', announcer: HOT }];
    expect(allocateVips(POOL, requests).entries()).toEqual(allocateVips(POOL, requests).entries());
  });

  test('a hot-standby service always gets an address its primary announces', () => {
    const vips = allocateVips(POOL, ['p', 'q', 'r', 's'].map((key) => ({ key, path: key, announcer: HOT })));
    for (const [, ip] of vips.entries()) {
      expect(metallbAnnouncer(HOT.candidates, ip)).toBe('x86');
    }
  });

  test('fails when an explicit hot-standby VIP would be announced by the standby, suggesting VIPs that work', () => {
    const bad = Array.from({ length: 20 }, (_, i) => `10.0.0.${10 + i}`).find((ip) => metallbAnnouncer(HOT.candidates, ip) === 'pi')!;
    const working = Array.from({ length: 20 }, (_, i) => `10.0.0.${10 + i}`).filter((ip) => ip !== bad && metallbAnnouncer(HOT.candidates, ip) === 'x86');
    expect(problems(() => allocateVips(POOL, [{ key: 'ingress', path: 'services.ingress.vip', explicit: bad, announcer: HOT }]))).toEqual([
      `services.ingress.vip: ${bad} would be announced by pi, not x86 (MetalLB elects the node whose sha256(node + "#" + ip) sorts first); addresses x86 wins: ${working.slice(0, 3).join(', ')}`,
    ]);
  });

  test("fails when a new service's explicit VIP is another service's VIP from an earlier synth, naming it and offering only free addresses", () => {
    // GIVEN game a holds 10.0.0.12 from an earlier synth, b holds 10.0.0.13
    const previous = new Map([['game/a', '10.0.0.12'], ['game/b', '10.0.0.13']]);
    // WHEN a new game asks for a's address explicitly
    const requests = [{ key: 'game/a', path: 'a' }, { key: 'game/b', path: 'b' }, { key: 'game/c', path: 'services.games[2].vip', explicit: '10.0.0.12' }];
    // THEN a keeps it: the new one is refused, and the suggestions skip a's and b's addresses
    expect(problems(() => allocateVips('10.0.0.10-10.0.0.14', requests, previous))).toEqual([
      'services.games[2].vip: 10.0.0.12 is already the VIP of game/a (kept in the cluster lock); taking it would move game/a and break what points at it; free addresses: 10.0.0.10, 10.0.0.11, 10.0.0.14',
    ]);
  });

  test('never hands out a reserved address (the LAN\'s network or broadcast), and refuses it when explicit', () => {
    // GIVEN a pool that ends on the broadcast address
    const reserved = new Map([['10.0.0.255', 'the broadcast address of network.lan.cidr 10.0.0.0/24']]);
    // WHEN two services need addresses from the last two of the pool
    const vips = allocateVips('10.0.0.254-10.0.0.255', [{ key: 'a', path: 'a' }], new Map(), reserved);
    // THEN
    expect(vips.get('a')).toBe('10.0.0.254');
    expect(problems(() => allocateVips('10.0.0.250-10.0.0.255', [{ key: 'a', path: 'services.games[0].vip', explicit: '10.0.0.255' }], new Map(), reserved))).toEqual([
      "services.games[0].vip: 10.0.0.255 is the broadcast address of network.lan.cidr 10.0.0.0/24; no host may use it, so MetalLB's ARP answers for it would not reach anyone; free addresses: 10.0.0.250, 10.0.0.251, 10.0.0.252",
    ]);
  });

  test('fails when the pool is exhausted, naming the pool and the service', () => {
    const requests = ['a', 'b', 'c'].map((key) => ({ key, path: key }));
    expect(problems(() => allocateVips('10.0.0.10-10.0.0.11', requests))).toEqual([
      'network.loadBalancerPool: 10.0.0.10-10.0.0.11 has no free address for "c" (2 addresses, 2 taken); widen the pool',
    ]);
  });

  test('GIVEN a locked hot-standby VIP WHEN the standby node is renamed so the primary no longer wins it THEN an error, not a move', () => {
    // GIVEN ingress holds an address x86 wins against pi
    const locked = Array.from({ length: 20 }, (_, i) => `10.0.0.${10 + i}`).find(
      (ip) => metallbAnnouncer(['x86', 'pi'], ip) === 'x86' && metallbAnnouncer(['x86', 'pi-renamed'], ip) === 'pi-renamed',
    )!;
    const renamed = { node: 'x86', candidates: ['x86', 'pi-renamed'] };
    // WHEN the standby is renamed
    const found = problems(() => allocateVips(POOL, [{ key: 'ingress', path: 'services.ingress.vip', announcer: renamed }], new Map([['ingress', locked]]), new Map(), 'cluster.lock.yaml'));
    // THEN the error names the lock entry, why, and both ways to move it on purpose
    expect(found).toHaveLength(1);
    expect(found[0]).toContain(`cluster.lock.yaml: vips.ingress: ${locked}, the address ingress has, would now be announced by pi-renamed, not x86`);
    expect(found[0]).toContain('set services.ingress.vip to one of ');
    expect(found[0]).toContain('or delete vips.ingress from cluster.lock.yaml to let synth choose a new address');
    const offered = /one of ([0-9., ]+) \(/.exec(found[0])![1].split(', ');
    for (const ip of offered) expect(metallbAnnouncer(renamed.candidates, ip)).toBe('x86');
  });

  test('GIVEN a lock WHEN explicit and new services are added THEN lock first, then explicit, then new, and no suggestion is a live VIP', () => {
    // GIVEN a and b locked at the first two addresses of a five-address pool
    const lock = new Map([['a', '10.0.0.10'], ['b', '10.0.0.11']]);
    // WHEN c asks for b's address and d is new
    const requests = [{ key: 'a', path: 'a' }, { key: 'b', path: 'b' }, { key: 'c', path: 'services.games[2].vip', explicit: '10.0.0.11' }, { key: 'd', path: 'd' }];
    // THEN the refusal names b and offers neither a's nor b's address
    expect(problems(() => allocateVips('10.0.0.10-10.0.0.14', requests, lock))).toEqual([
      'services.games[2].vip: 10.0.0.11 is already the VIP of b (kept in the cluster lock); taking it would move b and break what points at it; free addresses: 10.0.0.12, 10.0.0.13, 10.0.0.14',
    ]);
    // AND with a free explicit address, a and b keep theirs, c gets its own, d a free one
    const vips = allocateVips('10.0.0.10-10.0.0.14', [...requests.slice(0, 2), { ...requests[2], explicit: '10.0.0.13' }, requests[3]], lock);
    expect(vips.get('a')).toBe('10.0.0.10');
    expect(vips.get('b')).toBe('10.0.0.11');
    expect(vips.get('c')).toBe('10.0.0.13');
    expect(['10.0.0.12', '10.0.0.14']).toContain(vips.get('d'));
  });

  test('GIVEN a hand-edited lock giving two services one address THEN an error naming both', () => {
    const found = problems(() => allocateVips(POOL, [{ key: 'a', path: 'a' }, { key: 'b', path: 'b' }], new Map([['a', '10.0.0.12'], ['b', '10.0.0.12']])));
    expect(found).toHaveLength(1);
    expect(found[0]).toContain('the cluster lock: vips.b: 10.0.0.12, the address b has, is also locked for a; two services cannot both hold it');
  });

  test('GIVEN a locked VIP WHEN the pool no longer contains it THEN it moves and the move is said', () => {
    const vips = allocateVips('10.0.1.10-10.0.1.12', [{ key: 'a', path: 'a' }], new Map([['a', '10.0.0.12']]));
    expect(Ipv4Range.parse('10.0.1.10-10.0.1.12').contains(vips.get('a'))).toBe(true);
    expect(vips.moves).toEqual([
      `a moves from 10.0.0.12 to ${vips.get('a')} (network.loadBalancerPool 10.0.1.10-10.0.1.12 no longer contains it); update what points at it: router port-forwards, DNS, clients`,
    ]);
  });

  test('previousVips reads the key/VIP pairs out of rendered files, Helm values included', () => {
    const files = new Map([
      ['dist/ingress/traefik/helmrelease-traefik.yaml', 'spec:\n  values:\n    service:\n      annotations:\n        homelab.dev/vip-key: ingress\n        metallb.io/loadBalancerIPs: 10.0.0.15\n'],
      ['flux/other.yaml', 'homelab.dev/vip-key: ignored\nmetallb.io/loadBalancerIPs: 10.0.0.16\n'],
    ]);
    expect([...previousVips(files)]).toEqual([['ingress', '10.0.0.15']]);
  });
});

describe('the cluster VIPs', () => {
  const specs = [['cluster.yaml', defaultSpecText()], ...fixtures('valid')];

  test.each(specs)('in %s the storage node announces every hot-standby VIP', (name, text) => {
    const spec = loadSpec(text, name);
    const requests = vipRequests(spec);
    const vips = allocateVips(spec.network.loadBalancerPool, requests);
    for (const r of requests.filter((req) => req.announcer)) {
      expect([r.key, metallbAnnouncer([spec.placement.storageNode, spec.placement.standbyNode], vips.get(r.key))]).toEqual([
        r.key,
        spec.placement.storageNode,
      ]);
    }
  });
});
