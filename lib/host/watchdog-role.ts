import { Construct } from 'constructs';
import { KUBELET_KERNEL_PARAMETERS, withKubeletKernelParameters } from '../k3s/cis-hardening';
import { TEXTFILE_DIR } from '../conventions/node-paths';
import { ClusterSpec, NodeSpec } from '../spec/schema';
import { AnsibleRole } from './ansible-role';

/*
 * The BMC's watchdog on Debian nodes with IPMI (docs/decisions/0082-bmc-watchdog.md): the
 * kernel's ipmi_watchdog driver exposes the BMC's timer as /dev/watchdog, systemd (PID 1)
 * pings it, and the BMC hard-resets the machine when the pings stop. A kernel panic reboots
 * the node after PANIC_REBOOT_SECONDS instead of waiting at the panic screen (the kubelet's
 * kernel settings), and so does a hard lockup (ours).
 */

/** Where systemd reads its manager settings; ours is a drop-in beside Debian's system.conf. */
export const WATCHDOG_SYSTEMD_DROP_IN = '/etc/systemd/system.conf.d/60-homelab-watchdog.conf';
/** Our own sysctl file (not the base role's, nor the hardening one). */
export const PANIC_SYSCTL_FILE = '/etc/sysctl.d/60-homelab-panic.conf';
/** The misc device ipmi_watchdog registers (it does not use the watchdog core, so there is no watchdog0 of its own). */
export const BMC_WATCHDOG_DEVICE = '/dev/watchdog';
/**
 * Seconds between a kernel panic and the reboot. kernel.panic and kernel.panic_on_oops come with
 * the kubelet's protect-kernel-defaults settings, written on every node (lib/k3s/cis-hardening.ts).
 */
export const PANIC_REBOOT_SECONDS = Number(KUBELET_KERNEL_PARAMETERS['kernel.panic']);
/**
 * Chipset watchdogs that would register first and take /dev/watchdog from the BMC's
 * (AMD FCH: sp5100_tco; Intel PCH: iTCO_wdt); ipmi_watchdog then fails with EBUSY.
 */
export const CHIPSET_WATCHDOG_MODULES = ['sp5100_tco', 'iTCO_wdt'] as const;

/**
 * What the watchdog role adds to those: a hard-locked CPU panics (and so reboots) too. Checked
 * against the kubelet's settings, which it must not contradict.
 */
export const PANIC_SYSCTLS: Readonly<Record<string, string>> = {
  'kernel.hardlockup_panic': '1',
};

export interface ArmedWatchdog {
  readonly node: NodeSpec;
  readonly timeoutSeconds: number;
  readonly rebootTimeoutSeconds: number;
}

export interface WatchdogPlan {
  readonly armed: readonly ArmedWatchdog[];
  /** Nodes without a hardware watchdog, each with the reason. */
  readonly unarmed: readonly { readonly node: NodeSpec; readonly reason: string }[];
}

/** Which nodes get the BMC watchdog, and why the others do not. */
export function watchdogPlan(spec: ClusterSpec): WatchdogPlan {
  const armed: ArmedWatchdog[] = [];
  const unarmed: { node: NodeSpec; reason: string }[] = [];
  for (const node of spec.nodes) {
    if (!node.ipmi) {
      unarmed.push({ node, reason: 'no BMC: nodes[].ipmi is not set, so nothing outside the kernel can reset it when it hangs' });
    } else if (node.os !== 'debian') {
      unarmed.push({ node, reason: `runs ${node.os}: the watchdog is armed by the Debian Ansible roles only` });
    } else if (!node.ipmi.watchdog.enabled) {
      unarmed.push({ node, reason: 'nodes[].ipmi.watchdog.enabled is false' });
    } else {
      armed.push({ node, timeoutSeconds: node.ipmi.watchdog.timeoutSeconds, rebootTimeoutSeconds: node.ipmi.watchdog.rebootTimeoutSeconds });
    }
  }
  return { armed, unarmed };
}

/** systemd's manager settings for one node: ping the BMC's timer, and bound a hung reboot. */
export function watchdogSystemdConfig(w: ArmedWatchdog): string {
  return [
    `# Generated from cluster.yaml: the ipmi.watchdog of node ${w.node.name} (docs/decisions/0082-bmc-watchdog.md).`,
    '[Manager]',
    `RuntimeWatchdogSec=${w.timeoutSeconds}s`,
    `RebootWatchdogSec=${w.rebootTimeoutSeconds}s`,
    `WatchdogDevice=${BMC_WATCHDOG_DEVICE}`,
    '',
  ].join('\n');
}

/** Where the node's own view of the BMC watchdog lands for node-exporter. */
export const WATCHDOG_METRICS_FILE = `${TEXTFILE_DIR}/homelab_watchdog.prom`;

/**
 * Reads the BMC's watchdog timer in-band (through the kernel's /dev/ipmi0, so it does not
 * race the kernel's own KCS driver) for node-exporter. In-band because FreeIPMI's
 * bmc-watchdog has no out-of-band option (no -h), so ipmi_exporter's bmc-watchdog collector
 * cannot read a BMC over the LAN. Output lines as FreeIPMI prints them (the same lines
 * ipmi_exporter v1.10.0 parses: "Timer: Running", "Timeout Action: Hard Reset",
 * "Initial Countdown: 60 seconds").
 */
export const WATCHDOG_METRICS_SCRIPT = `#!/usr/bin/env bash
# Generated (docs/decisions/0082-bmc-watchdog.md): the BMC watchdog timer as node-exporter metrics.
set -euo pipefail
out=${WATCHDOG_METRICS_FILE}
mkdir -p "$(dirname "$out")"
tmp="$(mktemp "$out.XXXXXX")"
trap 'rm -f "$tmp"' EXIT
state="$(bmc-watchdog -D OPENIPMI --get)"
field() { printf '%s\n' "$state" | sed -n "s/^$1: *//p" | head -n 1; }
case "$(field Timer)" in
  Running*) running=1 ;;
  *) running=0 ;;
esac
action="$(field 'Timeout Action')"
countdown="$(field 'Initial Countdown' | sed -n 's/^\\([0-9.]*\\) *seconds.*/\\1/p')"
{
  echo '# HELP homelab_bmc_watchdog_running 1 while the BMC watchdog timer counts down (systemd pings it).'
  echo '# TYPE homelab_bmc_watchdog_running gauge'
  echo "homelab_bmc_watchdog_running $running"
  echo '# HELP homelab_bmc_watchdog_initial_countdown_seconds Seconds without a ping before the BMC acts.'
  echo '# TYPE homelab_bmc_watchdog_initial_countdown_seconds gauge'
  echo "homelab_bmc_watchdog_initial_countdown_seconds \${countdown:-0}"
  echo '# HELP homelab_bmc_watchdog_timeout_action What the BMC does when the timer expires.'
  echo '# TYPE homelab_bmc_watchdog_timeout_action gauge'
  echo "homelab_bmc_watchdog_timeout_action{action=\\"\${action:-unknown}\\"} 1"
} >"$tmp"
chmod 0644 "$tmp"
mv "$tmp" "$out"
trap - EXIT
`;

/** How often the watchdog state is read. */
export const WATCHDOG_METRICS_INTERVAL_MINUTES = 5;

const WATCHDOG_METRICS_SERVICE = `# Generated (docs/decisions/0082-bmc-watchdog.md).
[Unit]
Description=Read the BMC watchdog timer for node-exporter
After=systemd-modules-load.service

[Service]
Type=oneshot
ExecStart=/usr/local/sbin/homelab-watchdog-metrics
`;

const WATCHDOG_METRICS_TIMER = `# Generated (docs/decisions/0082-bmc-watchdog.md).
[Unit]
Description=Read the BMC watchdog timer every ${WATCHDOG_METRICS_INTERVAL_MINUTES} minutes

[Timer]
OnBootSec=3min
OnUnitActiveSec=${WATCHDOG_METRICS_INTERVAL_MINUTES}min

[Install]
WantedBy=timers.target
`;

const MODPROBE = [
  '# The BMC watchdog must own /dev/watchdog (docs/decisions/0082-bmc-watchdog.md).',
  ...CHIPSET_WATCHDOG_MODULES.map((m) => `blacklist ${m}`),
  '# Reset (not power off) when systemd stops pinging; do not start before systemd opens it.',
  'options ipmi_watchdog action=reset start_now=0',
  '',
].join('\n');

/** The Ansible role `watchdog`, for the inventory group of the same name. */
export function watchdogRole(scope: Construct, spec: ClusterSpec): AnsibleRole | undefined {
  const plan = watchdogPlan(spec);
  if (plan.armed.length === 0) {
    return undefined;
  }
  withKubeletKernelParameters(PANIC_SYSCTLS);
  const sysctl = Object.entries(PANIC_SYSCTLS).map(([k, v]) => `${k} = ${v}\n`).join('');
  return new AnsibleRole(scope, 'WatchdogRole', {
    name: 'watchdog',
    tasks: [
      {
        // kmod creates it on a full install; a minimal root (and the converge test's) may lack it.
        name: 'Create the modprobe configuration folder',
        'ansible.builtin.file': { path: '/etc/modprobe.d', state: 'directory', owner: 'root', group: 'root', mode: '0755' },
      },
      {
        name: 'Keep the chipset watchdogs off /dev/watchdog and set the BMC watchdog options',
        'ansible.builtin.copy': { content: MODPROBE, dest: '/etc/modprobe.d/homelab-watchdog.conf', owner: 'root', group: 'root', mode: '0644' },
      },
      {
        name: 'Load the BMC watchdog driver at boot',
        'ansible.builtin.copy': { content: 'ipmi_watchdog\n', dest: '/etc/modules-load.d/homelab-watchdog.conf', owner: 'root', group: 'root', mode: '0644' },
      },
      {
        name: 'Load the BMC watchdog driver now',
        'ansible.builtin.command': { cmd: 'modprobe ipmi_watchdog' },
        changed_when: false,
        tags: ['kernel'],
      },
      {
        name: 'Create the systemd manager drop-in folder',
        'ansible.builtin.file': { path: WATCHDOG_SYSTEMD_DROP_IN.replace(/\/[^/]+$/, ''), state: 'directory', owner: 'root', group: 'root', mode: '0755' },
      },
      {
        name: 'Let systemd ping the BMC watchdog',
        'ansible.builtin.copy': { src: 'watchdog-{{ inventory_hostname }}.conf', dest: WATCHDOG_SYSTEMD_DROP_IN, owner: 'root', group: 'root', mode: '0644' },
        notify: 'Re-execute systemd to arm the watchdog',
      },
      {
        name: "Install FreeIPMI's bmc-watchdog, to read the timer",
        'ansible.builtin.apt': { name: ['freeipmi-bmc-watchdog'], state: 'present' },
      },
      {
        // Its daemon would ping the timer too and set it up its own way: systemd is the one pinger.
        name: "Keep FreeIPMI's watchdog daemon off",
        'ansible.builtin.systemd_service': { name: 'bmc-watchdog', enabled: false, state: 'stopped', masked: true },
        tags: ['service'],
      },
      {
        name: 'Install the watchdog metrics script',
        'ansible.builtin.copy': { src: 'homelab-watchdog-metrics', dest: '/usr/local/sbin/homelab-watchdog-metrics', owner: 'root', group: 'root', mode: '0755' },
      },
      ...['homelab-watchdog-metrics.service', 'homelab-watchdog-metrics.timer'].map((unit) => ({
        name: `Install ${unit}`,
        'ansible.builtin.copy': { src: unit, dest: `/etc/systemd/system/${unit}`, owner: 'root', group: 'root', mode: '0644' },
      })),
      {
        name: 'Read the watchdog timer on a timer',
        'ansible.builtin.systemd_service': { name: 'homelab-watchdog-metrics.timer', enabled: true, state: 'started', daemon_reload: true },
        tags: ['service'],
      },
      {
        name: 'Panic (and so reboot) on a hard lockup',
        'ansible.builtin.copy': { content: `# Generated (docs/decisions/0082-bmc-watchdog.md).\n${sysctl}`, dest: PANIC_SYSCTL_FILE, owner: 'root', group: 'root', mode: '0644' },
        notify: 'Apply the panic settings',
      },
    ],
    handlers: [
      {
        // PID 1 reads system.conf only when it starts or re-executes.
        name: 'Re-execute systemd to arm the watchdog',
        'ansible.builtin.systemd_service': { daemon_reexec: true },
        when: "'service' not in ansible_skip_tags",
      },
      {
        name: 'Apply the panic settings',
        // -e: a kernel built without the hard-lockup detector has no kernel.hardlockup_panic.
        'ansible.builtin.command': { cmd: `sysctl -e -p ${PANIC_SYSCTL_FILE}` },
        changed_when: true,
        when: "'kernel' not in ansible_skip_tags",
      },
    ],
    files: {
      ...Object.fromEntries(plan.armed.map((w) => [`watchdog-${w.node.name}.conf`, watchdogSystemdConfig(w)])),
      'homelab-watchdog-metrics': WATCHDOG_METRICS_SCRIPT,
      'homelab-watchdog-metrics.service': WATCHDOG_METRICS_SERVICE,
      'homelab-watchdog-metrics.timer': WATCHDOG_METRICS_TIMER,
    },
  });
}

/** Comment lines for site.yml: which node's hang the BMC resets, and why the others' is not. */
export function watchdogNotes(spec: ClusterSpec): string[] {
  const plan = watchdogPlan(spec);
  return [
    ...plan.armed.map((w) => `# Hardware watchdog: ${w.node.name} is reset by its BMC after ${w.timeoutSeconds} s without a ping from systemd.`),
    ...plan.unarmed.map((u) => `# No hardware watchdog on ${u.node.name}: ${u.reason}.`),
  ];
}
