import { watchdogPlan } from '../host/watchdog-role';
import { storageNode } from '../spec/nodes';
import { ClusterSpec } from '../spec/schema';
import { DISK_TEMPERATURE_CELSIUS, poolDisks, SMARTCTL_EXPORTER } from '../storage/disks';
import type { AlertRule, DashboardSpec, RuleGroup } from './monitoring';
import { SEL_EVENTS } from './ipmi-module';
import type { Yaml } from '../yaml/yaml';

/*
 * The storage node's own health as signals (docs/decisions/0083-disk-health.md): SMART of
 * every pool disk (smartctl_exporter on the host), scrub results and snapshot freshness
 * (textfile metrics from the host's timer), and the BMC watchdog (ipmi_exporter).
 */

/** Debian scrubs on the second Sunday of each month: at most 35 days apart, plus a scrub's run time. */
export const SCRUB_MAX_AGE_DAYS = 40;
/** sanoid takes hourly snapshots (every template in the zfs role); two missed ones are a problem. */
export const SNAPSHOT_MAX_AGE_HOURS = 3;

const rule = (alert: string, expr: string, forDuration: string | undefined, severity: 'warning' | 'critical', summary: string): AlertRule => ({
  alert,
  expr,
  ...(forDuration ? { for: forDuration } : {}),
  labels: { severity },
  annotations: { summary },
});

/** A regex that matches exactly `s` (Prometheus regexes are anchored, RE2 syntax). */
const exact = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The scrape job of the SMART exporter on the storage node. The exporter labels a disk by its
 * path without /dev/disk/by-id/; the relabelling adds the path as cluster.yaml writes it
 * (`disk`), its pool and its role, so every alert names the disk the way the spec does.
 */
export function smartctlScrapeJob(spec: ClusterSpec): Record<string, Yaml> {
  const node = storageNode(spec);
  return {
    job_name: 'smartctl',
    static_configs: [{ targets: [`${node.ip}:${SMARTCTL_EXPORTER.port}`], labels: { node: node.name } }],
    metric_relabel_configs: poolDisks(spec).flatMap((d) =>
      (
        [
          ['disk', d.path],
          ['pool', d.pool],
          ['role', d.role],
        ] as const
      ).map(([label, value]) => ({ source_labels: ['device'], regex: exact(d.exporterLabel), target_label: label, replacement: value })),
    ),
  };
}

/** The alert rules of disks, scrubs, snapshots and the watchdog. */
export function storageHealthRuleGroups(spec: ClusterSpec): RuleGroup[] {
  const t = DISK_TEMPERATURE_CELSIUS;
  const disks = poolDisks(spec);
  const groups: RuleGroup[] = [
    {
      name: 'disks',
      rules: [
        rule('SmartExporterDown', 'up{job="smartctl"} == 0', '10m', 'warning', 'The SMART exporter on {{ $labels.node }} does not answer: disk health is not watched.'),
        rule(
          'DiskNotReporting',
          // Not while the exporter itself is down: SmartExporterDown says that once.
          `(${disks.map((d) => `absent(smartctl_device_smart_status{disk="${d.path}"})`).join(' or ')}) unless on () (up{job="smartctl"} == 0)`,
          '30m',
          'critical',
          'Disk {{ $labels.disk }} from cluster.yaml reports no SMART data.',
        ),
        rule('DiskSmartFailing', 'smartctl_device_smart_status == 0', undefined, 'critical', 'Disk {{ $labels.disk }} ({{ $labels.pool }}) fails its SMART health check: it predicts its own failure.'),
        // smartctl's exit status bit 4: a pre-failure attribute is at or below its threshold now.
        rule(
          'DiskSmartAttributeFailing',
          'floor(smartctl_device_smartctl_exit_status / 16) % 2 == 1',
          undefined,
          'critical',
          'Disk {{ $labels.disk }} ({{ $labels.pool }}) has a pre-failure SMART attribute at or below its threshold.',
        ),
        rule(
          'DiskSectorsPending',
          'smartctl_device_attribute{attribute_name=~"Current_Pending_Sector|Offline_Uncorrectable", attribute_value_type="raw"} > 0',
          '1h',
          'warning',
          'Disk {{ $labels.disk }} ({{ $labels.pool }}) has {{ $value }} sectors it cannot read ({{ $labels.attribute_name }}).',
        ),
        rule(
          'DiskSectorsReallocated',
          'delta(smartctl_device_attribute{attribute_name="Reallocated_Sector_Ct", attribute_value_type="raw"}[1d]) > 0',
          undefined,
          'warning',
          'Disk {{ $labels.disk }} ({{ $labels.pool }}) reallocated more sectors in the last day.',
        ),
        // Bit 7: the self-test log has errors (ones outdated by a newer passed extended test are ignored).
        rule(
          'DiskSelfTestFailed',
          'floor(smartctl_device_smartctl_exit_status / 128) % 2 == 1',
          undefined,
          'critical',
          'A SMART self-test of disk {{ $labels.disk }} ({{ $labels.pool }}) failed.',
        ),
        rule(
          'DiskTemperatureHigh',
          `smartctl_device_temperature{temperature_type="current", role="data"} > ${t.data.warning} or smartctl_device_temperature{temperature_type="current", role="nvme"} > ${t.nvme.warning}`,
          '15m',
          'warning',
          'Disk {{ $labels.disk }} is at {{ $value }} °C.',
        ),
        rule(
          'DiskTemperatureCritical',
          `smartctl_device_temperature{temperature_type="current", role="data"} > ${t.data.critical} or smartctl_device_temperature{temperature_type="current", role="nvme"} > ${t.nvme.critical}`,
          '5m',
          'critical',
          'Disk {{ $labels.disk }} is at {{ $value }} °C, above what it is rated for.',
        ),
        rule('NvmeCriticalWarning', 'smartctl_device_critical_warning > 0', undefined, 'critical', 'NVMe drive {{ $labels.disk }} raises a critical warning (bits {{ $value }}).'),
        rule(
          'NvmeWearHigh',
          'smartctl_device_percentage_used > 90 or smartctl_device_available_spare < smartctl_device_available_spare_threshold',
          '1h',
          'warning',
          'NVMe drive {{ $labels.disk }} is near the end of its rated life.',
        ),
        rule('NvmeMediaErrors', 'increase(smartctl_device_media_errors[1d]) > 0', undefined, 'warning', 'NVMe drive {{ $labels.disk }} reported media errors in the last day.'),
      ],
    },
    {
      name: 'zfs-health',
      rules: [
        rule(
          'ZfsHealthMetricsStale',
          'time() - homelab_zfs_metrics_last_success_timestamp_seconds > 3600',
          '15m',
          'warning',
          'The ZFS health metrics of {{ $labels.node }} are over an hour old: scrubs and snapshots are not watched.',
        ),
        rule('ZfsScrubFoundErrors', 'homelab_zfs_scrub_errors > 0', undefined, 'critical', 'The last scrub of pool {{ $labels.pool }} found {{ $value }} errors it could not repair.'),
        // For a day after the scrub: the pool healed itself, a disk returned bad data.
        rule(
          'ZfsScrubRepaired',
          'homelab_zfs_scrub_repaired_bytes > 0 and on (node, pool) changes(homelab_zfs_scrub_last_end_timestamp_seconds[1d]) > 0',
          undefined,
          'warning',
          'The last scrub of pool {{ $labels.pool }} repaired {{ $value | humanize1024 }}B from redundancy.',
        ),
        rule('ZfsPoolDataErrors', 'homelab_zfs_pool_data_errors > 0', '5m', 'critical', 'Pool {{ $labels.pool }} has files with unrecoverable data errors.'),
        rule(
          'ZfsScrubOverdue',
          `(time() - homelab_zfs_scrub_last_end_timestamp_seconds) / 86400 > ${SCRUB_MAX_AGE_DAYS} and on (node, pool) homelab_zfs_scrub_running == 0`,
          '1h',
          'warning',
          `Pool {{ $labels.pool }} has not completed a scrub for over ${SCRUB_MAX_AGE_DAYS} days.`,
        ),
        rule(
          'ZfsScrubNeverCompleted',
          'homelab_zfs_scrub_running == 0 unless on (node, pool) homelab_zfs_scrub_last_end_timestamp_seconds',
          `${SCRUB_MAX_AGE_DAYS}d`,
          'warning',
          'Pool {{ $labels.pool }} has no completed scrub on record.',
        ),
        rule(
          'ZfsSnapshotsStale',
          `(time() - homelab_zfs_snapshot_newest_timestamp_seconds) / 3600 > ${SNAPSHOT_MAX_AGE_HOURS}`,
          '15m',
          'warning',
          `The newest snapshot of {{ $labels.dataset }} is over ${SNAPSHOT_MAX_AGE_HOURS} hours old: sanoid is not taking them.`,
        ),
        ...(spec.storage.datasets.length > 0
          ? [
              rule(
                'ZfsSnapshotsMissing',
                `(${spec.storage.datasets.map((d) => `absent(homelab_zfs_snapshot_newest_timestamp_seconds{dataset="${d.pool}/${d.name}"})`).join(' or ')}) unless on () (up{job="node", node="${storageNode(spec).name}"} == 0)`,
                '3h',
                'warning',
                'Dataset {{ $labels.dataset }} has no sanoid snapshot.',
              ),
            ]
          : []),
      ],
    },
  ];
  const armed = watchdogPlan(spec).armed;
  if (armed.length > 0) {
    // A regex inside a PromQL string: its backslashes are escaped once more.
    const bmcs = armed.map((w) => exact(w.node.ipmi!.address).replace(/\\/g, '\\\\')).join('|');
    const event = SEL_EVENTS.watchdogReset.name;
    const nodes = armed.map((w) => exact(w.node.name).replace(/\\/g, '\\\\')).join('|');
    groups.push({
      name: 'watchdog',
      rules: [
        rule(
          'BmcWatchdogReset',
          // Newer than any entry seen in the day before the last hour: it still fires when
          // Prometheus, on the node that was reset, was down for hours around it.
          `ipmi_sel_events_latest_timestamp{name="${event}", instance=~"${bmcs}"} > max_over_time(ipmi_sel_events_latest_timestamp{name="${event}", instance=~"${bmcs}"}[1d] offset 1h)`,
          undefined,
          'critical',
          'The BMC at {{ $labels.instance }} reset its node: the watchdog fired because the kernel or systemd hung.',
        ),
        // The node's own reading of the timer (watchdog-role.ts), by node name.
        rule(
          'BmcWatchdogNotRunning',
          `homelab_bmc_watchdog_running{node=~"${nodes}"} == 0 or homelab_bmc_watchdog_timeout_action{node=~"${nodes}", action!="Hard Reset"}`,
          '15m',
          'warning',
          'The BMC watchdog of {{ $labels.node }} is not armed to reset it: a hung kernel will stay hung.',
        ),
        rule(
          'BmcWatchdogStateMissing',
          `(${armed.map((w) => `absent(homelab_bmc_watchdog_running{node="${w.node.name}"})`).join(' or ')}) unless on (node) (up{job="node"} == 0)`,
          '30m',
          'warning',
          'Node {{ $labels.node }} does not report its BMC watchdog timer.',
        ),
        rule(
          'BmcWatchdogNotWatched',
          `(${armed.map((w) => `absent(ipmi_sel_events_latest_timestamp{name="${event}", instance="${w.node.ipmi!.address}"})`).join(' or ')}) unless on (instance) (up{job="ipmi"} == 0)`,
          '1h',
          'warning',
          'The ipmi-exporter reports no watchdog events for {{ $labels.instance }}: its configuration lacks the sel-events collector or the watchdog_reset event.',
        ),
      ],
    });
  }
  return groups;
}

/** The storage dashboard: disks, scrubs, snapshots and backups. */
export function storageDashboard(spec: ClusterSpec): DashboardSpec {
  const m = (title: string, expr: string, unit?: string): DashboardSpec['panels'][number] => ({ title, datasource: 'prometheus', expr, unit });
  return {
    uid: 'homelab-storage',
    title: 'Storage',
    panels: [
      m('Disk SMART health (1 = passed)', 'smartctl_device_smart_status'),
      m('Disk temperatures', 'smartctl_device_temperature{temperature_type="current"}', 'celsius'),
      m('Unreadable and reallocated sectors', 'smartctl_device_attribute{attribute_name=~"Current_Pending_Sector|Offline_Uncorrectable|Reallocated_Sector_Ct", attribute_value_type="raw"}'),
      m('Failed self-tests (1 = the log has errors)', 'floor(smartctl_device_smartctl_exit_status / 128) % 2'),
      m('NVMe wear (% of rated life)', 'smartctl_device_percentage_used', 'percent'),
      m('Days since the last scrub', '(time() - homelab_zfs_scrub_last_end_timestamp_seconds) / 86400', 'd'),
      m('Errors found by the last scrub', 'homelab_zfs_scrub_errors'),
      m('Repaired by the last scrub', 'homelab_zfs_scrub_repaired_bytes', 'bytes'),
      m('Hours since the newest snapshot', '(time() - homelab_zfs_snapshot_newest_timestamp_seconds) / 3600', 'h'),
      ...(spec.storage.backup ? [m('Hours since the last off-site backup', '(time() - homelab_backup_last_success_timestamp_seconds) / 3600', 'h')] : []),
    ],
  };
}
