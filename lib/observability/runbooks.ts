import { watchdogPlan } from '../host/watchdog-role';
import { standbyNode, storageNode } from '../spec/nodes';
import { ClusterSpec, NodeSpec } from '../spec/schema';
import { poolDisks } from '../storage/disks';
import type { RuleGroup } from './monitoring';

/*
 * The `runbook` annotation of every node and storage alert: written for this cluster from the
 * spec (which node, which disk, which command, what is safe to do now), and, where a rule
 * covers several nodes or pools, chosen per alert with Prometheus's template `if eq`.
 */

/** The groups whose every rule must carry a runbook (a test holds this true). */
export const RUNBOOK_GROUPS = ['nodes', 'ipmi', 'backups', 'disks', 'zfs-health', 'watchdog'] as const;

/** How many failed disks each layout survives. */
const REDUNDANCY: Record<string, (disks: number) => number> = {
  single: () => 0,
  mirror: (n) => n - 1,
  raidz1: () => 1,
  raidz2: () => 2,
  raidz3: () => 3,
};

const ANSIBLE = 'cd host-provisioning/ansible && ansible-playbook -i inventory.yml site.yml --ask-vault-pass';

/** `{{ if eq $labels.<label> "a" }}…{{ else if … }}…{{ end }}` over the cases, with an optional fallback. */
function byLabel(label: string, cases: readonly (readonly [string, string])[], fallback = ''): string {
  if (cases.length === 0) return fallback;
  const branches = cases.map(([value, text], i) => `{{ ${i === 0 ? 'if' : 'else if'} eq $labels.${label} "${value}" }}${text}`).join('');
  return `${branches}${fallback ? `{{ else }}${fallback}` : ''}{{ end }}`;
}

function nodeRole(spec: ClusterSpec, n: NodeSpec): string {
  const storage = storageNode(spec).name;
  const standby = standbyNode(spec).name;
  if (n.name === storage) {
    return `${n.name} (${n.ip}) holds the ZFS pools and every stateful app: those are down while it is; ingress and VPN serve from ${standby} within seconds.`;
  }
  if (n.role === 'server') {
    return `${n.name} (${n.ip}) is the control plane: running workloads keep serving, but nothing can be scheduled or changed until it is back.`;
  }
  if (n.name === standby) {
    return `${n.name} (${n.ip}) runs the standby replicas of ingress and VPN: service goes on from ${storage}, without a standby.`;
  }
  return `${n.name} (${n.ip}) is a worker: its pods are rescheduled after about five minutes.`;
}

function bmcAdvice(n: NodeSpec): string {
  if (!n.ipmi) {
    return ` It has no BMC: power-cycle it by hand.`;
  }
  const wd = n.ipmi.watchdog;
  const watchdog = wd.enabled && n.os === 'debian' ? ` A hung kernel is reset by the BMC watchdog after ${wd.timeoutSeconds} s;` : '';
  return `${watchdog} read \`ipmitool -I lanplus -H ${n.ipmi.address} -U <user> -E sel elist\` and \`chassis status\`; \`chassis power cycle\` is safe for ZFS (copy-on-write, the pool imports at boot).`;
}

/** The runbook of each alert, for this cluster. */
export function runbooks(spec: ClusterSpec): Record<string, string> {
  const storage = storageNode(spec);
  const pools = spec.storage.pools.map((p) => {
    const survives = REDUNDANCY[p.layout](p.disks.length);
    return [p.name, `${p.name} is ${p.layout} of ${p.disks.length} disks and survives ${survives} failed disk${survives === 1 ? '' : 's'}`] as const;
  });
  const poolText = byLabel('pool', pools, 'see `zpool status`');
  const disks = poolDisks(spec);
  const nvme = disks.filter((d) => d.role === 'nvme');
  const slogNote = nvme.length > 0 ? ` NVMe drives hold the SLOG (mirrored) and L2ARC partitions: the pool survives losing one; \`zpool status\` lists them by their homelab-slog-/homelab-l2arc- partition labels.` : '';
  const replaceDisk =
    `Safe now: nothing is urgent while \`zpool status {{ $labels.pool }}\` shows the pool ONLINE (${poolText}). ` +
    `Order a replacement; do not pull any disk before \`ls -l {{ $labels.disk }}\` names the device. Replace with ` +
    `\`zpool replace {{ $labels.pool }} {{ $labels.disk }} /dev/disk/by-id/<new>\`, wait for the resilver, then put the new id in cluster.yaml storage.pools[].disks and \`npm run synth\`.`;
  const onStorage = `On ${storage.name} (\`ssh ${spec.access.ansibleUser}@${storage.ip}\`)`;
  const armed = watchdogPlan(spec).armed;
  const bmcNode = byLabel(
    'instance',
    spec.nodes.filter((n) => n.ipmi).map((n) => [n.ipmi!.address, n.name] as const),
    'its node',
  );
  const nodes = spec.nodes.map((n) => [n.name, `${nodeRole(spec, n)}${bmcAdvice(n)}`] as const);

  const book: Record<string, string> = {
    NodeDown: `${byLabel('node', nodes)} Check it answers: \`ping\`, then \`ssh\`; \`kubectl get nodes\` shows what Kubernetes sees.`,
    NodeMemoryLow: `\`kubectl top pods -A --sort-by=memory\` and the homelab-nodes / Memory by process group panel show who uses it.${byLabel('node', [[storage.name, ` On ${storage.name} the ZFS ARC gives memory back under pressure; it is not the leak.`]])} Safe now: restart the largest offender's pod (\`kubectl -n <ns> rollout restart\`), not the node.`,
    NodeFilesystemAlmostFull: `\`df -h {{ $labels.mountpoint }}\` and \`du -xh --max-depth=2 {{ $labels.mountpoint }} | sort -h | tail\` on {{ $labels.node }}. Safe now: \`journalctl --vacuum-size=500M\`, \`k3s crictl rmi --prune\` (unused images). Never delete under /var/lib/rancher or a dataset's folder by hand.`,
    ZfsPoolNotOnline: `${onStorage}: \`zpool status -v {{ $labels.zpool }}\` names the faulted or missing disk by its by-id name. ${byLabel('zpool', pools)}.${slogNote} Safe now: keep it running and leave the pool imported; do not reboot during a resilver; \`zpool clear {{ $labels.zpool }}\` only after the cause (cable, disk) is fixed. A lost disk: \`zpool replace {{ $labels.zpool }} <old-id> /dev/disk/by-id/<new>\`, then update cluster.yaml.`,
    ZfsArcHitRatioLow: `Informational: reads miss the ARC. Check \`arc_summary\` on ${storage.name}; more RAM or a larger L2ARC (storage.pools[].nvme.l2arcGiB) helps. Nothing is unsafe.`,
    ProcessMemoryHigh: `\`ps -eo pid,rss,cmd --sort=-rss | head\` on {{ $labels.node }}. If it is a pod's process, restart the pod; a host daemon: \`systemctl restart <unit>\`.`,
    IpmiUnreachable: `The BMC at {{ $labels.instance }} (the BMC of ${bmcNode}) does not answer ipmi-exporter: check its network cable and \`ipmitool -I lanplus -H {{ $labels.instance }} -U <user> -E mc info\`; the credentials are in the ipmi-exporter Secret. The node itself may be fine; without the BMC a hang cannot be reset from afar.`,
    IpmiTemperatureAlarm: `Sensor {{ $labels.name }} of ${bmcNode}: \`ipmitool -I lanplus -H {{ $labels.instance }} -U <user> -E sdr type temperature\`. Check fans and airflow; if it keeps rising, shut the node down cleanly (\`ssh\` then \`systemctl poweroff\`) before the hardware does.`,
    IpmiFanAlarm: `Fan {{ $labels.name }} of ${bmcNode}: \`ipmitool -I lanplus -H {{ $labels.instance }} -U <user> -E sdr type fan\`. Watch the temperatures; replace the fan at the next clean shutdown.`,
    IpmiVoltageAlarm: `Voltage {{ $labels.name }} of ${bmcNode} is out of range: \`ipmitool ... sdr type voltage\` and \`sel elist\`. A failing power supply or board: plan a clean shutdown; check the backups are fresh first.`,
    IpmiPowerSupplyAlarm: `Power supply sensor {{ $labels.name }} of ${bmcNode}: \`ipmitool ... sdr type "Power Supply"\` and \`sel elist\`. With one supply left, keep running and replace the failed one; without redundancy, check the backups and plan a clean shutdown.`,
    IpmiNewSelEvents: `Read the new entries: \`ipmitool -I lanplus -H {{ $labels.instance }} -U <user> -E sel elist | tail\` (the journal of ${bmcNode} has them too, via ipmiseld). Memory (ECC) or watchdog entries need action; others are informational. Clear the log once read: \`sel clear\`.`,
    DiskNotReporting: `${onStorage}: \`ls -l {{ $labels.disk }}\` (is the disk there?), \`smartctl -x {{ $labels.disk }}\`, \`journalctl -u smartctl-exporter -u smartmontools\`. A disk that vanished is usually also FAULTED or REMOVED in \`zpool status\`: follow the ZfsPoolNotOnline runbook. A sleeping disk is left asleep and reports when it wakes.`,
    SmartExporterDown: `${onStorage}: \`systemctl status smartctl-exporter\`, \`journalctl -u smartctl-exporter\`; restart it with \`systemctl restart smartctl-exporter\`, or re-run Ansible: \`${ANSIBLE}\`. Safe: it only reads.`,
    DiskSmartFailing: `${onStorage}: \`smartctl -x {{ $labels.disk }}\`. The drive predicts its failure. ${replaceDisk}`,
    DiskSmartAttributeFailing: `${onStorage}: \`smartctl -A {{ $labels.disk }}\` shows the attribute whose VALUE is at or below THRESH. ${replaceDisk}`,
    DiskSectorsPending: `${onStorage}: \`smartctl -A {{ $labels.disk }}\`. ZFS repairs the affected blocks from redundancy when it reads them: run \`zpool scrub {{ $labels.pool }}\` (safe while serving). If the count keeps growing, replace it. ${replaceDisk}`,
    DiskSectorsReallocated: `${onStorage}: \`smartctl -A {{ $labels.disk }}\` (Reallocated_Sector_Ct) and \`smartctl -l error {{ $labels.disk }}\`. A few reallocations are normal wear; a steady climb means it is failing. ${replaceDisk}`,
    DiskSelfTestFailed: `${onStorage}: \`smartctl -l selftest {{ $labels.disk }}\` shows the failed test and the first bad LBA. Run \`zpool scrub {{ $labels.pool }}\` to let ZFS repair what it can, then a new long test: \`smartctl -t long {{ $labels.disk }}\`. If it fails again, replace it. ${replaceDisk}`,
    DiskTemperatureHigh: `${onStorage}: \`smartctl -A {{ $labels.disk }}\`, and the homelab-ipmi / Fans panel. Check the case fans and dust; a scrub or resilver heats disks and is safe to pause (\`zpool scrub -p {{ $labels.pool }}\`).`,
    DiskTemperatureCritical: `${onStorage}: pause heavy I/O now (\`zpool scrub -p {{ $labels.pool }}\`), check the fans (\`ipmitool ... sdr type fan\`). If it keeps rising, shut ${storage.name} down cleanly (\`systemctl poweroff\`): a cool disk later is worth more than an hour of service.`,
    NvmeCriticalWarning: `${onStorage}: \`smartctl -x {{ $labels.disk }}\` (Critical Warning bits: spare, temperature, reliability, read-only).${slogNote} Replace the drive: partition the new one like the old with Ansible (it creates the missing partitions), then \`zpool replace\` its SLOG partition.`,
    NvmeWearHigh: `${onStorage}: \`smartctl -A {{ $labels.disk }}\` (Percentage Used, Available Spare). Plan a replacement within months; nothing is urgent.${slogNote}`,
    NvmeMediaErrors: `${onStorage}: \`smartctl -x {{ $labels.disk }}\` and \`journalctl -k | grep nvme\`.${slogNote} Repeated errors: replace the drive.`,
    ZfsHealthMetricsStale: `${onStorage}: \`systemctl status homelab-zfs-metrics.timer homelab-zfs-metrics.service\`, \`journalctl -u homelab-zfs-metrics\` (it names the pool or dataset it could not read). Run it by hand: \`systemctl start homelab-zfs-metrics\`. Safe: it only reads.`,
    ZfsScrubFoundErrors: `${onStorage}: \`zpool status -v {{ $labels.pool }}\` lists the files with blocks the scrub could not repair (${poolText}): they are lost. Restore them from a snapshot (\`<mountpoint>/.zfs/snapshot/\`) or the off-site backup (\`npm run restore -- <dataset>\`), then find the disk with READ/WRITE/CKSUM errors and \`smartctl -x\` it; \`zpool clear {{ $labels.pool }}\` and a new \`zpool scrub {{ $labels.pool }}\` once it is fixed.`,
    ZfsScrubRepaired: `${onStorage}: \`zpool status {{ $labels.pool }}\` shows which disk has CKSUM (or READ) errors; ZFS rewrote the bad blocks from redundancy, nothing is lost. Check that disk: \`smartctl -x <disk>\` and its cable; \`zpool clear {{ $labels.pool }}\` resets the counters. Safe now: keep serving; replace the disk if it repeats.`,
    ZfsPoolDataErrors: `${onStorage}: \`zpool status -v {{ $labels.pool }}\` lists the files with unrecoverable blocks. Restore them from a snapshot (\`ls <mountpoint>/.zfs/snapshot/\`) or the off-site backup (\`npm run restore -- <dataset>\`), delete the damaged copies, then \`zpool scrub {{ $labels.pool }}\` and \`zpool clear\`.`,
    ZfsScrubOverdue: `${onStorage}: \`zpool status {{ $labels.pool }}\` (the scan line), \`cat /etc/cron.d/zfsutils-linux\` (Debian scrubs on the second Sunday) and \`zfs get org.debian:periodic-scrub {{ $labels.pool }}\`. Start one now: \`zpool scrub {{ $labels.pool }}\` (safe while serving; it slows I/O for hours).`,
    ZfsScrubNeverCompleted: `${onStorage}: start the first scrub with \`zpool scrub {{ $labels.pool }}\` (safe while serving); check \`cat /etc/cron.d/zfsutils-linux\` and that cron runs (\`systemctl status cron\`).`,
    ZfsSnapshotsStale: `${onStorage}: \`systemctl status sanoid.timer sanoid.service\`, \`journalctl -u sanoid\`, \`zfs list -t snapshot -o name,creation -s creation {{ $labels.dataset }} | tail\`. Take one now: \`systemctl start sanoid\`. Without fresh snapshots the nightly backup copies an old one.`,
    ZfsSnapshotsMissing: `${onStorage}: \`zfs list {{ $labels.dataset }}\` (does it exist?), \`grep -A2 '{{ $labels.dataset }}' /etc/sanoid/sanoid.conf\`, \`systemctl start sanoid\`; re-run Ansible if the dataset or its sanoid entry is missing: \`${ANSIBLE}\`.`,
    BackupStale: `${onStorage}: \`journalctl -t homelab-backup --since -2d\` says which dataset failed and why (credentials, network, repository lock). Run it by hand: \`/usr/local/sbin/homelab-backup\`; a stale lock: \`restic -r <repository> unlock\` (with \`set -a; . ${spec.storage.backup?.credentialsFile ?? '<credentials file>'}\`). Local snapshots still protect against mistakes meanwhile; nothing off-site does.`,
    BackupNeverSucceeded: `${onStorage}: is the vault variable homelab_restic_env filled and Ansible run (\`${ANSIBLE}\`)? Then \`/usr/local/sbin/homelab-backup\` by hand and read its output.`,
    BmcWatchdogReset: `${bmcNode} hung and was reset by its BMC. Find why: \`journalctl -b -1 -e\` and \`journalctl -k -b -1\` on it (the last lines before the hang), \`ipmitool -I lanplus -H {{ $labels.instance }} -U <user> -E sel elist\`. The pool imports at boot; check \`zpool status\` and \`kubectl get pods -A\`. Repeated resets: memory (ECC entries in the SEL), power or a kernel/ZFS bug; set nodes[].ipmi.watchdog.enabled: false only to debug at the console.`,
    BmcWatchdogNotRunning: `On {{ $labels.node }}: \`bmc-watchdog -D OPENIPMI --get\` (Timer, Timeout Action), \`lsmod | grep ipmi_watchdog\`, \`ls -l /dev/watchdog\` and \`systemctl show -p RuntimeWatchdogUSec -p WatchdogDevice\`. A chipset watchdog (sp5100_tco, iTCO_wdt) may have taken /dev/watchdog: \`dmesg | grep -i watchdog\`; re-run Ansible (\`${ANSIBLE}\`) and reboot. Until then a hung kernel stays hung.`,
    BmcWatchdogStateMissing: `On {{ $labels.node }}: \`systemctl status homelab-watchdog-metrics.timer homelab-watchdog-metrics.service\`, \`journalctl -u homelab-watchdog-metrics\`; \`bmc-watchdog -D OPENIPMI --get\` must answer (ipmi_si and ipmi_devintf loaded). Re-run Ansible if the timer is missing: \`${ANSIBLE}\`.`,
    BmcWatchdogNotWatched: `The ipmi-exporter Secret's config.yml must list the collectors and sel_events the README shows (Observability, IPMI exporter configuration); edit it with \`sops secrets/observability/ipmi-exporter.sops.yaml\`, push, and restart the exporter (\`kubectl -n observability rollout restart deployment ipmi-exporter\`).`,
    KubeletDown: `${byLabel('node', nodes)} \`systemctl status k3s-agent\` (Debian) or \`rc-service k3s-service status\` (k3OS) on {{ $labels.node }}.`,
    KubeNodeNotReady: `${byLabel('node', nodes)} \`kubectl describe node {{ $labels.node }}\` (Conditions) says why.`,
  };
  if (armed.length === 0) {
    delete book.BmcWatchdogReset;
    delete book.BmcWatchdogNotRunning;
    delete book.BmcWatchdogNotWatched;
    delete book.BmcWatchdogStateMissing;
  }
  return book;
}

/** The groups with each rule's runbook added where one is written. */
export function withRunbooks(spec: ClusterSpec, groups: readonly RuleGroup[]): RuleGroup[] {
  const book = runbooks(spec);
  return groups.map((g) => ({
    ...g,
    rules: g.rules.map((r) => (book[r.alert] ? { ...r, annotations: { ...r.annotations, runbook: book[r.alert] } } : r)),
  }));
}
