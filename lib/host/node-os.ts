import { NodeSpec } from '../spec/schema';

/*
 * What each node operating system has, in one place. Every generator that depends on the
 * OS (the log agent's sources, the Ansible roles, the k3OS configs, the checks) reads it here.
 *
 * Sources, read at the versions the cluster runs:
 * - k3OS (petercb/k3os v0.33.11-k3s1-r4): Alpine-based, OpenRC (`overlay/libexec/k3os/boot`
 *   enables busybox `syslog` in the boot runlevel; no systemd, no journald). k3s is installed
 *   by k3s's own install.sh as the OpenRC service `k3s-service` (`overlay/etc/conf.d/k3s-service`),
 *   whose output install.sh sends to `/var/log/k3s-service.log`. busybox syslogd writes
 *   `/var/log/messages`.
 * - Debian 12 and 13: systemd; the journal is persistent in `/var/log/journal` (Debian 12
 *   release notes: rsyslog is no longer installed by default), so there are no syslog files;
 *   k3s runs as the units `k3s` / `k3s-agent` and logs to the journal.
 */

export type NodeOsName = NodeSpec['os'];

export interface NodeOsFacts {
  /** How the OS is named in messages. */
  readonly title: string;
  readonly init: 'systemd' | 'openrc';
  /** The persistent journal folder, when the OS runs journald. */
  readonly journalDir?: string;
  /** Plain-text syslog files, when the OS writes them instead of a journal. */
  readonly syslogFiles: readonly string[];
  /** auditd's log, where the OS runs auditd (the Debian base role installs it). */
  readonly auditdLog?: string;
  /** Where k3s's own log goes: the journal (unit names) or a file. */
  readonly k3sLog: { readonly journalUnits: readonly string[] } | { readonly file: string };
  /** How packages are installed. */
  readonly packageManager: 'apt' | 'none (immutable image; upgraded as a whole)';
  /** How the node is provisioned from host-provisioning/. */
  readonly provisioning: 'ansible' | 'k3os-config';
  /** Folders a fresh install has (Debian: debootstrap minbase), that files may be copied into. */
  readonly baseDirs: readonly string[];
  /** Folders a package creates when it is installed (from `dpkg -L`), by package. */
  readonly packageDirs: Readonly<Record<string, readonly string[]>>;
}

export const NODE_OS: Readonly<Record<NodeOsName, NodeOsFacts>> = {
  debian: {
    title: 'Debian',
    init: 'systemd',
    journalDir: '/var/log/journal',
    syslogFiles: [],
    auditdLog: '/var/log/audit/audit.log',
    k3sLog: { journalUnits: ['k3s.service', 'k3s-agent.service'] },
    packageManager: 'apt',
    provisioning: 'ansible',
    baseDirs: ['/etc', '/etc/apt/preferences.d', '/etc/apt/sources.list.d', '/etc/modules-load.d', '/etc/sysctl.d', '/etc/systemd/system', '/usr/local/bin', '/usr/local/sbin'],
    // sanoid installs no /etc/sanoid (only /etc/cron.d/sanoid and its units): the role makes it.
    packageDirs: { cron: ['/etc/cron.d'], sanoid: ['/etc/cron.d'] },
  },
  k3os: {
    title: 'k3OS',
    init: 'openrc',
    journalDir: undefined,
    syslogFiles: ['/var/log/messages'],
    auditdLog: undefined,
    k3sLog: { file: '/var/log/k3s-service.log' },
    packageManager: 'none (immutable image; upgraded as a whole)',
    provisioning: 'k3os-config',
    baseDirs: [],
    packageDirs: {},
  },
};

/** The facts of a node's OS. */
export function nodeOs(node: Pick<NodeSpec, 'os'>): NodeOsFacts {
  return NODE_OS[node.os];
}

/** The operating systems a cluster's nodes run, in the table's order. */
export function clusterOses(nodes: readonly Pick<NodeSpec, 'os'>[]): NodeOsName[] {
  return (Object.keys(NODE_OS) as NodeOsName[]).filter((os) => nodes.some((n) => n.os === os));
}
