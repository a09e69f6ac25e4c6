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

export type DebianReleaseName = 'trixie' | 'bookworm';

/** The Debian releases a node may run, and what the generated files rely on in each. */
export interface DebianReleaseFacts {
  readonly codename: DebianReleaseName;
  readonly version: number;
  /**
   * Where OpenZFS comes from: the release's own contrib (trixie) or its backports (bookworm,
   * pinned as OpenZFS's Debian guide says, since bookworm's own 2.1 is older than backports' 2.3).
   */
  readonly zfs: { readonly suite: string; readonly components: string; readonly pin: boolean; readonly version: string };
  /** Versions the release ships of the programs our scripts call (flags checked against them). */
  readonly restic: string;
  readonly sanoid: string;
  /**
   * Package names that differ from the ones the roles use (none do today for the packages we
   * install; the map is where a rename goes).
   */
  readonly packageNames: Readonly<Record<string, string>>;
  /** Regular security support (then LTS), from Debian's release pages. */
  readonly securitySupportUntil: string;
}

/*
 * Versions: packages.debian.org for trixie (13.x) and bookworm(-backports), checked again by
 * the converge test, which installs them in a debootstrap root of each release. restic 0.14
 * (bookworm) and 0.18 (trixie) both have `backup --time --tag --host` and
 * `forget --group-by host,paths --keep-* --prune`, which is all the backup script uses.
 */
export const DEBIAN_RELEASES: Readonly<Record<DebianReleaseName, DebianReleaseFacts>> = {
  trixie: {
    codename: 'trixie',
    version: 13,
    zfs: { suite: 'trixie', components: 'contrib', pin: false, version: '2.3.9' },
    restic: '0.18.0',
    sanoid: '2.2.0',
    packageNames: {},
    securitySupportUntil: '2028-08-09',
  },
  bookworm: {
    codename: 'bookworm',
    version: 12,
    zfs: { suite: 'bookworm-backports', components: 'main contrib', pin: true, version: '2.3.2' },
    restic: '0.14.0',
    sanoid: '2.1.0',
    packageNames: {},
    securitySupportUntil: '2026-06-10',
  },
};

/** The default release for a debian node: the current stable. */
export const DEFAULT_DEBIAN_RELEASE: DebianReleaseName = 'trixie';

/** The Debian release of a debian node (the spec's, else the current stable). */
export function debianRelease(node: Pick<NodeSpec, 'os' | 'debianRelease'>): DebianReleaseFacts {
  if (node.os !== 'debian') {
    throw new Error(`a ${node.os} node has no Debian release`);
  }
  return DEBIAN_RELEASES[node.debianRelease ?? DEFAULT_DEBIAN_RELEASE];
}
