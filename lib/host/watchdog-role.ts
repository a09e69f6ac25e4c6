import { Construct } from 'constructs';
import { ClusterSpec, NodeSpec } from '../spec/schema';
import { AnsibleRole } from './ansible-role';

/*
 * The BMC's watchdog on Debian nodes with IPMI (docs/decisions/0082-bmc-watchdog.md): the
 * kernel's ipmi_watchdog driver exposes the BMC's timer as /dev/watchdog, systemd (PID 1)
 * pings it, and the BMC hard-resets the machine when the pings stop. A kernel panic reboots
 * the node after PANIC_REBOOT_SECONDS instead of waiting at the panic screen.
 */

/** Where systemd reads its manager settings; ours is a drop-in beside Debian's system.conf. */
export const WATCHDOG_SYSTEMD_DROP_IN = '/etc/systemd/system.conf.d/60-homelab-watchdog.conf';
/** Our own sysctl file (not the base role's, nor the hardening one). */
export const PANIC_SYSCTL_FILE = '/etc/sysctl.d/60-homelab-panic.conf';
/** The misc device ipmi_watchdog registers (it does not use the watchdog core, so there is no watchdog0 of its own). */
export const BMC_WATCHDOG_DEVICE = '/dev/watchdog';
/** Seconds between a kernel panic and the reboot. */
export const PANIC_REBOOT_SECONDS = 10;
/**
 * Chipset watchdogs that would register first and take /dev/watchdog from the BMC's
 * (AMD FCH: sp5100_tco; Intel PCH: iTCO_wdt); ipmi_watchdog then fails with EBUSY.
 */
export const CHIPSET_WATCHDOG_MODULES = ['sp5100_tco', 'iTCO_wdt'] as const;

/** Kernel settings that turn a wedged kernel into a reboot rather than a hang. */
export const PANIC_SYSCTLS: Readonly<Record<string, string>> = {
  'kernel.panic': String(PANIC_REBOOT_SECONDS),
  'kernel.panic_on_oops': '1',
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
  const sysctl = Object.entries(PANIC_SYSCTLS).map(([k, v]) => `${k} = ${v}\n`).join('');
  return new AnsibleRole(scope, 'WatchdogRole', {
    name: 'watchdog',
    tasks: [
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
        name: 'Reboot on kernel panic, oops and hard lockup',
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
        // -e: a kernel built without the hard-lockup detector has no kernel.hardlockup_panic; the others still apply.
        'ansible.builtin.command': { cmd: `sysctl -e -p ${PANIC_SYSCTL_FILE}` },
        changed_when: true,
        when: "'kernel' not in ansible_skip_tags",
      },
    ],
    files: Object.fromEntries(plan.armed.map((w) => [`watchdog-${w.node.name}.conf`, watchdogSystemdConfig(w)])),
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
