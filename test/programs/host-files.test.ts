import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { alertmanagerConfig } from '../../lib/observability/alertmanager-config';
import { OBSERVABILITY_IMAGES } from '../../lib/observability/constants';
import { RenderedCluster } from '../../lib/output/rendered';
import { wireguardClientTemplate } from '../../lib/services/wireguard/wireguard-server';
import { synthesize } from '../../lib/synth';
import { defaultSpecText, fixtures } from '../helpers';
import { inMountNamespace, requireProgram, run } from './helpers';

const specs: [string, string][] = [['cluster.yaml', defaultSpecText()], ...fixtures('valid')];

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'programs-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const rendered = async (text: string): Promise<RenderedCluster> => (await synthesize(text, 'spec.yaml')).cluster;

/** The sanoid.conf the zfs role copies. */
function sanoidConf(cluster: RenderedCluster): string {
  const tasks = parse(cluster.files.get('host-provisioning/ansible/roles/zfs/tasks/main.yml')!) as { name: string; 'ansible.builtin.copy'?: { content: string; dest: string } }[];
  return tasks.find((t) => t['ansible.builtin.copy']?.dest === '/etc/sanoid/sanoid.conf')!['ansible.builtin.copy']!.content;
}

/**
 * sanoid (Debian's) on a configuration, with a stand-in `zfs` that has no snapshots yet:
 * `--take-snapshots --readonly` prints the snapshots it would take, per dataset and period.
 */
function sanoid(conf: string): { status: number | null; taken: string[]; stderr: string } {
  mkdirSync(join(dir, 'bin'), { recursive: true });
  writeFileSync(join(dir, 'bin', 'zfs'), '#!/bin/sh\nexit 0\n');
  chmodSync(join(dir, 'bin', 'zfs'), 0o755);
  mkdirSync(join(dir, 'conf'), { recursive: true });
  writeFileSync(join(dir, 'conf', 'sanoid.conf'), conf);
  const r = run('sanoid', [`--configdir=${join(dir, 'conf')}`, `--cache-dir=${join(dir, 'cache')}`, `--run-dir=${join(dir, 'run')}`, '--readonly', '--verbose', '--take-snapshots'], {
    env: { PATH: `${join(dir, 'bin')}:${process.env.PATH}` },
  });
  const taken = [...r.stdout.matchAll(/^taking snapshot (\S+)@autosnap_\S+_(\w+)$/gm)].map((m) => `${m[1]} ${m[2]}`).sort();
  return { status: r.status, taken, stderr: r.stderr };
}

describe('sanoid reads the rendered sanoid.conf (real sanoid, stand-in zfs)', () => {
  beforeAll(() => requireProgram('sanoid', 'sanoid'));

  test.each(specs)('%s: every dataset gets the snapshots of its template (backed up: hourly, daily, monthly; local: hourly, daily)', async (_name, text) => {
    const cluster = await rendered(text);
    const r = sanoid(sanoidConf(cluster));
    const expected = cluster.spec.storage.datasets
      .flatMap((d) => (d.backup ? ['daily', 'hourly', 'monthly'] : ['daily', 'hourly']).map((p) => `${d.pool}/${d.name} ${p}`))
      .sort();
    expect([r.status, r.taken]).toEqual([0, expected]);
  });

  test('catches a setting sanoid does not know: it refuses the file', async () => {
    const r = sanoid(sanoidConf(await rendered(defaultSpecText())).replace('hourly = 24', 'hourlies = 24'));
    expect([r.status === 0, r.stderr.split('\n')[0]]).toEqual([false, `FATAL ERROR: I don't understand the setting hourlies you've set in [template_backed_up] in ${join(dir, 'conf', 'sanoid.conf')}.`]);
  });

  test('catches a template name that does not exist: sanoid silently takes its defaults (monthly snapshots of a local dataset)', async () => {
    const r = sanoid(sanoidConf(await rendered(defaultSpecText())).replace('[tank/media]\n  use_template = local', '[tank/media]\n  use_template = locale'));
    expect(r.taken.filter((t) => t.startsWith('tank/media '))).toEqual(['tank/media daily', 'tank/media hourly', 'tank/media monthly']);
  });
});

/**
 * exportfs (Debian's nfs-kernel-server) reads the exports in a private mount namespace, with
 * /etc/exports, /etc/exports.d and /var/lib/nfs replaced by the test's folders. The datasets'
 * folders do not exist here ("Failed to stat"); everything else exportfs says is a finding.
 */
function exportfs(exports: string): { messages: string[]; exported: string[] } {
  mkdirSync(join(dir, 'exports.d'));
  mkdirSync(join(dir, 'nfs'));
  writeFileSync(join(dir, 'exports'), '');
  writeFileSync(join(dir, 'exports.d', 'homelab.exports'), exports);
  const r = inMountNamespace(
    [
      `mount --bind ${join(dir, 'exports')} /etc/exports`,
      `mkdir -p /etc/exports.d && mount --bind ${join(dir, 'exports.d')} /etc/exports.d`,
      `mount --bind ${join(dir, 'nfs')} /var/lib/nfs`,
      'exportfs -ra || true',
      'exportfs -v',
    ].join('\n'),
  );
  return {
    messages: r.stderr.split('\n').filter((l) => l && !/Failed to stat .*: No such file or directory/.test(l)),
    // exportfs -v puts the clients of a long path on the next line.
    exported: r.stdout.replace(/\n(?!\/)/g, ' ').split('\n').filter(Boolean).map((l) => l.replace(/\s+/g, ' ').trim()),
  };
}

describe('exportfs reads the NFS exports (real exportfs)', () => {
  beforeAll(() => requireProgram('exportfs', 'nfs-kernel-server'));

  test.each(specs)('%s: every dataset is exported read-write to every node, and exportfs has nothing to say', async (_name, text) => {
    const cluster = await rendered(text);
    const r = exportfs(cluster.files.get('host-provisioning/ansible/roles/storage/files/homelab.exports')!);
    const nfs = cluster.spec.storage.datasets.filter((d) => d.nfs);
    expect(r.messages).toEqual([]);
    expect(r.exported).toEqual(
      nfs.flatMap((d) => cluster.spec.nodes.map((n) => `/${d.pool}/${d.name} ${n.ip}(sync,wdelay,hide,no_subtree_check,sec=sys,rw,no_root_squash,no_all_squash)`)),
    );
  });

  test('catches an option exportfs does not know', async () => {
    const exports = (await rendered(defaultSpecText())).files.get('host-provisioning/ansible/roles/storage/files/homelab.exports')!;
    const r = exportfs(exports.replace('no_root_squash', 'no_root_sqash'));
    expect(r.messages[0]).toBe('exportfs: /etc/exports.d/homelab.exports:1: unknown keyword "no_root_sqash"');
  });
});

/** systemd-analyze verify on a unit, with /usr/local/bin holding a stand-in k3s (private mount namespace). */
function verifyUnit(name: string, unit: string): string {
  writeFileSync(join(dir, name), unit);
  const r = inMountNamespace(`mount -t tmpfs tmpfs /usr/local/bin && printf '#!/bin/sh\\n' > /usr/local/bin/k3s && chmod 0755 /usr/local/bin/k3s && systemd-analyze verify --man=no ${join(dir, name)}`);
  return `${r.status} ${r.stdout}${r.stderr}`.trim();
}

describe('systemd-analyze verify reads the k3s units (real systemd)', () => {
  beforeAll(() => requireProgram('systemd-analyze', 'systemd'));

  test.each(['k3s-server.service', 'k3s-agent.service'])('%s verifies without a word', async (file) => {
    const unit = (await rendered(defaultSpecText())).files.get(`host-provisioning/ansible/roles/k3s/files/${file}`)!;
    expect(verifyUnit(file.replace('k3s-server', 'k3s'), unit)).toBe('0');
  });

  test('catches a misspelt directive', async () => {
    const unit = (await rendered(defaultSpecText())).files.get('host-provisioning/ansible/roles/k3s/files/k3s-server.service')!;
    expect(verifyUnit('k3s.service', unit.replace('KillMode=process', 'KilMode=process'))).toContain("Unknown key 'KilMode' in section [Service], ignoring.");
  });
});

/** The keys wg(8) reads (wg-quick passes every key it does not handle itself through to wg). */
const WG_KEYS = new Set(['PrivateKey', 'ListenPort', 'FwMark', 'PublicKey', 'PresharedKey', 'AllowedIPs', 'Endpoint', 'PersistentKeepalive']);

/** `wg-quick strip` of a config: what wg-quick hands to wg; every key left must be one wg reads. */
function strip(config: string): { status: number | null; unknown: string[]; stripped: string } {
  mkdirSync(join(dir, 'wg'), { recursive: true });
  writeFileSync(join(dir, 'wg', 'wg0.conf'), config);
  const r = run('wg-quick', ['strip', join(dir, 'wg', 'wg0.conf')]);
  const keys = r.stdout.split('\n').map((l) => /^(\w+)\s*=/.exec(l)?.[1]).filter((k): k is string => !!k);
  return { status: r.status, unknown: keys.filter((k) => !WG_KEYS.has(k)), stripped: r.stdout };
}

describe('wg-quick reads the WireGuard configurations (real wireguard-tools)', () => {
  beforeAll(() => requireProgram('wg-quick', 'wireguard-tools'));
  const serverConfig = async (): Promise<string> => {
    const cm = (await rendered(defaultSpecText())).objects.find((o) => o.manifest.kind === 'ConfigMap' && o.manifest.metadata.name === 'wireguard')!;
    return cm.manifest.data['wg0.conf'];
  };

  test('the server configuration strips to what wg reads: the listen port and one peer per spec peer', async () => {
    const r = strip(await serverConfig());
    expect([r.status, r.unknown, (r.stripped.match(/^\[Peer\]$/gm) ?? []).length]).toEqual([0, [], 2]);
    expect(r.stripped).toContain('ListenPort = 51820');
  });

  test('every client template strips to what wg reads', async () => {
    const cluster = await rendered(defaultSpecText());
    const templates = cluster.spec.services.wireguard.peers.map((p) => wireguardClientTemplate(cluster.spec, cluster.vips, p.name));
    expect(templates.length).toBe(2);
    for (const t of templates) expect(strip(t).unknown).toEqual([]);
  });

  test('catches a key neither wg-quick nor wg knows', async () => {
    expect(strip((await serverConfig()).replace('ListenPort =', 'ListenPrt =')).unknown).toEqual(['ListenPrt']);
  });
});

describe(`amtool check-config reads alertmanager.yml (amtool of the pinned ${OBSERVABILITY_IMAGES.alertmanager})`, () => {
  /** .ci/run builds amtool at the pinned version: Debian's is older and does not read url_file. */
  const amtool = process.env.HOMELAB_AMTOOL ?? 'amtool';
  const check = (config: unknown): string => {
    writeFileSync(join(dir, 'alertmanager.yml'), stringify(config));
    const r = run(amtool, ['check-config', join(dir, 'alertmanager.yml')]);
    return `${r.status} ${r.stdout}${r.stderr}`;
  };

  test('the amtool in use is built from the pinned Alertmanager module', () => {
    const path = run('sh', ['-c', `command -v ${amtool}`]).stdout.trim();
    const info = run('go', ['version', '-m', path]).stdout;
    expect(info).toMatch(new RegExp(`\\bmod\\s+github\\.com/prometheus/alertmanager\\s+v${OBSERVABILITY_IMAGES.alertmanager.split(':v')[1].replace(/\./g, '\\.')}\\s`));
  });

  test('the configuration is valid', () => {
    expect(check(alertmanagerConfig())).toMatch(/^0 .*SUCCESS/s);
  });

  test('catches a receiver the route does not define', () => {
    expect(check({ ...alertmanagerConfig(), route: { ...alertmanagerConfig().route, receiver: 'pager' } })).toContain('undefined receiver "pager" used in route');
  });
});
