import { Construct } from 'constructs';
import { TEXTFILE_DIR } from '../conventions/node-paths';
import { storageNode } from '../spec/nodes';
import { ClusterSpec } from '../spec/schema';
import { DISK_TEMPERATURE_CELSIUS, poolDisks, SMARTCTL_EXPORTER } from '../storage/disks';
import { AnsibleRole, AnsibleTask } from './ansible-role';

/*
 * The storage node watches its own disks (docs/decisions/0083-disk-health.md): smartd runs
 * the self-tests and logs what it finds, smartctl_exporter serves every pool disk's SMART
 * data to Prometheus, and a timer writes scrub results and snapshot freshness for
 * node-exporter's textfile collector.
 */

/** Where the ZFS health metrics land (node-exporter reads *.prom there). */
export const ZFS_METRICS_FILE = `${TEXTFILE_DIR}/homelab_zfs.prom`;
/** Debian's zfsutils-linux scrubs every pool on the second Sunday of the month from this cron file. */
export const DEBIAN_SCRUB_CRON = '/etc/cron.d/zfsutils-linux';
export const DEBIAN_SCRUB_SCRIPT = '/usr/lib/zfs-linux/scrub';
/** How often the ZFS health metrics are refreshed. */
export const ZFS_METRICS_INTERVAL_MINUTES = 10;

const SMARTCTL_EXPORTER_RELEASE = `https://github.com/prometheus-community/smartctl_exporter/releases/download/v${SMARTCTL_EXPORTER.version}`;

/** /etc/smartd.conf: every disk the spec names, by its stable path, instead of Debian's DEVICESCAN. */
export function smartdConfig(spec: ClusterSpec): string {
  const t = DISK_TEMPERATURE_CELSIUS;
  const lines = [
    '# Generated from cluster.yaml storage.pools (docs/decisions/0083-disk-health.md); replaces DEVICESCAN.',
    '# Pool disks: health, attributes, error and self-test logs (-a), offline data collection and',
    '# attribute autosave (-o on -S on), sleeping disks left asleep (-n standby,q), a short self-test',
    '# every day at 02:00 and a long one on Saturdays at 03:00 (done before the monthly scrub on the',
    `# second Sunday), temperature logged on 4 °C changes, warned at ${t.data.warning} °C, critical at ${t.data.critical} °C.`,
    '# NVMe drives: health and error log (smartmontools 7.3 runs no NVMe self-tests).',
    '# smartd logs to the journal, which the log collector ships; the alerts come from smartctl_exporter.',
  ];
  for (const d of poolDisks(spec)) {
    lines.push(
      d.role === 'data'
        ? `${d.path} -a -o on -S on -n standby,q -s (S/../.././02|L/../../6/03) -W 4,${t.data.warning},${t.data.critical}`
        : `${d.path} -d nvme -a -W 4,${t.nvme.warning},${t.nvme.critical}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The smartctl that smartctl_exporter runs. Its v0.14.0 asks smartctl for --info --health
 * --attributes --log=error only (readjson.go), never the self-test log, so a failed
 * self-test would not show; this adds --log=selftest for SATA/SAS disks, and smartctl's exit
 * status then carries the self-test verdict (bit 7). NVMe self-test logs need smartmontools 7.4.
 */
export const SMARTCTL_WRAPPER = `#!/bin/sh
# Generated (docs/decisions/0083-disk-health.md): smartctl with the self-test log, for smartctl_exporter.
case " $* " in
  *" --scan"*|*nvme*) exec /usr/sbin/smartctl "$@" ;;
esac
exec /usr/sbin/smartctl --log=selftest "$@"
`;

/** The exporter's unit: every pool disk by its path, on the node's address only. */
export function smartctlExporterUnit(spec: ClusterSpec): string {
  const node = storageNode(spec);
  const args = [
    `--smartctl.path=${SMARTCTL_EXPORTER.smartctl}`,
    '--smartctl.interval=60s',
    `--web.listen-address=${node.ip}:${SMARTCTL_EXPORTER.port}`,
    ...poolDisks(spec).map((d) => `--smartctl.device=${d.path}`),
  ];
  return [
    '# Generated from cluster.yaml storage.pools (docs/decisions/0083-disk-health.md).',
    '[Unit]',
    `Description=SMART metrics of the pool disks (smartctl_exporter ${SMARTCTL_EXPORTER.version})`,
    'Documentation=https://github.com/prometheus-community/smartctl_exporter',
    'Wants=network-online.target',
    'After=network-online.target',
    '',
    '[Service]',
    `ExecStart=${SMARTCTL_EXPORTER.dir}/smartctl_exporter \\`,
    ...args.map((a, i) => `  ${a}${i < args.length - 1 ? ' \\' : ''}`),
    'Restart=on-failure',
    'RestartSec=10s',
    '# SMART needs ATA pass-through (CAP_SYS_RAWIO) and NVMe admin commands (CAP_SYS_ADMIN); nothing else.',
    'CapabilityBoundingSet=CAP_SYS_RAWIO CAP_SYS_ADMIN',
    'NoNewPrivileges=yes',
    'ProtectSystem=strict',
    'ProtectHome=yes',
    'PrivateTmp=yes',
    'ProtectKernelTunables=yes',
    'ProtectKernelModules=yes',
    'ProtectControlGroups=yes',
    'RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6',
    'RestrictNamespaces=yes',
    'LockPersonality=yes',
    'MemoryDenyWriteExecute=yes',
    'SystemCallArchitectures=native',
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');
}

/**
 * The ZFS health script: per pool the last scrub's end, repaired bytes and unrepaired errors (kept across a resilver,
 * which replaces the scrub line in `zpool status`), whether one is running, and data errors;
 * per dataset the newest sanoid snapshot. Written atomically; the run's timestamp last, only
 * when every pool could be read, so a broken run shows as stale metrics.
 */
export function zfsMetricsScript(spec: ClusterSpec): string {
  const pools = spec.storage.pools.map((p) => p.name);
  const datasets = spec.storage.datasets.map((d) => `${d.pool}/${d.name}`);
  return `#!/usr/bin/env bash
# Generated from cluster.yaml storage (docs/decisions/0083-disk-health.md): ZFS scrub results,
# data errors and sanoid snapshot freshness for node-exporter's textfile collector.
set -euo pipefail
shopt -s inherit_errexit
out=${ZFS_METRICS_FILE}
pools=(${pools.join(' ')})
datasets=(${datasets.join(' ')})
mkdir -p "$(dirname "$out")"
tmp="$(mktemp "$out.XXXXXX")"
trap 'rm -f "$tmp"' EXIT
failed=0

declare -A status=() scrub_end=() scrub_errors=() scrub_repaired=() snapshot=()
readable=()
for pool in "\${pools[@]}"; do
  if s="$(zpool status -p "$pool" 2>&1)"; then
    status[$pool]="$s"
    readable+=("$pool")
  else
    echo "homelab-zfs-metrics: zpool status $pool failed: $s" >&2
    failed=1
  fi
done

# The value of a sample in the previous run's file, if any.
previous() {
  if [ -f "$out" ]; then awk -v key="$1" '$1 == key { print $2 }' "$out"; fi
}

for pool in "\${readable[@]}"; do
  scan="$(printf '%s\\n' "\${status[$pool]}" | sed -n 's/^ *scan: //p')"
  case "$scan" in
    "scrub repaired "*" errors on "*)
      errors="\${scan##* with }"
      scrub_errors[$pool]="\${errors%% errors on *}"
      repaired="\${scan#scrub repaired }"
      scrub_repaired[$pool]="\${repaired%% in *}"
      scrub_end[$pool]="$(date -d "\${scan##* errors on }" +%s)"
      ;;
    *)
      # A resilver or a running scrub replaces the line: keep the last completed scrub's result.
      end="$(previous "homelab_zfs_scrub_last_end_timestamp_seconds{pool=\\"$pool\\"}")"
      if [ -n "$end" ]; then
        scrub_end[$pool]="$end"
        errors="$(previous "homelab_zfs_scrub_errors{pool=\\"$pool\\"}")"
        scrub_errors[$pool]="\${errors:-0}"
        repaired="$(previous "homelab_zfs_scrub_repaired_bytes{pool=\\"$pool\\"}")"
        scrub_repaired[$pool]="\${repaired:-0}"
      fi
      ;;
  esac
done

for dataset in "\${datasets[@]}"; do
  if list="$(zfs list -H -p -t snapshot -o name,creation -s creation -d 1 "$dataset" 2>&1)"; then
    newest="$(printf '%s\\n' "$list" | awk '$1 ~ /@autosnap_/ { t = $2 } END { if (t != "") print t }')"
    if [ -n "$newest" ]; then snapshot[$dataset]="$newest"; fi
  else
    echo "homelab-zfs-metrics: zfs list $dataset failed: $list" >&2
    failed=1
  fi
done

family() {
  echo "# HELP $1 $2"
  echo "# TYPE $1 gauge"
}

{
  family homelab_zfs_scrub_last_end_timestamp_seconds 'When the last completed scrub of the pool ended.'
  for pool in "\${readable[@]}"; do
    if [ -n "\${scrub_end[$pool]+x}" ]; then echo "homelab_zfs_scrub_last_end_timestamp_seconds{pool=\\"$pool\\"} \${scrub_end[$pool]}"; fi
  done
  family homelab_zfs_scrub_errors 'Errors the last completed scrub of the pool could not repair.'
  for pool in "\${readable[@]}"; do
    if [ -n "\${scrub_errors[$pool]+x}" ]; then echo "homelab_zfs_scrub_errors{pool=\\"$pool\\"} \${scrub_errors[$pool]}"; fi
  done
  family homelab_zfs_scrub_repaired_bytes 'Bytes the last completed scrub of the pool repaired from redundancy.'
  for pool in "\${readable[@]}"; do
    if [ -n "\${scrub_repaired[$pool]+x}" ]; then echo "homelab_zfs_scrub_repaired_bytes{pool=\\"$pool\\"} \${scrub_repaired[$pool]}"; fi
  done
  family homelab_zfs_scrub_running '1 while a scrub of the pool runs.'
  for pool in "\${readable[@]}"; do
    case "$(printf '%s\\n' "\${status[$pool]}" | sed -n 's/^ *scan: //p')" in
      "scrub in progress"*) running=1 ;;
      *) running=0 ;;
    esac
    echo "homelab_zfs_scrub_running{pool=\\"$pool\\"} $running"
  done
  family homelab_zfs_pool_data_errors '1 when zpool status reports data errors (files with unrecoverable blocks).'
  for pool in "\${readable[@]}"; do
    if printf '%s\\n' "\${status[$pool]}" | grep -q '^errors: No known data errors'; then data=0; else data=1; fi
    echo "homelab_zfs_pool_data_errors{pool=\\"$pool\\"} $data"
  done
  family homelab_zfs_snapshot_newest_timestamp_seconds 'Creation time of the newest sanoid snapshot of the dataset.'
  for dataset in "\${datasets[@]}"; do
    if [ -n "\${snapshot[$dataset]+x}" ]; then echo "homelab_zfs_snapshot_newest_timestamp_seconds{dataset=\\"$dataset\\"} \${snapshot[$dataset]}"; fi
  done
  if [ "$failed" = 0 ]; then
    family homelab_zfs_metrics_last_success_timestamp_seconds 'When this script last read every pool and dataset.'
    echo "homelab_zfs_metrics_last_success_timestamp_seconds $(date +%s)"
  fi
} >"$tmp"
chmod 0644 "$tmp"
mv "$tmp" "$out"
trap - EXIT
exit "$failed"
`;
}

const ZFS_METRICS_SERVICE = `# Generated (docs/decisions/0083-disk-health.md).
[Unit]
Description=ZFS scrub and snapshot health for node-exporter
After=zfs.target

[Service]
Type=oneshot
ExecStart=/usr/local/sbin/homelab-zfs-metrics
Nice=10
`;

const ZFS_METRICS_TIMER = `# Generated (docs/decisions/0083-disk-health.md).
[Unit]
Description=Refresh the ZFS health metrics every ${ZFS_METRICS_INTERVAL_MINUTES} minutes

[Timer]
OnBootSec=2min
OnUnitActiveSec=${ZFS_METRICS_INTERVAL_MINUTES}min

[Install]
WantedBy=timers.target
`;

/** The Ansible role `disk-health` for the storage node. */
export function diskHealthRole(scope: Construct, spec: ClusterSpec): AnsibleRole {
  const unit = (file: string, dest: string, handler: string): AnsibleTask => ({
    name: `Install ${dest}`,
    'ansible.builtin.copy': { src: file, dest, owner: 'root', group: 'root', mode: '0644' },
    notify: handler,
  });
  const tasks: AnsibleTask[] = [
    {
      name: 'Install smartmontools and cron',
      'ansible.builtin.apt': { name: ['smartmontools', 'cron'], state: 'present' },
    },
    {
      name: 'Watch every pool disk with smartd',
      'ansible.builtin.copy': { src: 'smartd.conf', dest: '/etc/smartd.conf', owner: 'root', group: 'root', mode: '0644' },
      notify: 'Restart smartd',
    },
    {
      name: 'Run smartd',
      'ansible.builtin.systemd_service': { name: 'smartmontools', enabled: true, state: 'started' },
      tags: ['service'],
    },
    {
      name: 'Create the smartctl_exporter folder',
      'ansible.builtin.file': { path: SMARTCTL_EXPORTER.dir, state: 'directory', owner: 'root', group: 'root', mode: '0755' },
    },
    {
      name: 'Download smartctl_exporter and verify it against the published checksums',
      'ansible.builtin.get_url': {
        url: `${SMARTCTL_EXPORTER_RELEASE}/smartctl_exporter-${SMARTCTL_EXPORTER.version}.linux-{{ k3s_arch }}.tar.gz`,
        checksum: `sha256:${SMARTCTL_EXPORTER_RELEASE}/sha256sums.txt`,
        dest: `${SMARTCTL_EXPORTER.dir}/smartctl_exporter.tar.gz`,
        owner: 'root',
        group: 'root',
        mode: '0644',
      },
      tags: ['download'],
    },
    {
      name: 'Unpack smartctl_exporter',
      'ansible.builtin.unarchive': {
        src: `${SMARTCTL_EXPORTER.dir}/smartctl_exporter.tar.gz`,
        dest: SMARTCTL_EXPORTER.dir,
        remote_src: true,
        extra_opts: ['--strip-components=1'],
        creates: `${SMARTCTL_EXPORTER.dir}/smartctl_exporter`,
      },
      notify: 'Restart smartctl_exporter',
      tags: ['download'],
    },
    {
      name: 'Install the smartctl wrapper that adds the self-test log',
      'ansible.builtin.copy': { src: 'homelab-smartctl', dest: SMARTCTL_EXPORTER.smartctl, owner: 'root', group: 'root', mode: '0755' },
      notify: 'Restart smartctl_exporter',
    },
    unit('smartctl-exporter.service', '/etc/systemd/system/smartctl-exporter.service', 'Restart smartctl_exporter'),
    {
      name: 'Run smartctl_exporter',
      'ansible.builtin.systemd_service': { name: 'smartctl-exporter', enabled: true, state: 'started', daemon_reload: true },
      tags: ['service'],
    },
    {
      name: "Check that Debian's monthly scrub of every pool is scheduled",
      'ansible.builtin.command': { cmd: `grep -q ${DEBIAN_SCRUB_SCRIPT} ${DEBIAN_SCRUB_CRON}` },
      changed_when: false,
      tags: ['zfs'],
    },
    {
      name: 'Install the ZFS health metrics script',
      'ansible.builtin.copy': { src: 'homelab-zfs-metrics', dest: '/usr/local/sbin/homelab-zfs-metrics', owner: 'root', group: 'root', mode: '0755' },
    },
    unit('homelab-zfs-metrics.service', '/etc/systemd/system/homelab-zfs-metrics.service', 'Reload systemd units'),
    unit('homelab-zfs-metrics.timer', '/etc/systemd/system/homelab-zfs-metrics.timer', 'Reload systemd units'),
    {
      name: 'Refresh the ZFS health metrics on a timer',
      'ansible.builtin.systemd_service': { name: 'homelab-zfs-metrics.timer', enabled: true, state: 'started', daemon_reload: true },
      tags: ['service'],
    },
  ];
  const whenServices = "'service' not in ansible_skip_tags";
  return new AnsibleRole(scope, 'DiskHealthRole', {
    name: 'disk-health',
    tasks,
    handlers: [
      { name: 'Restart smartd', 'ansible.builtin.systemd_service': { name: 'smartmontools', state: 'restarted' }, when: whenServices },
      {
        name: 'Restart smartctl_exporter',
        'ansible.builtin.systemd_service': { name: 'smartctl-exporter', state: 'restarted', daemon_reload: true },
        when: whenServices,
      },
      { name: 'Reload systemd units', 'ansible.builtin.systemd_service': { daemon_reload: true }, when: whenServices },
    ],
    files: {
      'smartd.conf': smartdConfig(spec),
      'homelab-smartctl': SMARTCTL_WRAPPER,
      'smartctl-exporter.service': smartctlExporterUnit(spec),
      'homelab-zfs-metrics': zfsMetricsScript(spec),
      'homelab-zfs-metrics.service': ZFS_METRICS_SERVICE,
      'homelab-zfs-metrics.timer': ZFS_METRICS_TIMER,
    },
  });
}
