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

/** Where k3s keeps CNI plugins (a stable folder since k3s-io/k3s#10868) and CNI configs. */
export const K3S_CNI_BIN_DIR = '/var/lib/rancher/k3s/data/cni';
export const K3S_CNI_CONF_DIR = '/var/lib/rancher/k3s/agent/etc/cni/net.d';

/**
 * Every way `actual` (a server's rendered k3s config) differs from what the layers require:
 * one message per key, naming the value required and the value found.
 */
export function serverConfigMismatches(required: K3sServerConfig, actual: Readonly<Record<string, unknown>>, where: string): string[] {
  const show = (v: unknown): string => (v === undefined ? '(not set)' : JSON.stringify(v));
  return Object.entries(required)
    .filter(([key, value]) => JSON.stringify(actual[key]) !== JSON.stringify(value))
    .map(([key, value]) => `${where}: k3s ${key} is ${show(actual[key])}, but the networking layer requires ${show(value)}`);
}
