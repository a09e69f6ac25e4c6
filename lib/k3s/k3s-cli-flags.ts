/*
 * The flags the k3s CLI accepts, as a derived table: the long name (the config.yaml key) of
 * every flag defined in k3s's `pkg/cli/cmds` sources and its CLI reference, each group with
 * the file and commit it was read from. It is the judge of what host provisioning renders:
 * a key that is not here is a key k3s refuses (`flag provided but not defined`) or, in
 * config.yaml, silently ignores.
 *
 * How it was derived (docs/decisions/0102-k3s-cis-hardening.md): the source of the pinned
 * tag (v1.33.11+k3s1) could not be brought here (the k3s-io/k3s snapshot is over the
 * size limit and the Go module proxy does not serve it), so the names were read from the
 * stored versions of `pkg/cli/cmds/server.go` and `agent.go` named below, and completed
 * with the flags that the k3s CLI reference (k3s-io/docs `docs/cli/server.md`, `agent.md`,
 * `secrets-encrypt.md`) documents for the current release lines, with their version gates.
 * Names only, no code. When k3s.version moves, re-read the files at the new tag and update
 * the groups here; a flag k3s removed shows up as a check failure, not as a silent change.
 */

export interface K3sCliSource {
  /** Repository and path the names were read from. */
  readonly file: string;
  /** The commit of that file, or the version gate the reference documents. */
  readonly at: string;
}

interface FlagGroup {
  readonly source: K3sCliSource;
  readonly flags: readonly string[];
}

const SERVER_GO: K3sCliSource = { file: 'k3s-io/k3s pkg/cli/cmds/server.go', at: '005499a940eafe99977bcabd6991a888a4cb6642' };
const SERVER_GO_OLDER: K3sCliSource = { file: 'k3s-io/k3s pkg/cli/cmds/server.go', at: '4dcfdfb577f94c0f7abd3caeb48da26718437c55' };
const AGENT_GO: K3sCliSource = { file: 'k3s-io/k3s pkg/cli/cmds/agent.go', at: '00cc29ba2779b5a8ac2a76e234080d8ab685a8ad' };
const SERVER_REFERENCE: K3sCliSource = { file: 'k3s-io/docs docs/cli/server.md', at: '02434960d6d5881e47ae8a1c857c4b51f23deec6' };
const SECRETS_ENCRYPT_GO: K3sCliSource = { file: 'k3s-io/k3s pkg/cli/cmds/secrets_encrypt.go', at: '0663681a3d6bc7b5cecb4e46ae75dfcae056a108' };
const SECRETS_ENCRYPT_REFERENCE: K3sCliSource = {
  file: 'k3s-io/docs docs/cli/secrets-encrypt.md',
  at: '16cb553c8376b95e1081dd49d8b89d40433f4e41 (rotate-keys: "available as of v1.30.5+k3s1, v1.31.1+k3s1")',
};

/** Flags `k3s agent` defines itself; a server runs an agent and accepts them too. */
const AGENT_FLAGS: FlagGroup = {
  source: AGENT_GO,
  flags: [
    'token', 'token-file', 'server', 'data-dir', 'node-name', 'with-node-id', 'node-label', 'node-taint',
    'image-credential-provider-bin-dir', 'image-credential-provider-config', 'selinux', 'lb-server-port',
    'protect-kernel-defaults', 'container-runtime-endpoint', 'pause-image', 'snapshotter', 'private-registry',
    'airgap-extra-registry', 'node-ip', 'node-external-ip', 'resolv-conf', 'flannel-iface', 'flannel-conf',
    'flannel-cni-conf', 'kubelet-arg', 'kube-proxy-arg', 'rootless', 'docker', 'vpn-auth', 'vpn-auth-file',
  ],
};

const SERVER_GROUPS: readonly FlagGroup[] = [
  {
    source: SERVER_GO,
    flags: [
      'bind-address', 'https-listen-port', 'advertise-address', 'advertise-port', 'tls-san', 'tls-san-security',
      'data-dir', 'cluster-cidr', 'service-cidr', 'service-node-port-range', 'cluster-dns', 'cluster-domain',
      'flannel-backend', 'flannel-ipv6-masq', 'flannel-external-ip', 'egress-selector-mode', 'servicelb-namespace',
      'write-kubeconfig', 'write-kubeconfig-mode', 'write-kubeconfig-group', 'helm-job-image', 'token', 'token-file',
      'agent-token', 'agent-token-file', 'server', 'cluster-init', 'cluster-reset', 'cluster-reset-restore-path',
      'kube-apiserver-arg', 'etcd-arg', 'kube-controller-manager-arg', 'kube-scheduler-arg',
      'kube-cloud-controller-manager-arg', 'datastore-endpoint', 'datastore-cafile', 'datastore-certfile',
      'datastore-keyfile', 'etcd-expose-metrics', 'etcd-disable-snapshots', 'etcd-snapshot-name',
      'etcd-snapshot-schedule-cron', 'etcd-snapshot-retention', 'etcd-snapshot-dir', 'etcd-snapshot-compress',
      'etcd-s3', 'etcd-s3-endpoint', 'etcd-s3-endpoint-ca', 'etcd-s3-skip-ssl-verify', 'etcd-s3-access-key',
      'etcd-s3-secret-key', 'etcd-s3-bucket', 'etcd-s3-region', 'etcd-s3-folder', 'etcd-s3-insecure',
      'etcd-s3-timeout', 'default-local-storage-path', 'disable', 'disable-scheduler', 'disable-cloud-controller',
      'disable-kube-proxy', 'disable-network-policy',
    ],
  },
  {
    source: SERVER_GO_OLDER,
    flags: [
      'disable-helm-controller', 'disable-apiserver', 'disable-controller-manager', 'disable-etcd',
      'secrets-encryption', 'system-default-registry',
      // The agent flags a server lists in its own flag set.
      ...AGENT_FLAGS.flags.filter((f) => !['flannel-cni-conf', 'vpn-auth', 'vpn-auth-file'].includes(f)),
    ],
  },
  { source: SERVER_REFERENCE, flags: ['secrets-encryption-provider', 'etcd-s3-proxy', 'etcd-s3-config-secret', 'embedded-registry'] },
];

/** Every config key `k3s server` accepts, with where it was read. */
export const K3S_SERVER_FLAGS: ReadonlyMap<string, K3sCliSource> = toMap(SERVER_GROUPS);
/** Every config key `k3s agent` accepts, with where it was read. */
export const K3S_AGENT_FLAGS: ReadonlyMap<string, K3sCliSource> = toMap([AGENT_FLAGS]);

/** A `k3s secrets-encrypt` subcommand: its flags (long names) and where it was read. */
export interface SecretsEncryptSubcommand {
  readonly flags: readonly string[];
  readonly source: K3sCliSource;
}

const ENCRYPT_FLAGS = ['data-dir', 'token', 'server'];

/** The subcommands of `k3s secrets-encrypt` and their flags. */
export const K3S_SECRETS_ENCRYPT: ReadonlyMap<string, SecretsEncryptSubcommand> = new Map([
  ['status', { flags: [...ENCRYPT_FLAGS, 'output'], source: SECRETS_ENCRYPT_GO }],
  ['enable', { flags: ENCRYPT_FLAGS, source: SECRETS_ENCRYPT_GO }],
  ['disable', { flags: ENCRYPT_FLAGS, source: SECRETS_ENCRYPT_GO }],
  ['prepare', { flags: [...ENCRYPT_FLAGS, 'force'], source: SECRETS_ENCRYPT_GO }],
  ['rotate', { flags: [...ENCRYPT_FLAGS, 'force'], source: SECRETS_ENCRYPT_GO }],
  ['reencrypt', { flags: [...ENCRYPT_FLAGS, 'force', 'skip'], source: SECRETS_ENCRYPT_GO }],
  ['rotate-keys', { flags: ENCRYPT_FLAGS, source: SECRETS_ENCRYPT_REFERENCE }],
]);

function toMap(groups: readonly FlagGroup[]): ReadonlyMap<string, K3sCliSource> {
  const map = new Map<string, K3sCliSource>();
  for (const group of groups) for (const flag of group.flags) if (!map.has(flag)) map.set(flag, group.source);
  return map;
}

/** The keys of a rendered k3s configuration that `k3s <role>` does not define, sorted. */
export function undefinedK3sFlags(role: 'server' | 'agent', keys: Iterable<string>): string[] {
  const known = role === 'server' ? K3S_SERVER_FLAGS : K3S_AGENT_FLAGS;
  return [...new Set(keys)].filter((k) => !known.has(k)).sort();
}
