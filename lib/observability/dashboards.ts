import { ClusterSpec } from '../spec/schema';
import { DashboardSpec, logPanel, metricPanel } from './monitoring';
import { storageDashboard } from './storage-health';

const m = metricPanel;
const logs = logPanel;

/** The dashboards, one per area of the design notes, for what this cluster runs, then the services' (`contributed`). */
export function dashboardSpecs(spec: ClusterSpec, contributed: readonly DashboardSpec[]): DashboardSpec[] {
  const dashboards: DashboardSpec[] = [
    {
      uid: 'homelab-nodes',
      title: 'Nodes',
      panels: [
        m('CPU busy', '1 - avg by (node) (rate(node_cpu_seconds_total{mode="idle"}[5m]))', 'percentunit'),
        m('Memory available', 'node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes', 'percentunit'),
        m('Filesystem free', 'node_filesystem_avail_bytes{fstype!~"tmpfs|overlay|squashfs"} / node_filesystem_size_bytes{fstype!~"tmpfs|overlay|squashfs"}', 'percentunit'),
        m('Network traffic', 'sum by (node) (rate(node_network_receive_bytes_total{device!~"lo|cali.*|vxlan.*"}[5m]) * 8)', 'bps'),
        m('ZFS ARC size', 'node_zfs_arc_size', 'bytes'),
        m('ZFS L2ARC size', 'node_zfs_arc_l2_size', 'bytes'),
        m('ZFS ARC hit ratio', 'rate(node_zfs_arc_hits[5m]) / (rate(node_zfs_arc_hits[5m]) + rate(node_zfs_arc_misses[5m]))', 'percentunit'),
        m('ZFS pool state (1 = in that state)', 'node_zfs_zpool_state'),
        m('Memory by process group', 'namedprocess_namegroup_memory_bytes{memtype="resident"}', 'bytes'),
        m('CPU by process group', 'rate(namedprocess_namegroup_cpu_seconds_total[5m])'),
      ],
    },
    {
      uid: 'homelab-logs',
      title: 'Logs',
      panels: [
        logs('System logs', '{job=~"journal|system"}'),
        logs('Audit events (auditd, SELinux)', '{job="audit"}'),
        logs('Container logs', '{job="containers"}'),
      ],
    },
    {
      uid: 'homelab-kubernetes',
      title: 'Kubernetes',
      panels: [
        m('Pods not ready', 'sum by (namespace) (kube_pod_status_ready{condition="false"})'),
        m('Container restarts (1h)', 'increase(kube_pod_container_status_restarts_total[1h])'),
        m('Running pods per node', 'kubelet_running_pods'),
        m('Container CPU', 'sum by (namespace, pod, container) (rate(container_cpu_usage_seconds_total{container!=""}[5m]))'),
        m('Container memory', 'sum by (namespace, pod, container) (container_memory_working_set_bytes{container!=""})', 'bytes'),
        logs('Kubernetes events', '{job="kubernetes-events"}'),
        logs('API audit log', '{job="kube-audit"}'),
      ],
    },
  ];
  if (spec.nodes.some((n) => n.ipmi)) {
    dashboards.push({
      uid: 'homelab-ipmi',
      title: 'Hardware (IPMI)',
      panels: [
        m('Temperatures', 'ipmi_temperature_celsius', 'celsius'),
        m('Fans', 'ipmi_fan_speed_rpm', 'rotrpm'),
        m('Voltages', 'ipmi_voltage_volts', 'volt'),
        m('Power supplies (0 = OK)', 'ipmi_sensor_state{type=~"Power Supply.*"}'),
        m('System event log entries', 'ipmi_sel_logs_count'),
        m('Watchdog timer (1 = running)', 'homelab_bmc_watchdog_running'),
      ],
    });
  }
  if (spec.router) {
    dashboards.push({
      uid: 'homelab-network',
      title: 'Network',
      panels: [
        ...(spec.router.snmp
          ? [
              m('Router throughput', 'rate(ifHCInOctets[5m]) * 8', 'bps'),
              m('WiFi throughput', 'rate(ifHCInOctets{ifDescr=~"wlan.*|phy.*|ath.*"}[5m]) * 8', 'bps'),
              m('Dropped and errored packets', 'rate(ifInDiscards[5m]) + rate(ifInErrors[5m])', 'pps'),
            ]
          : []),
        ...(spec.router.syslog
          ? [
              logs('Firewall log', '{job="router"} |~ "(?i)(drop|reject|block)"'),
              logs('DHCP log', '{job="router"} |~ "(?i)dhcp"'),
              logs('WiFi events', '{job="router"} |~ "(?i)(hostapd|wlan|associated)"'),
            ]
          : []),
      ],
    });
  }
  dashboards.push(storageDashboard(spec));
  if (spec.storage.backup) {
    dashboards.push({
      uid: 'homelab-backups',
      title: 'Backups',
      panels: [m('Hours since the last backup', '(time() - homelab_backup_last_success_timestamp_seconds) / 3600', 'h')],
    });
  }
  dashboards.push(...contributed);
  return dashboards;
}

/** A dashboard as Grafana's JSON model: panels two to a row. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function dashboardJson(d: DashboardSpec): Record<string, any> {
  return {
    uid: d.uid,
    title: d.title,
    tags: ['homelab'],
    timezone: 'browser',
    schemaVersion: 39,
    refresh: '1m',
    time: { from: 'now-24h', to: 'now' },
    panels: d.panels.map((p, i) => ({
      id: i + 1,
      title: p.title,
      type: p.datasource === 'loki' ? 'logs' : 'timeseries',
      datasource: { type: p.datasource, uid: p.datasource },
      gridPos: { x: (i % 2) * 12, y: Math.floor(i / 2) * 8, w: 12, h: 8 },
      targets: [{ refId: 'A', expr: p.expr, datasource: { type: p.datasource, uid: p.datasource } }],
      ...(p.unit ? { fieldConfig: { defaults: { unit: p.unit }, overrides: [] } } : {}),
    })),
  };
}
