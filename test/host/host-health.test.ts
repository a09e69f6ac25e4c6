import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { SMARTCTL_WRAPPER } from '../../lib/host/disk-health-role';
import { RUNBOOK_GROUPS } from '../../lib/observability/runbooks';
import { smartctlScrapeJob } from '../../lib/observability/storage-health';
import { loadSpec } from '../../lib/services/registry';
import { SMARTCTL_EXPORTER, smartctlExporterLabel } from '../../lib/storage/disks';
import { defaultSpecText, fixtures } from '../helpers';
import type { Yaml } from '../../lib/yaml/yaml';
import { synthesized } from '../helpers-render';

/*
 * The storage node's self-care: the BMC watchdog, SMART, scrub and snapshot health, and the
 * runbooks. The real tools check what they can here: systemd-analyze verifies the units,
 * smartd parses its configuration, bash runs the metrics script against stand-in zpool/zfs
 * commands and promtool checks its output.
 */
const CI = process.env.CI === 'true';
const has = (cmd: string, arg = '--version'): boolean => spawnSync(cmd, [arg]).status === 0;
const hasSystemdAnalyze = has('systemd-analyze');
const hasSmartd = spawnSync('smartd', ['-V']).status === 0;
const hasPromtool = has('promtool');

async function files(text: string, name: string): Promise<Map<string, string>> {
  const { cluster } = await synthesized(text, name);
  return new Map(cluster.files.entries());
}
const shipped = (): Promise<Map<string, string>> => files(defaultSpecText(), 'cluster.yaml');
const role = (r: string, f: string): string => `host-provisioning/ansible/roles/${r}/${f}`;

describe('BMC watchdog', () => {
  test('the shipped cluster arms it on atlas: inventory group, play, systemd drop-in and panic sysctls', async () => {
    const out = await shipped();
    const inventory = parse(out.get('host-provisioning/ansible/inventory.yml')!);
    expect(inventory.all.children.watchdog).toEqual({ hosts: { atlas: null } });
    const site = parse(out.get('host-provisioning/ansible/site.yml')!);
    expect(site.at(-1)).toEqual({ name: 'Nodes the BMC watchdog resets', hosts: 'watchdog', become: true, roles: ['watchdog'] });
    expect(out.get(role('watchdog', 'files/watchdog-atlas.conf'))!.split('\n').filter((l) => !l.startsWith('#') && l !== '')).toEqual([
      '[Manager]',
      'RuntimeWatchdogSec=60s',
      'RebootWatchdogSec=600s',
      'WatchdogDevice=/dev/watchdog',
    ]);
    const tasks = parse(out.get(role('watchdog', 'tasks/main.yml'))!);
    const content = (dest: string): string => tasks.find((t: Yaml) => t['ansible.builtin.copy']?.dest === dest)['ansible.builtin.copy'].content;
    expect(content('/etc/sysctl.d/60-homelab-panic.conf')).toContain('\nkernel.hardlockup_panic = 1\n');
    // A panic or an oops reboots after 10 s: the kubelet's kernel settings, on every node.
    const base = parse(out.get('host-provisioning/ansible/roles/base/tasks/main.yml')!);
    const kubelet = base.find((t: Yaml) => t['ansible.builtin.copy']?.dest === '/etc/sysctl.d/90-kubelet.conf')['ansible.builtin.copy'].content;
    expect(kubelet).toContain('kernel.panic = 10\n');
    expect(kubelet).toContain('kernel.panic_on_oops = 1\n');
    expect(content('/etc/modprobe.d/homelab-watchdog.conf')).toContain('blacklist sp5100_tco\nblacklist iTCO_wdt\n');
    expect(content('/etc/modules-load.d/homelab-watchdog.conf')).toBe('ipmi_watchdog\n');
    expect(out.get('host-provisioning/ansible/site.yml')).toContain('# Hardware watchdog: atlas is reset by its BMC after 60 s without a ping from systemd.\n');
  });

  test('the timeout comes from the spec', async () => {
    const text = defaultSpecText().replace('      address: 192.168.10.9\n', '      address: 192.168.10.9\n      watchdog: { timeoutSeconds: 120, rebootTimeoutSeconds: 900 }\n');
    const out = await files(text, 'cluster.yaml');
    expect(out.get(role('watchdog', 'files/watchdog-atlas.conf'))).toContain('RuntimeWatchdogSec=120s\nRebootWatchdogSec=900s\n');
  });

  test('fails when the timeout is outside what the BMC and systemd sensibly take', () => {
    const text = defaultSpecText().replace('      address: 192.168.10.9\n', '      address: 192.168.10.9\n      watchdog: { timeoutSeconds: 5 }\n');
    expect(() => loadSpec(text, 'cluster.yaml')).toThrow('nodes[0].ipmi.watchdog.timeoutSeconds');
  });

  test('a cluster without IPMI renders no watchdog and says why in site.yml', async () => {
    const out = await files(fixtures('valid').find(([n]) => n === 'minimal.yaml')![1], 'minimal.yaml');
    expect([...out.keys()].filter((p) => p.includes('roles/watchdog/'))).toEqual([]);
    expect(parse(out.get('host-provisioning/ansible/inventory.yml')!).all.children.watchdog).toEqual({ hosts: {} });
    expect(parse(out.get('host-provisioning/ansible/site.yml')!).map((p: { name: string }) => p.name)).not.toContain('Nodes the BMC watchdog resets');
    expect(out.get('host-provisioning/ansible/site.yml')).toContain(
      '# No hardware watchdog on big: no BMC: nodes[].ipmi is not set, so nothing outside the kernel can reset it when it hangs.\n',
    );
  });

  test('a watchdog switched off in the spec is not armed, and the reason is given', async () => {
    const text = defaultSpecText().replace('      address: 192.168.10.9\n', '      address: 192.168.10.9\n      watchdog: { enabled: false }\n');
    const out = await files(text, 'cluster.yaml');
    expect(out.has(role('watchdog', 'tasks/main.yml'))).toBe(false);
    expect(out.get('host-provisioning/ansible/site.yml')).toContain('# No hardware watchdog on atlas: nodes[].ipmi.watchdog.enabled is false.\n');
  });

  test("every key of the systemd drop-in is one systemd-system.conf(5) of the installed systemd documents", async () => {
    const man = '/usr/share/man/man5/systemd-system.conf.5.gz';
    if (!existsSync(man)) {
      if (CI) throw new Error(`${man} is missing: the systemd package's manual is the reference for system.conf keys`);
      return;
    }
    const page = spawnSync('zcat', [man], { encoding: 'utf8' }).stdout;
    const documented = (key: string): boolean => page.includes(`\\fI${key}=`) || page.includes(`${key}=`);
    const keys = (conf: string): string[] => conf.split('\n').filter((l) => /^[A-Za-z]+=/.test(l)).map((l) => l.split('=')[0]);
    const conf = (await shipped()).get(role('watchdog', 'files/watchdog-atlas.conf'))!;
    expect(keys(conf).filter((k) => !documented(k))).toEqual([]);
    // The check can fail: a misspelt key is not in the manual.
    expect(keys('RuntimeWatchdogSecs=60s\n').filter((k) => !documented(k))).toEqual(['RuntimeWatchdogSecs']);
  });
});

describe('BMC watchdog state, read on the node', () => {
  /** Runs the generated script with a stand-in bmc-watchdog printing `state` (FreeIPMI's --get lines). */
  function runWatchdogMetrics(script: string, state: string): { status: number | null; prom: string; args: string } {
    const dir = mkdtempSync(join(tmpdir(), 'watchdog-metrics-'));
    try {
      mkdirSync(join(dir, 'bin'));
      mkdirSync(join(dir, 'textfile'));
      writeFileSync(join(dir, 'state.txt'), state);
      writeFileSync(join(dir, 'bin', 'bmc-watchdog'), `#!/bin/sh\necho "$@" > ${join(dir, 'args.txt')}\ncat ${join(dir, 'state.txt')}\n`);
      chmodSync(join(dir, 'bin', 'bmc-watchdog'), 0o755);
      writeFileSync(join(dir, 'script'), script.split('/var/lib/prometheus/node-exporter').join(join(dir, 'textfile')));
      const r = spawnSync('bash', [join(dir, 'script')], { encoding: 'utf8', env: { ...process.env, PATH: `${join(dir, 'bin')}:${process.env.PATH}` } });
      const prom = join(dir, 'textfile', 'homelab_watchdog.prom');
      return { status: r.status, prom: existsSync(prom) ? readFileSync(prom, 'utf8') : '', args: readFileSync(join(dir, 'args.txt'), 'utf8').trim() };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const STATE = (timer: string, action: string): string =>
    `Timer Use:                   SMS/OS\nTimer:                       ${timer}\nLogging:                     Enabled\nTimeout Action:              ${action}\nPre-Timeout Interrupt:       None\nPre-Timeout Interval:        0 seconds\nInitial Countdown:           60 seconds\nCurrent Countdown:           42 seconds\n`;
  const samples = (prom: string): string[] => prom.split('\n').filter((l) => l && !l.startsWith('#'));

  test('a running timer that hard-resets, through the kernel driver, as metrics promtool accepts', async () => {
    const script = (await shipped()).get(role('watchdog', 'files/homelab-watchdog-metrics'))!;
    const r = runWatchdogMetrics(script, STATE('Running', 'Hard Reset'));
    expect([r.status, r.args]).toEqual([0, '-D OPENIPMI --get']);
    expect(samples(r.prom)).toEqual([
      'homelab_bmc_watchdog_running 1',
      'homelab_bmc_watchdog_initial_countdown_seconds 60',
      'homelab_bmc_watchdog_timeout_action{action="Hard Reset"} 1',
    ]);
    if (hasPromtool) {
      const lint = spawnSync('promtool', ['check', 'metrics'], { input: r.prom, encoding: 'utf8' });
      expect([lint.status, `${lint.stdout}${lint.stderr}`]).toEqual([0, '']);
    }
  });

  test('a stopped timer reads as not running', async () => {
    const script = (await shipped()).get(role('watchdog', 'files/homelab-watchdog-metrics'))!;
    expect(samples(runWatchdogMetrics(script, STATE('Stopped', 'None')).prom)).toEqual([
      'homelab_bmc_watchdog_running 0',
      'homelab_bmc_watchdog_initial_countdown_seconds 60',
      'homelab_bmc_watchdog_timeout_action{action="None"} 1',
    ]);
  });
});

describe('disk health', () => {
  test('smartd, the exporter and the scrape job cover every disk of every pool and the NVMe drives, by their by-id paths', async () => {
    const out = await shipped();
    const spec = loadSpec(defaultSpecText(), 'cluster.yaml');
    const all = [...spec.storage.pools[0].disks, ...spec.storage.pools[0].nvme!.devices];
    const smartd = out.get(role('disk-health', 'files/smartd.conf'))!.split('\n').filter((l) => l.startsWith('/dev/'));
    expect(smartd.map((l) => l.split(' ')[0])).toEqual(all);
    expect(smartd[0]).toBe(`${all[0]} -a -o on -S on -n standby,q -s (S/../.././02|L/../../6/03) -W 4,45,55`);
    expect(smartd[4]).toBe(`${all[4]} -d nvme -a -W 4,65,75`);
    const unit = out.get(role('disk-health', 'files/smartctl-exporter.service'))!;
    expect([...unit.matchAll(/--smartctl\.device=(\S+)/g)].map((m) => m[1])).toEqual(all);
    expect(unit).toContain('--web.listen-address=192.168.10.10:9633');
    const job = smartctlScrapeJob(spec);
    expect(job.static_configs).toEqual([{ targets: ['192.168.10.10:9633'], labels: { node: 'atlas' } }]);
    expect(job.metric_relabel_configs.slice(0, 3)).toEqual([
      { source_labels: ['device'], regex: 'ata-WDC_WD120EFBX-68B0EN0_D7H0AAAA', target_label: 'disk', replacement: all[0] },
      { source_labels: ['device'], regex: 'ata-WDC_WD120EFBX-68B0EN0_D7H0AAAA', target_label: 'pool', replacement: 'tank' },
      { source_labels: ['device'], regex: 'ata-WDC_WD120EFBX-68B0EN0_D7H0AAAA', target_label: 'role', replacement: 'data' },
    ]);
    expect(job.metric_relabel_configs.filter((r: { target_label: string }) => r.target_label === 'disk').map((r: { replacement: string }) => r.replacement)).toEqual(all);
  });

  test("the exporter's device label is the path without /dev/disk/by-id/ (smartctl_exporter 0.14.0 buildDeviceLabel)", () => {
    expect(
      ['/dev/disk/by-id/ata-WDC_X', '/dev/disk/by-path/pci-0000:01:00.0-ata-1', '/dev/disk/by-partuuid/1234', '/dev/sda'].map(smartctlExporterLabel),
    ).toEqual(['ata-WDC_X', 'pci-0000:01:00.0-ata-1', 'disk_by-partuuid_1234', 'sda']);
  });

  test('another cluster: the scrape job relabels its own disks, with regex characters escaped', async () => {
    const text = fixtures('valid').find(([n]) => n === 'four-nodes.yaml')![1];
    const spec = loadSpec(text, 'four-nodes.yaml');
    const job = smartctlScrapeJob(spec);
    const disks = spec.storage.pools.flatMap((p) => [...p.disks, ...(p.nvme?.devices ?? [])]);
    expect(job.metric_relabel_configs.filter((r: { target_label: string }) => r.target_label === 'disk').map((r: { replacement: string }) => r.replacement)).toEqual(disks);
    const dotted = smartctlScrapeJob(loadSpec(text.replace(disks[0], `${disks[0]}.v2`), 'four-nodes.yaml'));
    expect(dotted.metric_relabel_configs[0].regex).toBe(`${smartctlExporterLabel(disks[0])}\\.v2`);
  });

  test('the smartctl wrapper adds the self-test log for SATA disks only', () => {
    const dir = mkdtempSync(join(tmpdir(), 'smartctl-'));
    try {
      const fake = join(dir, 'smartctl');
      writeFileSync(fake, '#!/bin/sh\necho "$@"\n');
      chmodSync(fake, 0o755);
      const wrapper = join(dir, 'wrapper');
      writeFileSync(wrapper, SMARTCTL_WRAPPER.split('/usr/sbin/smartctl').join(fake));
      const run = (args: string[]): string => spawnSync('sh', [wrapper, ...args], { encoding: 'utf8' }).stdout.trim();
      expect([
        run(['--json', '--info', '--device=auto', '/dev/disk/by-id/ata-WDC_X']),
        run(['--json', '--info', '--device=auto', '/dev/disk/by-id/nvme-Samsung_Y']),
        run(['--json', '--scan']),
      ]).toEqual(['--log=selftest --json --info --device=auto /dev/disk/by-id/ata-WDC_X', '--json --info --device=auto /dev/disk/by-id/nvme-Samsung_Y', '--json --scan']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  (hasSmartd ? test : test.skip)('smartd parses the generated configuration, and rejects a broken directive', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'smartd-'));
    try {
      const conf = (await shipped()).get(role('disk-health', 'files/smartd.conf'))!;
      const check = (text: string): { status: number | null; output: string } => {
        writeFileSync(join(dir, 'smartd.conf'), text);
        // onecheck registers the devices after parsing; they do not exist here (exit 16/17), a parse error is exit 2.
        const r = spawnSync('smartd', ['-q', 'onecheck', '-c', join(dir, 'smartd.conf')], { encoding: 'utf8' });
        return { status: r.status, output: `${r.stdout}${r.stderr}` };
      };
      const good = check(conf);
      expect(good.output).toContain(`Configuration file ${join(dir, 'smartd.conf')} parsed.`);
      expect(good.output).not.toMatch(/warning|unknown Directive/i);
      const bad = check(conf.replace(' -W 4,45,55', ' -W 4,45,55 -x'));
      expect([bad.status, bad.output.includes('has fatal syntax errors')]).toEqual([2, true]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  if (CI && !hasSmartd) {
    test('smartd is installed in CI', () => {
      throw new Error('smartd is missing: .ci/run must install the Debian package smartmontools');
    });
  }

  (hasSystemdAnalyze ? test : test.skip)('systemd-analyze verify accepts the generated units, and catches a misspelt key', async () => {
    const out = await shipped();
    const dir = mkdtempSync(join(tmpdir(), 'units-'));
    try {
      // The units' programs live on the storage node; stand-ins at the same paths under dir.
      const programs = [`${SMARTCTL_EXPORTER.dir}/smartctl_exporter`, '/usr/local/sbin/homelab-zfs-metrics', '/usr/local/sbin/homelab-watchdog-metrics'];
      for (const p of programs) {
        mkdirSync(join(dir, p, '..'), { recursive: true });
        writeFileSync(join(dir, p), '#!/bin/sh\n');
        chmodSync(join(dir, p), 0o755);
      }
      const write = (name: string, content: string): string => {
        const path = join(dir, name);
        writeFileSync(path, programs.reduce((c, p) => c.split(p).join(join(dir, p)), content));
        return path;
      };
      const units = [
        ...['smartctl-exporter.service', 'homelab-zfs-metrics.service', 'homelab-zfs-metrics.timer'].map((u) => write(u, out.get(role('disk-health', `files/${u}`))!)),
        ...['homelab-watchdog-metrics.service', 'homelab-watchdog-metrics.timer'].map((u) => write(u, out.get(role('watchdog', `files/${u}`))!)),
      ];
      const verify = (paths: string[]): string => {
        const r = spawnSync('systemd-analyze', ['verify', '--man=no', ...paths], { encoding: 'utf8' });
        return `${r.status} ${r.stderr.split('\n').filter((l) => l && !l.includes('sysinit.target')).join('\n')}`.trim();
      };
      expect(verify(units)).toBe('0');
      const broken = write('broken.service', out.get(role('disk-health', 'files/smartctl-exporter.service'))!.replace('ProtectHome=yes', 'ProtectHomes=yes'));
      expect(verify([broken])).toContain("Unknown key 'ProtectHomes' in section [Service]");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  /** Runs the generated ZFS metrics script with stand-in zpool and zfs commands. */
  function runZfsMetrics(script: string, zpoolStatus: string, previous?: string): { status: number | null; prom: string; stderr: string } {
    const dir = mkdtempSync(join(tmpdir(), 'zfs-metrics-'));
    try {
      mkdirSync(join(dir, 'bin'));
      mkdirSync(join(dir, 'textfile'));
      writeFileSync(join(dir, 'zpool-status.txt'), zpoolStatus);
      writeFileSync(join(dir, 'bin', 'zpool'), `#!/bin/sh\n[ "$3" = tank ] || { echo "cannot open '$3': no such pool" >&2; exit 1; }\ncat ${join(dir, 'zpool-status.txt')}\n`);
      writeFileSync(
        join(dir, 'bin', 'zfs'),
        `#!/bin/sh\nfor last in "$@"; do :; done\nprintf '%s@autosnap_2026-12-01_08:00:01_hourly\\t1796112001\\n%s@manual\\t1796119999\\n' "$last" "$last"\n`,
      );
      chmodSync(join(dir, 'bin', 'zpool'), 0o755);
      chmodSync(join(dir, 'bin', 'zfs'), 0o755);
      const prom = join(dir, 'textfile', 'homelab_zfs.prom');
      if (previous) writeFileSync(prom, previous);
      writeFileSync(join(dir, 'script'), script.split('/var/lib/prometheus/node-exporter').join(join(dir, 'textfile')));
      const r = spawnSync('bash', [join(dir, 'script')], { encoding: 'utf8', env: { ...process.env, PATH: `${join(dir, 'bin')}:${process.env.PATH}`, TZ: 'UTC' } });
      return { status: r.status, prom: existsSync(prom) ? readFileSync(prom, 'utf8') : '', stderr: r.stderr };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const STATUS = (scan: string, errors = 'No known data errors'): string =>
    `  pool: tank\n state: ONLINE\n  scan: ${scan}\nconfig:\n\n\tNAME        STATE     READ WRITE CKSUM\n\ttank        ONLINE       0     0     0\n\nerrors: ${errors}\n`;
  const samples = (prom: string): string[] => prom.split('\n').filter((l) => l && !l.startsWith('#') && !l.startsWith('homelab_zfs_metrics_last_success'));

  test('the ZFS metrics script reads the last scrub, data errors and the newest sanoid snapshot of each dataset', async () => {
    const script = (await shipped()).get(role('disk-health', 'files/homelab-zfs-metrics'))!;
    const r = runZfsMetrics(script, STATUS('scrub repaired 1048576 in 1 days 10:02:03 with 2 errors on Sun Dec 14 00:24:02 2025', '1 data errors, use \'-v\' for a list'));
    expect([r.status, r.stderr]).toEqual([0, '']);
    expect(samples(r.prom)).toEqual([
      'homelab_zfs_scrub_last_end_timestamp_seconds{pool="tank"} 1765671842',
      'homelab_zfs_scrub_errors{pool="tank"} 2',
      'homelab_zfs_scrub_repaired_bytes{pool="tank"} 1048576',
      'homelab_zfs_scrub_running{pool="tank"} 0',
      'homelab_zfs_pool_data_errors{pool="tank"} 1',
      'homelab_zfs_snapshot_newest_timestamp_seconds{dataset="tank/media"} 1796112001',
      'homelab_zfs_snapshot_newest_timestamp_seconds{dataset="tank/games"} 1796112001',
      'homelab_zfs_snapshot_newest_timestamp_seconds{dataset="tank/apps"} 1796112001',
      'homelab_zfs_snapshot_newest_timestamp_seconds{dataset="tank/monitoring"} 1796112001',
    ]);
    expect(r.prom).toMatch(/\nhomelab_zfs_metrics_last_success_timestamp_seconds \d+\n$/);
    if (hasPromtool) {
      const lint = spawnSync('promtool', ['check', 'metrics'], { input: r.prom, encoding: 'utf8' });
      expect([lint.status, `${lint.stdout}${lint.stderr}`]).toEqual([0, '']);
    }
  });

  test('a resilver or a running scrub keeps the last completed scrub from the previous run', async () => {
    const script = (await shipped()).get(role('disk-health', 'files/homelab-zfs-metrics'))!;
    const previous = 'homelab_zfs_scrub_last_end_timestamp_seconds{pool="tank"} 1765671842\nhomelab_zfs_scrub_errors{pool="tank"} 0\nhomelab_zfs_scrub_repaired_bytes{pool="tank"} 4096\n';
    const r = runZfsMetrics(script, STATUS('scrub in progress since Sun Jan 11 00:24:01 2026'), previous);
    expect(samples(r.prom).slice(0, 5)).toEqual([
      'homelab_zfs_scrub_last_end_timestamp_seconds{pool="tank"} 1765671842',
      'homelab_zfs_scrub_errors{pool="tank"} 0',
      'homelab_zfs_scrub_repaired_bytes{pool="tank"} 4096',
      'homelab_zfs_scrub_running{pool="tank"} 1',
      'homelab_zfs_pool_data_errors{pool="tank"} 0',
    ]);
  });

  test('a pool it cannot read fails the run and leaves no success timestamp, so the metrics go stale', async () => {
    const script = (await shipped()).get(role('disk-health', 'files/homelab-zfs-metrics'))!.replace('pools=(tank)', 'pools=(tank gone)');
    const r = runZfsMetrics(script, STATUS('none requested'));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("zpool status gone failed: cannot open 'gone': no such pool");
    expect(r.prom).not.toContain('homelab_zfs_metrics_last_success_timestamp_seconds');
    expect(samples(r.prom).slice(0, 2)).toEqual(['homelab_zfs_scrub_running{pool="tank"} 0', 'homelab_zfs_pool_data_errors{pool="tank"} 0']);
  });
});

describe('runbooks', () => {
  test('every node and storage alert carries a runbook written for this cluster', async () => {
    const out = await shipped();
    const rulesFile = [...out.entries()].find(([p]) => p.endsWith('configmap-prometheus-rules.yaml'));
    const groups = parse(parse(rulesFile![1]).data['homelab.yml']).groups as { name: string; rules: { alert: string; annotations: { runbook?: string } }[] }[];
    const covered = groups.filter((g) => (RUNBOOK_GROUPS as readonly string[]).includes(g.name));
    expect(covered.map((g) => g.name).sort()).toEqual([...RUNBOOK_GROUPS].sort());
    const missing = covered.flatMap((g) => g.rules.filter((r) => !r.annotations.runbook).map((r) => r.alert));
    expect(missing).toEqual([]);
    const disk = covered.find((g) => g.name === 'disks')!.rules.find((r) => r.alert === 'DiskSmartFailing')!.annotations.runbook!;
    expect(disk).toContain('`zpool replace {{ $labels.pool }} {{ $labels.disk }} /dev/disk/by-id/<new>`');
    expect(disk).toContain('tank is raidz2 of 4 disks and survives 2 failed disks');
  });
});
