import { watchdogPlan } from '../host/watchdog-role';
import { ClusterSpec } from '../spec/schema';
import { CoverageRow, LOGS_ARE_READ } from './monitoring';

export type { CoverageRow };


/** Every signal of the design notes this cluster can collect, with where it ends up; then the services' (`contributed`). */
export function coverage(spec: ClusterSpec, contributed: readonly CoverageRow[]): CoverageRow[] {
  const rows: CoverageRow[] = [];
  const add = (row: CoverageRow): void => void rows.push(row);
  if (spec.nodes.some((n) => n.ipmi)) {
    add({ signal: 'IPMI sensors: temperatures, fans, voltages, power supplies', collector: 'ipmi-exporter', stored: 'ipmi_temperature_celsius', dashboard: 'homelab-ipmi', panel: 'Temperatures', alert: { rule: 'IpmiTemperatureAlarm' } });
    add({ signal: 'IPMI system event log (SEL)', collector: 'ipmi-exporter', stored: 'ipmi_sel_logs_count', dashboard: 'homelab-ipmi', panel: 'System event log entries', alert: { rule: 'IpmiNewSelEvents' } });
  }
  add({ signal: 'Node Linux performance metrics', collector: 'node-exporter', stored: 'node_cpu_seconds_total', dashboard: 'homelab-nodes', panel: 'CPU busy', alert: { rule: 'NodeMemoryLow' } });
  add({ signal: 'ZFS ARC and L2ARC', collector: 'node-exporter', stored: 'node_zfs_arc_l2_size', dashboard: 'homelab-nodes', panel: 'ZFS L2ARC size', alert: { rule: 'ZfsArcHitRatioLow' } });
  add({ signal: 'ZFS pool health', collector: 'node-exporter', stored: 'node_zfs_zpool_state', dashboard: 'homelab-nodes', panel: 'ZFS pool state (1 = in that state)', alert: { rule: 'ZfsPoolNotOnline' } });
  add({ signal: 'Node system logs', collector: 'alloy', stored: '{job=~"journal|system"}', dashboard: 'homelab-logs', panel: 'System logs', alert: { none: LOGS_ARE_READ } });
  add({ signal: 'SELinux / auditd audit events', collector: 'alloy', stored: '{job="audit"}', dashboard: 'homelab-logs', panel: 'Audit events (auditd, SELinux)', alert: { none: LOGS_ARE_READ } });
  add({ signal: 'Kubernetes object metrics (kube-state-metrics)', collector: 'kube-state-metrics', stored: 'kube_pod_container_status_restarts_total', dashboard: 'homelab-kubernetes', panel: 'Container restarts (1h)', alert: { rule: 'KubePodCrashLooping' } });
  add({ signal: 'Kubelet metrics', collector: 'prometheus', stored: 'kubelet_running_pods', dashboard: 'homelab-kubernetes', panel: 'Running pods per node', alert: { rule: 'KubeletDown' } });
  add({ signal: 'Kubernetes events', collector: 'alloy-gateway', stored: '{job="kubernetes-events"}', dashboard: 'homelab-kubernetes', panel: 'Kubernetes events', alert: { none: LOGS_ARE_READ } });
  add({ signal: 'Kubernetes API audit log', collector: 'alloy', stored: '{job="kube-audit"}', dashboard: 'homelab-kubernetes', panel: 'API audit log', alert: { none: 'the audit log records who changed what; there is nothing to page on' } });
  add({ signal: 'Per-container usage metrics (cAdvisor)', collector: 'prometheus', stored: 'container_memory_working_set_bytes', dashboard: 'homelab-kubernetes', panel: 'Container memory', alert: { rule: 'ContainerMemoryNearLimit' } });
  add({ signal: 'Per-process usage metrics', collector: 'process-exporter', stored: 'namedprocess_namegroup_memory_bytes', dashboard: 'homelab-nodes', panel: 'Memory by process group', alert: { rule: 'ProcessMemoryHigh' } });
  add({ signal: 'Container logs', collector: 'alloy', stored: '{job="containers"}', dashboard: 'homelab-logs', panel: 'Container logs', alert: { none: LOGS_ARE_READ } });
  if (spec.router?.syslog) {
    add({ signal: 'Router firewall logs', collector: 'alloy-gateway', stored: '{job="router"} |~ "(?i)(drop|reject|block)"', dashboard: 'homelab-network', panel: 'Firewall log', alert: { none: LOGS_ARE_READ } });
    add({ signal: 'DHCP logs', collector: 'alloy-gateway', stored: '{job="router"} |~ "(?i)dhcp"', dashboard: 'homelab-network', panel: 'DHCP log', alert: { none: LOGS_ARE_READ } });
    add({ signal: 'WiFi events', collector: 'alloy-gateway', stored: '{job="router"} |~ "(?i)(hostapd|wlan|associated)"', dashboard: 'homelab-network', panel: 'WiFi events', alert: { none: LOGS_ARE_READ } });
  }
  if (spec.router?.snmp) {
    add({ signal: 'Router statistics (firewall drops, errors)', collector: 'snmp-exporter', stored: 'ifInDiscards', dashboard: 'homelab-network', panel: 'Dropped and errored packets', alert: { rule: 'RouterInterfaceErrors' } });
    add({ signal: 'WiFi throughput', collector: 'snmp-exporter', stored: 'ifHCInOctets', dashboard: 'homelab-network', panel: 'WiFi throughput', alert: { rule: 'RouterInterfaceDown' } });
  }
  add({ signal: 'Disk SMART health, attributes and temperatures', collector: 'smartctl-exporter', onHost: true, stored: 'smartctl_device_smart_status', dashboard: 'homelab-storage', panel: 'Disk SMART health (1 = passed)', alert: { rule: 'DiskSmartFailing' } });
  add({ signal: 'Disk self-tests', collector: 'smartctl-exporter', onHost: true, stored: 'smartctl_device_smartctl_exit_status', dashboard: 'homelab-storage', panel: 'Failed self-tests (1 = the log has errors)', alert: { rule: 'DiskSelfTestFailed' } });
  add({ signal: 'ZFS scrub results', collector: 'node-exporter', stored: 'homelab_zfs_scrub_last_end_timestamp_seconds', dashboard: 'homelab-storage', panel: 'Days since the last scrub', alert: { rule: 'ZfsScrubOverdue' } });
  add({ signal: 'ZFS snapshot freshness (sanoid)', collector: 'node-exporter', stored: 'homelab_zfs_snapshot_newest_timestamp_seconds', dashboard: 'homelab-storage', panel: 'Hours since the newest snapshot', alert: { rule: 'ZfsSnapshotsStale' } });
  if (spec.storage.backup) {
    add({ signal: 'Off-site backups (restic)', collector: 'node-exporter', stored: 'homelab_backup_last_success_timestamp_seconds', dashboard: 'homelab-storage', panel: 'Hours since the last off-site backup', alert: { rule: 'BackupStale' } });
  }
  if (watchdogPlan(spec).armed.length > 0) {
    add({ signal: 'BMC watchdog', collector: 'node-exporter', stored: 'homelab_bmc_watchdog_running', dashboard: 'homelab-ipmi', panel: 'Watchdog timer (1 = running)', alert: { rule: 'BmcWatchdogReset' } });
  }
  rows.push(...contributed);
  return rows;
}

/** The table for the README. */
export function coverageMarkdown(spec: ClusterSpec, contributed: readonly CoverageRow[]): string {
  const lines = ['| signal | collected by | stored as | dashboard panel | alert |', '|---|---|---|---|---|'];
  for (const r of coverage(spec, contributed)) {
    const alert = 'rule' in r.alert ? r.alert.rule : `— (${r.alert.none})`;
    lines.push(`| ${r.signal} | ${r.collector} | \`${r.stored.replace(/\|/g, '\\|')}\` | ${r.dashboard} / ${r.panel} | ${alert} |`);
  }
  return `${lines.join('\n')}\n`;
}
