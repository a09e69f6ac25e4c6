import * as k8s from 'cdk8s-plus-33/lib/imports/k8s';
import { Construct } from 'constructs';
import { OBSERVABILITY_NAMESPACE as NS } from '../constants';

/* The small pieces every workload of the monitoring stack is made of. */

export const q = (v: string): k8s.Quantity => k8s.Quantity.fromString(v);
export const resources = (cpu: string, memory: string, limit: string): k8s.ResourceRequirements => ({
  requests: { cpu: q(cpu), memory: q(memory) },
  limits: { memory: q(limit) },
});
export const nonRoot = (uid: number): k8s.PodSecurityContext => ({
  runAsNonRoot: true,
  runAsUser: uid,
  runAsGroup: uid,
  fsGroup: uid,
  seccompProfile: { type: 'RuntimeDefault' },
});
export const httpProbe = (port: number, path: string): k8s.Probe => ({
  httpGet: { path, port: k8s.IntOrString.fromNumber(port) },
  periodSeconds: 15,
});

/** A ServiceAccount bound to a ClusterRole with exactly `rules`. */
export function serviceAccount(scope: Construct, name: string, rules: k8s.PolicyRule[]): string {
  new k8s.KubeServiceAccount(scope, `${name}-sa`, { metadata: { name, namespace: NS }, automountServiceAccountToken: false });
  new k8s.KubeClusterRole(scope, `${name}-role`, { metadata: { name: `homelab:${name}` }, rules });
  new k8s.KubeClusterRoleBinding(scope, `${name}-binding`, {
    metadata: { name: `homelab:${name}` },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: `homelab:${name}` },
    subjects: [{ kind: 'ServiceAccount', name, namespace: NS }],
  });
  return name;
}

export function service(scope: Construct, name: string, selector: Record<string, string>, port: number): void {
  new k8s.KubeService(scope, `${name}-svc`, {
    metadata: { name, namespace: NS },
    spec: { selector, ports: [{ name: 'http', port, targetPort: k8s.IntOrString.fromNumber(port) }] },
  });
}

export function configMap(scope: Construct, name: string, data: Record<string, string>): void {
  new k8s.KubeConfigMap(scope, `${name}-cm`, { metadata: { name, namespace: NS }, data });
}
