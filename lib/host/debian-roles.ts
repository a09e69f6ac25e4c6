import { Construct } from 'constructs';
import { stringifyYaml as stringify } from '../yaml/yaml-memo';
import { admissionConfiguration, ADMISSION_CONFIG_PATH, KUBELET_KERNEL_PARAMETERS, KUBELET_SYSCTL_FILE } from '../k3s/cis-hardening';
import { agentConfig, auditPolicy, serverConfig } from '../k3s/k3s-flags';
import { AUDIT_POLICY_PATH, K3S_MANIFESTS_DIR } from '../k3s/k3s-requirements';
import { serverNode, storageNode } from '../spec/nodes';
import { ClusterSpec } from '../spec/schema';
import { AnsibleRole, AnsibleTask } from './ansible-role';
import { bootstrapFiles } from './bootstrap-files';
import { KERNEL_MODULES, SYSCTLS } from './host-settings';
import { DEBIAN_RELEASES, DEFAULT_DEBIAN_RELEASE, debianRelease, nodeOs } from './node-os';

/* The roles of the Debian nodes: base system, ZFS, IPMI, k3s. */

const modprobe = (modules: readonly string[]): AnsibleTask => ({
  name: 'Load the kernel modules now',
  'ansible.builtin.command': { cmd: 'modprobe {{ item }}' },
  loop: [...modules],
  changed_when: false,
  tags: ['kernel'],
});

/** Packages, kernel settings, time, audit and the Ansible user, on every Debian node. */
export function baseRole(scope: Construct, spec: ClusterSpec): AnsibleRole {
  const sysctl = Object.entries(SYSCTLS).map(([k, v]) => `${k} = ${v}\n`).join('');
  return new AnsibleRole(scope, 'BaseRole', {
    name: 'base',
    tasks: [
      {
        name: 'Install the base packages',
        'ansible.builtin.apt': { name: ['ca-certificates', 'curl', 'procps', 'kmod', 'auditd', 'apparmor', 'systemd-timesyncd'], state: 'present', update_cache: true, cache_valid_time: 3600 },
      },
      {
        name: 'Set the kernel parameters Kubernetes and WireGuard need',
        'ansible.builtin.copy': { content: sysctl, dest: '/etc/sysctl.d/90-homelab.conf', owner: 'root', group: 'root', mode: '0644' },
        notify: 'Apply kernel parameters',
      },
      {
        name: 'Set the kernel parameters the kubelet requires (protect-kernel-defaults)',
        'ansible.builtin.copy': {
          content: Object.entries(KUBELET_KERNEL_PARAMETERS).map(([k, v]) => `${k} = ${v}\n`).join(''),
          dest: KUBELET_SYSCTL_FILE,
          owner: 'root',
          group: 'root',
          mode: '0644',
        },
        notify: 'Apply kernel parameters',
      },
      {
        // The kubelet exits at start when they differ, so they apply before the k3s role runs.
        name: 'Apply changed kernel parameters before k3s starts',
        'ansible.builtin.meta': 'flush_handlers',
      },
      {
        name: 'Load the kernel modules at boot',
        'ansible.builtin.copy': { content: `${KERNEL_MODULES.join('\n')}\n`, dest: '/etc/modules-load.d/homelab.conf', owner: 'root', group: 'root', mode: '0644' },
      },
      modprobe(KERNEL_MODULES),
      {
        name: 'Create the time sync configuration folder',
        'ansible.builtin.file': { path: '/etc/systemd/timesyncd.conf.d', state: 'directory', owner: 'root', group: 'root', mode: '0755' },
      },
      {
        name: 'Keep time with the configured servers',
        'ansible.builtin.copy': {
          content: `[Time]\nNTP=${spec.access.timeServers.join(' ')}\n`,
          dest: '/etc/systemd/timesyncd.conf.d/homelab.conf',
          owner: 'root',
          group: 'root',
          mode: '0644',
        },
      },
      {
        name: 'Create the Ansible user',
        'ansible.builtin.user': { name: spec.access.ansibleUser, groups: ['sudo'], append: true, shell: '/bin/bash' },
      },
      {
        name: 'Create the SSH folder of the Ansible user',
        'ansible.builtin.file': { path: `/home/${spec.access.ansibleUser}/.ssh`, state: 'directory', owner: spec.access.ansibleUser, group: spec.access.ansibleUser, mode: '0700' },
      },
      {
        name: 'Authorize the SSH keys of the Ansible user',
        'ansible.builtin.copy': {
          content: `${spec.access.sshAuthorizedKeys.join('\n')}\n`,
          dest: `/home/${spec.access.ansibleUser}/.ssh/authorized_keys`,
          owner: spec.access.ansibleUser,
          group: spec.access.ansibleUser,
          mode: '0600',
        },
      },
      {
        name: 'Run auditd',
        'ansible.builtin.systemd_service': { name: 'auditd', enabled: true, state: 'started' },
        tags: ['service'],
      },
    ],
    // Handlers run when notified whatever the tags; these honour --skip-tags kernel explicitly.
    handlers: [
      {
        name: 'Apply kernel parameters',
        'ansible.builtin.command': { cmd: 'sysctl --system' },
        changed_when: true,
        when: "'kernel' not in ansible_skip_tags",
      },
    ],
  });
}

/**
 * Creates a dataset with its properties, or brings an existing one's properties in line;
 * prints "changed" when it changed anything. Never destroys.
 */
const ENSURE_DATASET = `#!/usr/bin/env bash
set -euo pipefail
dataset="$1"
shift
if ! zfs list -H -o name "$dataset" >/dev/null 2>&1; then
  args=()
  for p in "$@"; do args+=(-o "$p"); done
  zfs create "\${args[@]}" "$dataset"
  echo changed
  exit 0
fi
for p in "$@"; do
  if [ "$(zfs get -H -o value "\${p%%=*}" "$dataset")" != "\${p#*=}" ]; then
    zfs set "$p" "$dataset"
    echo changed
  fi
done
`;

/**
 * OpenZFS from the storage node's Debian release (contrib on trixie; backports, pinned as
 * OpenZFS documents, on bookworm: DEBIAN_RELEASES), partitions, pool, datasets, sanoid.
 */
export function zfsRole(scope: Construct, spec: ClusterSpec): AnsibleRole {
  const node = storageNode(spec);
  // The spec rules keep the storage node on Debian; a node set rendered without them gets the default.
  const release = node.os === 'debian' ? debianRelease(node) : DEBIAN_RELEASES[DEFAULT_DEBIAN_RELEASE];
  const name = (pkg: string): string => release.packageNames[pkg] ?? pkg;
  const sources = [
    // contrib of the release itself (the installer enables main only), then backports when ZFS comes from there.
    ['Types: deb', 'URIs: http://deb.debian.org/debian', `Suites: ${release.codename} ${release.codename}-updates`, 'Components: contrib', 'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg'],
    ...(release.zfs.suite !== release.codename
      ? [['Types: deb', 'URIs: http://deb.debian.org/debian', `Suites: ${release.zfs.suite}`, `Components: ${release.zfs.components}`, 'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg']]
      : []),
  ];
  const tasks: AnsibleTask[] = [
    {
      name: `Enable ${release.zfs.suite === release.codename ? 'contrib' : `contrib and ${release.zfs.suite}`} (ZFS on Debian ${release.version} ${release.codename})`,
      'ansible.builtin.copy': {
        content: `${sources.map((stanza) => stanza.join('\n')).join('\n\n')}\n`,
        dest: '/etc/apt/sources.list.d/homelab-zfs.sources',
        owner: 'root',
        group: 'root',
        mode: '0644',
      },
    },
    ...(release.zfs.pin
      ? [
          {
            name: `Take ZFS from ${release.zfs.suite}`,
            'ansible.builtin.copy': {
              content: ['Package: src:zfs-linux', `Pin: release n=${release.zfs.suite}`, 'Pin-Priority: 990', ''].join('\n'),
              dest: '/etc/apt/preferences.d/90_zfs',
              owner: 'root',
              group: 'root',
              mode: '0644',
            },
          },
        ]
      : [
          {
            name: 'Remove the ZFS pin of an earlier release',
            'ansible.builtin.file': { path: '/etc/apt/preferences.d/90_zfs', state: 'absent' },
          },
        ]),
    {
      name: 'Install the ZFS kernel module (DKMS)',
      'ansible.builtin.apt': { name: [name('dpkg-dev'), name(`linux-headers-${node.arch}`), name('zfs-dkms')], state: 'present', update_cache: true },
      tags: ['zfs-module'],
    },
    {
      name: 'Install the ZFS tools, partitioning tools and sanoid',
      // The module comes from the task above; without recommends the tools do not pull it in again.
      'ansible.builtin.apt': { name: [name('zfsutils-linux'), name('gdisk'), name('sanoid')], state: 'present', update_cache: true, install_recommends: false },
    },
  ];
  for (const pool of spec.storage.pools) {
    const parts: string[] = [];
    pool.nvme?.devices.forEach((device, i) => {
      const partitions: [string, number][] = [[`homelab-slog-${pool.name}-${i}`, pool.nvme!.slogGiB]];
      if (pool.nvme!.l2arcGiB > 0) partitions.push([`homelab-l2arc-${pool.name}-${i}`, pool.nvme!.l2arcGiB]);
      for (const [label, size] of partitions) {
        parts.push(label);
        tasks.push({
          name: `Create partition ${label} on ${device}`,
          'ansible.builtin.command': {
            cmd: `sgdisk --new=0:0:+${size}G --typecode=0:bf01 --change-name=0:${label} ${device}`,
            creates: `/dev/disk/by-partlabel/${label}`,
          },
          tags: ['disk'],
        });
      }
    });
    const slog = parts.filter((p) => p.startsWith('homelab-slog')).map((p) => `/dev/disk/by-partlabel/${p}`);
    const l2arc = parts.filter((p) => p.startsWith('homelab-l2arc')).map((p) => `/dev/disk/by-partlabel/${p}`);
    const vdev = [...(pool.layout === 'single' ? [] : [pool.layout]), ...pool.disks];
    const log = slog.length > 1 ? ['log', 'mirror', ...slog] : slog.length === 1 ? ['log', ...slog] : [];
    const cache = l2arc.length > 0 ? ['cache', ...l2arc] : [];
    tasks.push(
      {
        name: `Check whether pool ${pool.name} exists`,
        'ansible.builtin.command': { cmd: `zpool list -H -o name ${pool.name}` },
        register: `pool_${pool.name.replace(/-/g, '_')}`,
        changed_when: false,
        failed_when: false,
        tags: ['disk'],
      },
      {
        // Never destroys or re-creates: only runs when the pool does not exist at all.
        name: `Create pool ${pool.name}`,
        'ansible.builtin.command': {
          argv: [
            'zpool',
            'create',
            '-o',
            `ashift=${pool.ashift}`,
            ...['compression=lz4', 'atime=off', 'xattr=sa', 'acltype=posixacl'].flatMap((o) => ['-O', o]),
            pool.name,
            ...vdev,
            ...log,
            ...cache,
          ],
        },
        when: `pool_${pool.name.replace(/-/g, '_')}.rc != 0`,
        changed_when: true,
        tags: ['disk'],
      },
    );
  }
  tasks.push({
    name: 'Install the dataset helper',
    'ansible.builtin.copy': { src: 'homelab-ensure-dataset', dest: '/usr/local/sbin/homelab-ensure-dataset', owner: 'root', group: 'root', mode: '0750' },
  });
  for (const d of spec.storage.datasets) {
    tasks.push({
      name: `Create dataset ${d.pool}/${d.name} with its properties`,
      'ansible.builtin.command': {
        argv: [
          '/usr/local/sbin/homelab-ensure-dataset',
          `${d.pool}/${d.name}`,
          `recordsize=${d.recordsize}`,
          `compression=${d.compression}`,
          `quota=${d.quotaGiB ? `${d.quotaGiB}G` : 'none'}`,
        ],
      },
      register: 'dataset_result',
      changed_when: "'changed' in dataset_result.stdout",
      tags: ['disk'],
    });
  }
  const sanoid = spec.storage.datasets
    .map((d) => `[${d.pool}/${d.name}]\n  use_template = ${d.backup ? 'backed_up' : 'local'}\n`)
    .join('\n');
  tasks.push({
    name: 'Create the sanoid configuration folder',
    'ansible.builtin.file': { path: '/etc/sanoid', state: 'directory', owner: 'root', group: 'root', mode: '0755' },
  });
  tasks.push({
    name: 'Configure sanoid snapshots',
    'ansible.builtin.copy': {
      content: [
        sanoid,
        '[template_backed_up]\n  hourly = 24\n  daily = 30\n  monthly = 6\n  autosnap = yes\n  autoprune = yes\n',
        '[template_local]\n  hourly = 24\n  daily = 7\n  monthly = 0\n  autosnap = yes\n  autoprune = yes\n',
      ].join('\n'),
      dest: '/etc/sanoid/sanoid.conf',
      owner: 'root',
      group: 'root',
      mode: '0644',
    },
  });
  return new AnsibleRole(scope, 'ZfsRole', { name: 'zfs', tasks, files: { 'homelab-ensure-dataset': ENSURE_DATASET } });
}

/** The BMC: kernel drivers, ipmitool, and the system event log forwarded to the journal. */
export function ipmiRole(scope: Construct): AnsibleRole {
  const modules = ['ipmi_si', 'ipmi_devintf'];
  return new AnsibleRole(scope, 'IpmiRole', {
    name: 'ipmi',
    tasks: [
      {
        name: 'Install ipmitool and the SEL-to-syslog daemon',
        'ansible.builtin.apt': { name: ['ipmitool', 'freeipmi-ipmiseld'], state: 'present' },
      },
      {
        name: 'Load the IPMI drivers at boot',
        'ansible.builtin.copy': { content: `${modules.join('\n')}\n`, dest: '/etc/modules-load.d/ipmi.conf', owner: 'root', group: 'root', mode: '0644' },
      },
      modprobe(modules),
      {
        name: 'Forward the system event log to the journal',
        'ansible.builtin.systemd_service': { name: 'ipmiseld', enabled: true, state: 'started' },
        tags: ['service'],
      },
    ],
  });
}

/** The k3s release asset names by architecture. */
const K3S_ASSET: Record<string, string> = { amd64: 'k3s', arm64: 'k3s-arm64' };

/**
 * k3s on a Debian node, at the node's version: the binary with its published checksum, its
 * config.yaml from the spec, the token from the vault (`homelab_k3s_token`), and its unit.
 */
export function k3sRole(scope: Construct, spec: ClusterSpec): AnsibleRole {
  // A Debian control plane gets the first-boot manifests (CNI, Flux) the k3OS one gets in write_files.
  const bootstrap = nodeOs(serverNode(spec)).provisioning === 'ansible' ? bootstrapFiles(spec) : [];
  const bootstrapTasks: AnsibleTask[] =
    bootstrap.length === 0
      ? []
      : [
          {
            name: 'Create the k3s auto-deploy folder (control plane)',
            'ansible.builtin.file': { path: K3S_MANIFESTS_DIR, state: 'directory', owner: 'root', group: 'root', mode: '0700' },
            when: "k3s_role == 'server'",
          },
          {
            name: 'Write the first-boot manifests: CNI, Flux and its root sync (control plane)',
            'ansible.builtin.copy': { src: 'manifests/{{ item }}', dest: `${K3S_MANIFESTS_DIR}/{{ item }}`, owner: 'root', group: 'root', mode: '0600' },
            loop: bootstrap.map((f) => f.fileName),
            when: "k3s_role == 'server'",
          },
        ];
  const release = 'https://github.com/k3s-io/k3s/releases/download/{{ k3s_version | urlencode }}';
  const configs = Object.fromEntries(
    spec.nodes
      .filter((n) => n.os === 'debian')
      .map((n) => [
        `config-${n.name}.yaml`,
        stringify({ ...(n.role === 'server' ? serverConfig(spec, n) : agentConfig(spec, n)), 'token-file': '/etc/rancher/k3s/token' }),
      ]),
  );
  const unit = (role: string): string =>
    [
      '[Unit]',
      `Description=k3s ${role}`,
      'Wants=network-online.target',
      'After=network-online.target',
      '',
      '[Service]',
      'Type=notify',
      `ExecStart=/usr/local/bin/k3s ${role}`,
      'KillMode=process',
      'Delegate=yes',
      'LimitNOFILE=1048576',
      'Restart=always',
      'RestartSec=5s',
      '',
      '[Install]',
      'WantedBy=multi-user.target',
      '',
    ].join('\n');
  return new AnsibleRole(scope, 'K3sRole', {
    name: 'k3s',
    tasks: [
      {
        name: 'Download k3s and verify it against the published checksums',
        'ansible.builtin.get_url': {
          url: `${release}/{{ k3s_asset }}`,
          checksum: `sha256:${release}/sha256sum-{{ k3s_arch }}.txt`,
          dest: '/usr/local/bin/k3s',
          owner: 'root',
          group: 'root',
          mode: '0755',
        },
        vars: { k3s_asset: `{{ '${K3S_ASSET.arm64}' if k3s_arch == 'arm64' else '${K3S_ASSET.amd64}' }}` },
        notify: 'Restart k3s',
        tags: ['download'],
      },
      {
        name: 'Create the k3s configuration folder',
        'ansible.builtin.file': { path: '/etc/rancher/k3s', state: 'directory', owner: 'root', group: 'root', mode: '0700' },
      },
      {
        name: 'Write the k3s configuration',
        'ansible.builtin.copy': { src: 'config-{{ inventory_hostname }}.yaml', dest: '/etc/rancher/k3s/config.yaml', owner: 'root', group: 'root', mode: '0600' },
        notify: 'Restart k3s',
      },
      {
        name: 'Write the cluster token from the vault',
        'ansible.builtin.copy': { content: '{{ homelab_k3s_token }}\n', dest: '/etc/rancher/k3s/token', owner: 'root', group: 'root', mode: '0600' },
        no_log: true,
      },
      {
        name: 'Create the server folder (control plane)',
        'ansible.builtin.file': { path: AUDIT_POLICY_PATH.replace(/\/[^/]+$/, ''), state: 'directory', owner: 'root', group: 'root', mode: '0700' },
        when: "k3s_role == 'server'",
      },
      {
        name: 'Write the audit policy (control plane)',
        'ansible.builtin.copy': { content: stringify(auditPolicy()), dest: AUDIT_POLICY_PATH, owner: 'root', group: 'root', mode: '0600' },
        when: "k3s_role == 'server'",
      },
      ...bootstrapTasks,
      {
        name: 'Write the admission configuration: Pod Security and event rate limit (control plane)',
        'ansible.builtin.copy': { content: stringify(admissionConfiguration()), dest: ADMISSION_CONFIG_PATH, owner: 'root', group: 'root', mode: '0600' },
        when: "k3s_role == 'server'",
        notify: 'Restart k3s',
      },
      {
        name: 'Install the k3s unit',
        'ansible.builtin.copy': {
          src: "k3s-{{ 'server' if k3s_role == 'server' else 'agent' }}.service",
          dest: "/etc/systemd/system/{{ 'k3s' if k3s_role == 'server' else 'k3s-agent' }}.service",
          owner: 'root',
          group: 'root',
          mode: '0644',
        },
        notify: 'Restart k3s',
      },
      {
        name: 'Run k3s',
        'ansible.builtin.systemd_service': { name: "{{ 'k3s' if k3s_role == 'server' else 'k3s-agent' }}", enabled: true, state: 'started', daemon_reload: true },
        tags: ['service'],
      },
    ],
    handlers: [
      {
        name: 'Restart k3s',
        'ansible.builtin.systemd_service': { name: "{{ 'k3s' if k3s_role == 'server' else 'k3s-agent' }}", state: 'restarted', daemon_reload: true },
        when: "'service' not in ansible_skip_tags",
      },
    ],
    files: { ...configs, ...Object.fromEntries(bootstrap.map((f) => [`manifests/${f.fileName}`, f.content])), 'k3s-server.service': unit('server'), 'k3s-agent.service': unit('agent') },
  });
}
