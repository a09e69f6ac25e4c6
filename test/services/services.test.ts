import { eligibleNodes } from '../../lib/analysis/scheduling';
import { clusterModel } from '../../lib/analysis/workload-model';
import { metallbAnnouncer } from '../../lib/net/metallb-election';
import { wireguardClientTemplate, wireguardServerConfig } from '../../lib/services/wireguard/wireguard-server';
import { homeAssistantEndpoint } from '../../lib/services/home-assistant/home-assistant';
import { loadSpec } from '../../lib/services/registry';
import { defaultSpecText, fixtures } from '../helpers';
import { synthesized } from '../helpers-render';

const specs: [string, string][] = [['cluster.yaml', defaultSpecText()], ...fixtures('valid')];

async function render(name: string) {
  const text = specs.find(([n]) => n === name)![1];
  return (await synthesized(text, name)).cluster;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function object(cluster: Awaited<ReturnType<typeof render>>, kind: string, namespace: string, name: string): any {
  const found = cluster.objects.find((o) => o.manifest.kind === kind && o.manifest.metadata.name === name && o.manifest.metadata.namespace === namespace);
  if (!found) throw new Error(`no ${kind} ${namespace}/${name}`);
  return found.manifest;
}

describe('services', () => {
  test.each(specs)('%s: no private key, token or Secret in any output', async (name, text) => {
    const { cluster } = await synthesized(text, name);
    const spec = cluster.spec;
    const publicKeys = new Set(spec.services.wireguard.peers.map((p) => p.publicKey));
    for (const [path, content] of cluster.files.entries()) {
      expect(`${path}: ${/^kind: Secret$/m.test(content)}`).toBe(`${path}: false`);
      for (const key of content.match(/[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=/g) ?? []) {
        expect(`${path}: ${key}`).toBe(`${path}: ${publicKeys.has(key) ? key : 'a public key from cluster.yaml'}`);
      }
    }
  });

  test.each(specs.filter(([, t]) => !/wireguard: \{ enabled: false \}/.test(t)))(
    '%s: WireGuard mounts no PVC or NFS, runs on two nodes, and the x86 node announces its VIP',
    async (name) => {
      const cluster = await render(name);
      const spec = cluster.spec;
      const wg = clusterModel(cluster.objects).workloads.find((w) => w.id === 'Deployment/vpn/wireguard')!;
      expect(wg.template.volumes.filter((v) => v.type === 'nfs' || v.type === 'persistentVolumeClaim')).toEqual([]);
      expect([wg.replicas, wg.template.onePerNode, eligibleNodes(wg.template, spec).map((n) => n.name)]).toEqual([
        2,
        true,
        [spec.placement.storageNode, spec.placement.standbyNode].sort((a, b) => spec.nodes.findIndex((n) => n.name === a) - spec.nodes.findIndex((n) => n.name === b)),
      ]);
      const service = object(cluster, 'Service', 'vpn', 'wireguard');
      expect(service.spec.externalTrafficPolicy).toBe('Local');
      expect(service.spec.ports).toEqual([{ name: 'wireguard', port: spec.services.wireguard.port, protocol: 'UDP', targetPort: spec.services.wireguard.port }]);
      const vip = service.metadata.annotations['metallb.io/loadBalancerIPs'];
      expect(metallbAnnouncer([spec.placement.storageNode, spec.placement.standbyNode], vip)).toBe(spec.placement.storageNode);
    },
  );

  test('DLNA and the game servers are pinned to the storage node', async () => {
    const cluster = await render('cluster.yaml');
    for (const id of ['Deployment/media/dlna', 'Deployment/games/minecraft']) {
      const w = clusterModel(cluster.objects).workloads.find((wl) => wl.id === id)!;
      expect([id, eligibleNodes(w.template, cluster.spec).map((n) => n.name)]).toEqual([id, ['atlas']]);
    }
  });

  test('a game with TCP and UDP ports renders both, and games sharing a VIP share it explicitly', async () => {
    const cluster = await render('shared-vip-games.yaml');
    const minecraft = object(cluster, 'Service', 'games', 'minecraft');
    const valheim = object(cluster, 'Service', 'games', 'valheim');
    expect(minecraft.spec.ports.map((p: { port: number; protocol: string }) => `${p.port}/${p.protocol}`)).toEqual(['25565/TCP', '25565/UDP']);
    expect(valheim.spec.ports.map((p: { port: number; protocol: string }) => `${p.port}/${p.protocol}`)).toEqual(['2456/UDP', '2457/UDP']);
    for (const s of [minecraft, valheim]) {
      expect([s.metadata.annotations['metallb.io/loadBalancerIPs'], s.metadata.annotations['metallb.io/allow-shared-ip'], s.spec.externalTrafficPolicy]).toEqual([
        '192.168.51.10',
        '192.168.51.10',
        'Cluster',
      ]);
    }
  });

  test('a game saves its world: long stop grace, prune-protected claim with a stable name', async () => {
    const cluster = await render('cluster.yaml');
    const deployment = object(cluster, 'Deployment', 'games', 'minecraft');
    const claim = object(cluster, 'PersistentVolumeClaim', 'games', 'minecraft-world');
    expect(deployment.spec.template.spec.terminationGracePeriodSeconds).toBe(120);
    expect(deployment.spec.strategy).toEqual({ type: 'Recreate' });
    expect(claim.metadata.annotations).toEqual({ 'kustomize.toolkit.fluxcd.io/prune': 'disabled' });
    expect(claim.spec).toEqual({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '20Gi' } }, storageClassName: 'nfs-games-29db49' });
  });

  test('the server config lists the peers and the networks they may reach, never a private key', () => {
    const spec = loadSpec(defaultSpecText(), 'cluster.yaml');
    expect(wireguardServerConfig(spec)).toBe(
      [
        '[Interface]',
        'Address = 10.8.0.1/24',
        'ListenPort = 51820',
        'PostUp = wg set %i private-key /etc/wireguard-keys/private-key',
        'PostUp = iptables -A FORWARD -i %i -d 192.168.10.0/24 -j ACCEPT',
        'PostUp = iptables -A FORWARD -i %i -d 10.43.0.0/16 -j ACCEPT',
        'PostUp = iptables -A FORWARD -i %i -j DROP',
        'PostUp = iptables -t nat -A POSTROUTING -s 10.8.0.0/24 -o eth0 -j MASQUERADE',
        '',
        '[Peer]',
        '# phone',
        'PublicKey = xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=',
        'AllowedIPs = 10.8.0.2/32',
        '',
        '[Peer]',
        '# laptop',
        'PublicKey = TrMvSoP4jYQlY6RIzBgbssQqY3vxI2Pi+y71lOWWXX0=',
        'AllowedIPs = 10.8.0.3/32',
        '',
      ].join('\n'),
    );
  });

  test('a client template dials the endpoint and routes the tunnel and allowed networks', async () => {
    const cluster = await render('cluster.yaml');
    const template = wireguardClientTemplate(cluster.spec, cluster.vips, 'laptop');
    expect(template).toContain('Address = 10.8.0.3/32');
    expect(template).toContain('Endpoint = vpn.home.example.net:51820');
    expect(template).toContain('AllowedIPs = 10.8.0.0/24, 192.168.10.0/24, 10.43.0.0/16');
    expect(template).toContain('PrivateKey = <private key of this device>');
  });

  test('Home Assistant is reached at its LAN address, or on the storage node when in the cluster', async () => {
    const external = defaultSpecText().replace(
      / {2}homeAssistant:\n {4}mode: cluster\n {4}version: "[^"]+"\n/,
      '  homeAssistant:\n    mode: external\n    address: 192.168.10.20\n',
    );
    expect(homeAssistantEndpoint(loadSpec(external, 'cluster.yaml'))).toEqual({
      url: 'http://192.168.10.20:8123',
      tokenSecret: { name: 'home-assistant', key: 'token' },
    });
    const inCluster = await render('four-nodes.yaml');
    expect(homeAssistantEndpoint(inCluster.spec)?.url).toBe('http://10.20.0.2:8123');
    expect(object(inCluster, 'Deployment', 'home', 'home-assistant').spec.template.spec.hostNetwork).toBe(true);
  });
});
