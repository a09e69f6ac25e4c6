import { serverNode } from '../spec/nodes';
import { ClusterSpec, NodeSpec } from '../spec/schema';
import { hardenedNodeConfig, hardenedServerConfig } from './cis-hardening';
import { AUDIT_LOG_PATH, AUDIT_POLICY_PATH, K3sServerConfig, networkingServerConfig } from './k3s-requirements';

/** The taint that keeps everything but node agents off the control plane. */
export const CONTROL_PLANE_TAINT_FLAG = 'node-role.kubernetes.io/control-plane=true:NoSchedule';

/** How long API audit logs are kept on the control plane. */
const AUDIT_RETENTION = { maxage: 30, maxbackup: 10, maxsize: 100 };

/** Everything the server is configured with, as k3s config keys (config.yaml form). */
export function serverConfig(spec: ClusterSpec, node: NodeSpec): K3sServerConfig {
  const hardened = hardenedServerConfig();
  return {
    ...networkingServerConfig(spec),
    ...hardenedNodeConfig(),
    'secrets-encryption': hardened['secrets-encryption'],
    'node-ip': node.ip,
    'node-taint': [CONTROL_PLANE_TAINT_FLAG],
    'write-kubeconfig-mode': '0600',
    'kube-apiserver-arg': [
      `audit-policy-file=${AUDIT_POLICY_PATH}`,
      `audit-log-path=${AUDIT_LOG_PATH}`,
      `audit-log-maxage=${AUDIT_RETENTION.maxage}`,
      `audit-log-maxbackup=${AUDIT_RETENTION.maxbackup}`,
      `audit-log-maxsize=${AUDIT_RETENTION.maxsize}`,
      ...hardened['kube-apiserver-arg'],
    ],
    'kube-controller-manager-arg': hardened['kube-controller-manager-arg'],
  };
}

/** An agent's configuration: where the server is, its own address and labels, the hardened kubelet. */
export function agentConfig(spec: ClusterSpec, node: NodeSpec): K3sServerConfig {
  return {
    server: `https://${serverNode(spec).ip}:6443`,
    'node-ip': node.ip,
    ...(Object.keys(node.labels).length > 0
      ? { 'node-label': Object.entries(node.labels).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}=${v}`) }
      : {}),
    ...hardenedNodeConfig(),
  };
}

/** k3s command-line arguments from config keys: `--key=value`, `--flag` for true, repeated for lists. */
export function toK3sArgs(config: K3sServerConfig): string[] {
  return Object.entries(config).flatMap(([key, value]) => {
    if (value === true) return [`--${key}`];
    if (Array.isArray(value)) return value.map((v) => `--${key}=${v}`);
    return [`--${key}=${String(value)}`];
  });
}

/** The reverse of toK3sArgs, for checks: repeated flags become lists, bare flags `true`. */
export function parseK3sArgs(args: readonly string[]): Record<string, string | boolean | string[]> {
  const out: Record<string, string | boolean | string[]> = {};
  const repeated = new Set([
    'disable', 'node-taint', 'node-label',
    'kube-apiserver-arg', 'kube-controller-manager-arg', 'kube-scheduler-arg', 'kubelet-arg', 'kube-proxy-arg',
  ]);
  for (const arg of args.filter((a) => a.startsWith('--'))) {
    const [key, ...rest] = arg.slice(2).split('=');
    const value = rest.length > 0 ? rest.join('=') : true;
    if (repeated.has(key)) {
      out[key] = [...((out[key] as string[] | undefined) ?? []), String(value)];
    } else {
      out[key] = value;
    }
  }
  return out;
}

/** The Kubernetes API audit policy: who changed what, metadata only for secrets, no read noise. */
export function auditPolicy(): Record<string, unknown> {
  return {
    apiVersion: 'audit.k8s.io/v1',
    kind: 'Policy',
    omitStages: ['RequestReceived'],
    rules: [
      { level: 'None', nonResourceURLs: ['/healthz*', '/readyz*', '/livez*', '/version'] },
      { level: 'None', users: ['system:kube-proxy'], verbs: ['watch'] },
      {
        level: 'Metadata',
        resources: [
          { group: '', resources: ['secrets', 'configmaps'] },
          { group: 'authentication.k8s.io', resources: ['tokenreviews'] },
        ],
      },
      { level: 'None', verbs: ['get', 'list', 'watch'] },
      { level: 'Request' },
    ],
  };
}
