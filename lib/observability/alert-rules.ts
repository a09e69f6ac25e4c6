import { ClusterSpec } from '../spec/schema';
import { alertRule, RuleGroup } from './monitoring';
import { withRunbooks } from './runbooks';
import { storageHealthRuleGroups } from './storage-health';

const rule = alertRule;

/**
 * The alert rules, by signal, and then the services' (`contributed`, from the registry). Thresholds are for a home cluster: page on what breaks
 * service (a node or pool down, hardware alarms, no backup), warn on what will.
 */
export function alertRuleGroups(spec: ClusterSpec, contributed: readonly RuleGroup[]): RuleGroup[] {
  const groups: RuleGroup[] = [
    {
      name: 'nodes',
      rules: [
        rule('NodeDown', 'up{job="node"} == 0', '5m', 'critical', 'Node {{ $labels.node }} has not reported metrics for 5 minutes.'),
        rule(
          'NodeMemoryLow',
          'node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes < 0.1',
          '10m',
          'warning',
          'Node {{ $labels.node }} has less than 10% memory available.',
        ),
        rule(
          'NodeFilesystemAlmostFull',
          'node_filesystem_avail_bytes{fstype!~"tmpfs|overlay|squashfs|nfs4?"} / node_filesystem_size_bytes{fstype!~"tmpfs|overlay|squashfs|nfs4?"} < 0.1',
          '15m',
          'warning',
          'Filesystem {{ $labels.mountpoint }} on {{ $labels.node }} is over 90% full.',
        ),
        rule('ZfsPoolNotOnline', 'node_zfs_zpool_state{state!="online"} > 0', '1m', 'critical', 'ZFS pool {{ $labels.zpool }} on {{ $labels.node }} is {{ $labels.state }}.'),
        rule(
          'ZfsArcHitRatioLow',
          'rate(node_zfs_arc_hits[1h]) / (rate(node_zfs_arc_hits[1h]) + rate(node_zfs_arc_misses[1h])) < 0.7',
          '6h',
          'warning',
          'The ZFS ARC on {{ $labels.node }} serves under 70% of reads from memory.',
        ),
        rule(
          'ProcessMemoryHigh',
          'namedprocess_namegroup_memory_bytes{memtype="resident"} > 4 * 1024 * 1024 * 1024',
          '30m',
          'warning',
          'Processes {{ $labels.groupname }} on {{ $labels.node }} use over 4 GiB.',
        ),
      ],
    },
    {
      name: 'kubernetes',
      rules: [
        rule('KubeletDown', 'up{job="kubelet"} == 0', '5m', 'critical', 'The kubelet on {{ $labels.node }} is unreachable.'),
        rule('KubeNodeNotReady', 'kube_node_status_condition{condition="Ready",status="true"} == 0', '5m', 'critical', 'Node {{ $labels.node }} is not Ready.'),
        rule(
          'KubePodCrashLooping',
          'increase(kube_pod_container_status_restarts_total[15m]) > 3',
          undefined,
          'warning',
          '{{ $labels.namespace }}/{{ $labels.pod }} ({{ $labels.container }}) restarted more than 3 times in 15 minutes.',
        ),
        rule(
          'KubeDeploymentUnavailable',
          'kube_deployment_status_replicas_unavailable > 0',
          '15m',
          'warning',
          'Deployment {{ $labels.namespace }}/{{ $labels.deployment }} has unavailable replicas.',
        ),
        rule(
          'ContainerMemoryNearLimit',
          'max by (namespace, pod, container) (container_memory_working_set_bytes{container!=""}) / max by (namespace, pod, container) (kube_pod_container_resource_limits{resource="memory"}) > 0.9',
          '15m',
          'warning',
          '{{ $labels.namespace }}/{{ $labels.pod }} ({{ $labels.container }}) uses over 90% of its memory limit.',
        ),
      ],
    },
    {
      name: 'monitoring',
      rules: [
        rule('LokiDown', 'up{job="loki"} == 0', '5m', 'critical', 'Loki is down: logs are not stored.'),
        rule('KubeStateMetricsDown', 'up{job="kube-state-metrics"} == 0', '10m', 'warning', 'kube-state-metrics is down.'),
      ],
    },
  ];
  if (spec.nodes.some((n) => n.ipmi)) {
    groups.push({
      name: 'ipmi',
      rules: [
        rule('IpmiUnreachable', 'up{job="ipmi"} == 0 or ipmi_up == 0', '10m', 'warning', 'The BMC at {{ $labels.instance }} does not answer.'),
        rule('IpmiTemperatureAlarm', 'ipmi_temperature_state > 0', '2m', 'critical', 'Temperature sensor {{ $labels.name }} on {{ $labels.instance }} is out of range.'),
        rule('IpmiFanAlarm', 'ipmi_fan_speed_state > 0', '2m', 'critical', 'Fan {{ $labels.name }} on {{ $labels.instance }} is out of range.'),
        rule('IpmiVoltageAlarm', 'ipmi_voltage_state > 0', '2m', 'critical', 'Voltage {{ $labels.name }} on {{ $labels.instance }} is out of range.'),
        rule('IpmiPowerSupplyAlarm', 'ipmi_sensor_state{type=~"Power Supply.*"} > 0', '1m', 'critical', 'Power supply sensor {{ $labels.name }} on {{ $labels.instance }} reports a fault.'),
        rule('IpmiNewSelEvents', 'increase(ipmi_sel_logs_count[1h]) > 0', undefined, 'warning', 'The BMC at {{ $labels.instance }} logged new system events.'),
      ],
    });
  }
  if (spec.router?.snmp) {
    groups.push({
      name: 'network',
      rules: [
        rule('RouterUnreachable', 'up{job="snmp"} == 0', '5m', 'critical', 'The router does not answer SNMP.'),
        rule(
          'RouterInterfaceDown',
          '(ifOperStatus == 2) and on (instance, ifIndex) (ifAdminStatus == 1)',
          '5m',
          'warning',
          'Router interface {{ $labels.ifDescr }} is enabled but down.',
        ),
        rule(
          'RouterInterfaceErrors',
          'rate(ifInErrors[10m]) + rate(ifOutErrors[10m]) > 1',
          '15m',
          'warning',
          'Router interface {{ $labels.ifDescr }} has more than one error a second.',
        ),
      ],
    });
  }
  if (spec.storage.backup) {
    groups.push({
      name: 'backups',
      rules: [
        rule(
          'BackupStale',
          'time() - max(homelab_backup_last_success_timestamp_seconds) > 26 * 3600',
          undefined,
          'critical',
          'No off-site backup has succeeded for over 26 hours.',
        ),
        rule('BackupNeverSucceeded', 'absent(homelab_backup_last_success_timestamp_seconds)', '26h', 'critical', 'No off-site backup has ever succeeded.'),
      ],
    });
  }
  groups.push(...storageHealthRuleGroups(spec), ...contributed);
  return withRunbooks(spec, groups);
}
