import { ClusterSpec } from '../spec/schema';

/*
 * What the layers require of the k3s server, as data. Host provisioning (k3OS config of
 * the server, Ansible for agents) renders these flags, and a cross-layer check compares
 * what it rendered with what is required here.
 */

/** Where the k3s server writes the Kubernetes API audit log; the log collector reads it. */
export const AUDIT_LOG_PATH = '/var/lib/rancher/k3s/server/logs/audit.log';
/** Where the audit policy file lives on the server. */
export const AUDIT_POLICY_PATH = '/var/lib/rancher/k3s/server/audit-policy.yaml';
/** The k3s auto-deploy folder: manifests here are applied by the server at start. */
export const K3S_MANIFESTS_DIR = '/var/lib/rancher/k3s/server/manifests';

/** k3s server configuration keys (as in /etc/rancher/k3s/config.yaml) and their values. */
export type K3sServerConfig = Readonly<Record<string, string | boolean | readonly string[]>>;

/**
 * The server settings the networking choices (Calico CNI with its own network policy,
 * MetalLB instead of servicelb, Traefik from Flux) and the spec's CIDRs require.
 */
export function networkingServerConfig(spec: ClusterSpec): K3sServerConfig {
  return {
    'flannel-backend': 'none',
    'disable-network-policy': true,
    disable: ['servicelb', 'traefik'],
    'cluster-cidr': spec.network.podCidr,
    'service-cidr': spec.network.serviceCidr,
  };
}

function show(value: K3sServerConfig[string] | undefined): string {
  return value === undefined ? 'missing' : JSON.stringify(value);
}

/**
 * Every way `actual` (a server config host provisioning rendered) disagrees with
 * `required`, one line per key: `<key>: is <actual>, must be <required>`. Keys of
 * `actual` that nothing requires are not compared. For a list flag, every required item
 * must be present (extra items are allowed: another layer may disable more).
 */
export function serverConfigMismatches(actual: K3sServerConfig, required: K3sServerConfig): string[] {
  return Object.keys(required)
    .sort()
    .flatMap((key) => {
      const want = required[key];
      const have = actual[key];
      if (Array.isArray(want)) {
        const items = Array.isArray(have) ? have : [];
        const missing = want.filter((w) => !items.includes(w));
        return missing.length === 0 ? [] : [`${key}: is ${show(have)}, must include ${JSON.stringify(missing)}`];
      }
      return have === want ? [] : [`${key}: is ${show(have)}, must be ${show(want)}`];
    });
}
