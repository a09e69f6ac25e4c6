import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { Resolver } from 'node:dns/promises';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../../lib/errors';
import { VIP_KEYS } from '../../lib/net/vip-keys';
import { VIP_ANNOTATION, VipAssignments } from '../../lib/net/vip-allocator';
import { RenderedCluster } from '../../lib/output/rendered';
import { clusterReport } from '../../lib/report/cluster-report';
import { COREDNS_IMAGE, DNS_PATHS, DNS_PORTS, dnsRecords, zoneFile, zoneFileName } from '../../lib/services/dns/dns-server';
import { wireguardClientTemplate } from '../../lib/services/wireguard/wireguard-server';
import { loadSpec } from '../../lib/services/registry';
import { defaultSpecText, fixtures } from '../helpers';
import { renderSpec } from '../helpers-render';

/*
 * The real CoreDNS (built from its Go module by .ci/run, or any `coredns` on PATH, or the
 * binary named by $COREDNS) serves the rendered Corefile and zone, and every name is asked
 * for over UDP. Without it the serving tests are skipped on a developer's machine and fail
 * in CI.
 */
const COREDNS = process.env.COREDNS ?? 'coredns';
const hasCoredns = spawnSync(COREDNS, ['-version']).status === 0;
const corednsTest = hasCoredns ? test : test.skip;
const corednsVersion = hasCoredns ? spawnSync(COREDNS, ['-version'], { encoding: 'utf8' }).stdout.split('\n')[0] : '';

const clusters: [string, string][] = [['cluster.yaml', defaultSpecText()], ...fixtures('valid')];

/** What the rendered outputs say must resolve, read from the objects, not from the DNS code. */
function expectedNames(cluster: RenderedCluster): Map<string, string> {
  const expected = new Map<string, string>();
  for (const { manifest: m, group } of cluster.objects) {
    if (group === 'dns' && m.kind !== 'Service') {
      continue;
    }
    if (m.kind === 'HTTPRoute') {
      for (const host of m.spec.hostnames) {
        expected.set(host, cluster.vips.get(VIP_KEYS.ingress));
      }
    }
    if (m.kind === 'Service' && m.spec.type === 'LoadBalancer') {
      expected.set(`${m.metadata.name}.${cluster.spec.domain}`, m.metadata.annotations[VIP_ANNOTATION]);
    }
  }
  return expected;
}

function dnsConfig(cluster: RenderedCluster): Record<string, string> {
  const cm = cluster.objects.find((o) => o.group === 'dns' && o.manifest.kind === 'ConfigMap');
  return cm!.manifest.data;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Starts CoreDNS with the rendered files, on local ports; resolves once it answers. */
async function serve(cluster: RenderedCluster): Promise<{ resolver: Resolver; stop: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'coredns-'));
  const data = dnsConfig(cluster);
  const [dnsPort, health, ready, metrics] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const corefile = data.Corefile.split(`${DNS_PATHS.config}/`).join(`${dir}/`)
    .split(`:${DNS_PORTS.dns} `).join(`:${dnsPort} `)
    .split(`:${DNS_PORTS.health} `).join(`127.0.0.1:${health} `)
    .split(`:${DNS_PORTS.ready}\n`).join(`127.0.0.1:${ready}\n`)
    .split(`:${DNS_PORTS.metrics}\n`).join(`127.0.0.1:${metrics}\n`);
  writeFileSync(join(dir, 'Corefile'), corefile);
  writeFileSync(join(dir, zoneFileName(cluster.spec)), data[zoneFileName(cluster.spec)]);
  const child: ChildProcess = spawn(COREDNS, ['-conf', join(dir, 'Corefile')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const stop = (): void => {
    child.kill();
    rmSync(dir, { recursive: true, force: true });
  };
  for (let i = 0; i < 100; i++) {
    try {
      const r = await fetch(`http://127.0.0.1:${ready}/ready`);
      if (r.ok) {
        const resolver = new Resolver({ timeout: 2000, tries: 1 });
        resolver.setServers([`127.0.0.1:${dnsPort}`]);
        return { resolver, stop };
      }
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null) {
      break;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  stop();
  throw new Error(`CoreDNS did not become ready:\n${output}`);
}

describe('the cluster DNS server', () => {
  if (process.env.CI === 'true' && !hasCoredns) {
    test('CoreDNS is installed in CI', () => {
      expect(`${COREDNS} on PATH`).toBe('installed by .ci/run');
    });
  }

  corednsTest('GIVEN the CoreDNS the tests run THEN it is the version of the image the cluster runs', () => {
    expect(corednsVersion).toBe(`CoreDNS-${COREDNS_IMAGE.split(':')[1]}`);
  });

  describe.each(clusters)('%s', (_name, text) => {
    const cluster = renderSpec(text);
    const expected = expectedNames(cluster);

    corednsTest('GIVEN the rendered Corefile and zone WHEN CoreDNS serves them THEN every app and LoadBalancer name resolves to its VIP', async () => {
      // The cluster has something to resolve: every fixture has a LoadBalancer, the shipped one an app too.
      expect(expected.size).toBeGreaterThan(0);
      const { resolver, stop } = await serve(cluster);
      try {
        for (const [name, address] of expected) {
          await expect(resolver.resolve4(name)).resolves.toEqual([address]);
        }
        for (const node of cluster.spec.nodes) {
          await expect(resolver.resolve4(`${node.name}.${cluster.spec.domain}`)).resolves.toEqual([node.ip]);
        }
        await expect(resolver.resolve4(`no-such-app.${cluster.spec.domain}`)).rejects.toMatchObject({ code: 'ENOTFOUND' });
        const soa = await resolver.resolveSoa(cluster.spec.domain);
        expect(soa.nsname).toBe(`dns.${cluster.spec.domain}`);
      } finally {
        stop();
      }
    });

    test('GIVEN the rendered zone THEN it holds exactly the apps, LoadBalancers, nodes and the server itself', () => {
      const zone = dnsConfig(cluster)[zoneFileName(cluster.spec)];
      const records = zone
        .split('\n')
        .filter((l) => / IN A /.test(l))
        .map((l) => l.split(/\s+/))
        .map(([label, , , address]) => [`${label}.${cluster.spec.domain}`, address]);
      const want = new Map(expected);
      cluster.spec.nodes.forEach((n) => want.set(`${n.name}.${cluster.spec.domain}`, n.ip));
      const wg = cluster.spec.services.wireguard;
      if (wg.enabled && wg.endpoint?.endsWith(`.${cluster.spec.domain}`)) {
        want.set(wg.endpoint, cluster.vips.get(VIP_KEYS.wireguard));
      }
      expect(new Map(records as [string, string][])).toEqual(want);
    });
  });

  test('GIVEN the shipped cluster THEN Grafana resolves to the ingress VIP and the VPN, game and syslog names to their own', () => {
    const cluster = renderSpec(defaultSpecText());
    const records = new Map(dnsRecords(cluster.spec, cluster.vips, cluster.objects.map((o) => o.manifest)).map((r) => [r.name, r.address]));
    expect(records.get('grafana.home.example.net')).toBe(cluster.vips.get(VIP_KEYS.ingress));
    expect(records.get('wireguard.home.example.net')).toBe(cluster.vips.get(VIP_KEYS.wireguard));
    expect(records.get('vpn.home.example.net')).toBe(cluster.vips.get(VIP_KEYS.wireguard));
    expect(records.get('minecraft.home.example.net')).toBe(cluster.vips.get(VIP_KEYS.game('minecraft')));
    expect(records.get('syslog.home.example.net')).toBe(cluster.vips.get(VIP_KEYS.syslog));
    expect(records.get('dns.home.example.net')).toBe(cluster.vips.get(VIP_KEYS.dns));
  });

  test('fails when two sources want one name for different addresses', () => {
    const spec = loadSpec(defaultSpecText(), 'cluster.yaml');
    const vips = new VipAssignments(new Map([[VIP_KEYS.dns, '192.168.10.206'], [VIP_KEYS.wireguard, '192.168.10.233']]));
    const service = {
      kind: 'Service',
      metadata: { name: 'atlas', namespace: 'games', annotations: { [VIP_ANNOTATION]: '192.168.10.220' } },
      spec: { type: 'LoadBalancer' },
    };
    expect(() => dnsRecords(spec, vips, [service])).toThrow(UserError);
    expect(() => dnsRecords(spec, vips, [service])).toThrow(
      'The DNS zone of home.example.net has 1 conflicting name:\n' +
        '  - atlas.home.example.net: node atlas wants 192.168.10.10 and Service/games/atlas wants 192.168.10.220; ' +
        'a name in the cluster zone points at one address: rename one of them',
    );
  });

  test('GIVEN one more record WHEN the zone is rendered THEN its SOA serial changes (CoreDNS reloads on a different serial)', () => {
    const spec = loadSpec(defaultSpecText(), 'cluster.yaml');
    const serial = (zone: string): string => zone.split('\n')[2].split(' ')[5];
    const one = [{ name: 'a.home.example.net', address: '192.168.10.200', source: 'x' }];
    const two = [...one, { name: 'b.home.example.net', address: '192.168.10.201', source: 'y' }];
    expect(serial(zoneFile(spec, one))).not.toBe(serial(zoneFile(spec, two)));
    expect(zoneFile(spec, one)).toBe(zoneFile(spec, one));
  });

  test('GIVEN the shipped cluster THEN WireGuard peers use the cluster DNS server', () => {
    const cluster = renderSpec(defaultSpecText());
    expect(wireguardClientTemplate(cluster.spec, cluster.vips, 'laptop')).toContain(`\nDNS = ${cluster.vips.get(VIP_KEYS.dns)}\n`);
  });

  test('GIVEN allowedNetworks that do not reach the DNS VIP THEN peers keep the LAN DNS', () => {
    const text = defaultSpecText().replace('    tunnelCidr: 10.8.0.0/24\n', '    tunnelCidr: 10.8.0.0/24\n    allowedNetworks: [10.43.0.0/16]\n');
    const cluster = renderSpec(text);
    expect(wireguardClientTemplate(cluster.spec, cluster.vips, 'laptop')).toContain('\nDNS = 192.168.10.1\n');
  });

  test('GIVEN the x86 node fails THEN the failure table shows DNS back within the ingress failover time', () => {
    const cluster = renderSpec(defaultSpecText());
    expect(clusterReport(cluster)).toContain('| Deployment/dns/coredns | recovers in 8 s | survives | survives | survives | survives |');
  });
});
