import { metallbAnnouncer } from '../../lib/net/metallb-election';
import { vipRequests } from '../../lib/services/registry';
import { allocateVips } from '../../lib/net/vip-allocator';
import { loadSpec } from '../../lib/services/registry';
import { defaultSpecText, fixtures } from '../helpers';

describe('the cluster VIPs', () => {
  const specs: [string, string][] = [['cluster.yaml', defaultSpecText()], ...fixtures('valid')];

  test.each(specs)('in %s the storage node wins the layer-2 election for every hot-standby VIP', (_name, text) => {
    // GIVEN
    const spec = loadSpec(text, 'spec.yaml');
    const requests = vipRequests(spec).filter((r) => r.announcer);
    expect(requests.length).toBeGreaterThan(0);
    // WHEN
    const vips = allocateVips(spec.network.loadBalancerPool, vipRequests(spec));
    // THEN
    for (const r of requests) {
      expect(metallbAnnouncer([spec.placement.storageNode, spec.placement.standbyNode], vips.get(r.key))).toBe(spec.placement.storageNode);
    }
  });

  test.each(specs)('in %s every service has its own VIP unless the spec shares one explicitly', (_name, text) => {
    const spec = loadSpec(text, 'spec.yaml');
    const requests = vipRequests(spec);
    const vips = allocateVips(spec.network.loadBalancerPool, requests);
    const automatic = requests.filter((r) => r.explicit === undefined).map((r) => vips.get(r.key));
    const explicit = new Set(requests.flatMap((r) => (r.explicit === undefined ? [] : [r.explicit])));
    expect(new Set(automatic).size).toBe(automatic.length);
    expect(automatic.filter((v) => explicit.has(v))).toEqual([]);
  });
});

describe('allocateVips in a nearly full pool', () => {
  test('serves hot standbys first, so a game does not take the only address the primary wins', () => {
    // GIVEN two addresses, only one of which atlas wins against pi-worker
    const pool = '192.168.10.200-192.168.10.201';
    const candidates = ['atlas', 'pi-worker'];
    const atlasWins = ['192.168.10.200', '192.168.10.201'].filter((a) => metallbAnnouncer(candidates, a) === 'atlas');
    expect(atlasWins).toEqual(['192.168.10.200']);
    // WHEN a game whose key sorts first and hashes to that address asks too
    const vips = allocateVips(pool, [
      // game/factorio hashes to the first address, the one atlas wins
      { key: 'game/factorio', path: 'services.games[0].vip' },
      { key: 'ingress', path: 'services.ingress.vip', announcer: { node: 'atlas', candidates } },
    ]);
    // THEN
    expect(vips.get('ingress')).toBe(atlasWins[0]);
    expect(vips.get('game/factorio')).not.toBe(atlasWins[0]);
  });
});

describe('allocateVips with explicit addresses', () => {
  test('fails when a hot-standby service shares its explicit address with a game', () => {
    const candidates = ['atlas', 'pi-worker'];
    const vip = '192.168.10.200';
    expect(metallbAnnouncer(candidates, vip)).toBe('atlas');
    expect(() =>
      allocateVips('192.168.10.200-192.168.10.239', [
        { key: 'game/minecraft', path: 'services.games[0].vip', explicit: vip },
        { key: 'ingress', path: 'services.ingress.vip', explicit: vip, announcer: { node: 'atlas', candidates } },
      ]),
    ).toThrow('services.ingress.vip: 192.168.10.200 is already the address of game/minecraft; a hot-standby service needs an address of its own');
  });

  test('lets games share an explicit address', () => {
    const vips = allocateVips('192.168.10.200-192.168.10.239', [
      { key: 'game/a', path: 'services.games[0].vip', explicit: '192.168.10.210' },
      { key: 'game/b', path: 'services.games[1].vip', explicit: '192.168.10.210' },
    ]);
    expect([vips.get('game/a'), vips.get('game/b')]).toEqual(['192.168.10.210', '192.168.10.210']);
  });
});
