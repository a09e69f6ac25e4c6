import { CERT_MANAGER_NAMESPACE } from '../ingress/cert-manager';
import { RenderedObject } from '../output/rendered';
import type { Yaml } from '../yaml/yaml';

/** A Secret a rendered object needs, and the keys it reads (empty: the whole Secret). */
export interface SecretReference {
  readonly namespace: string;
  readonly name: string;
  readonly keys: readonly string[];
  /** Who needs it, e.g. `Deployment/vpn/wireguard`. */
  readonly usedBy: string;
}

const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob']);

/**
 * Every Secret the rendered objects reference: pod volumes, env and envFrom of workloads,
 * and the DNS-01 token of an ACME ClusterIssuer (read from cert-manager's namespace). Secrets
 * Flux's bootstrap creates (flux-system) are not the user's to write.
 */
export function secretReferences(objects: readonly RenderedObject[]): SecretReference[] {
  const refs = new Map<string, { namespace: string; name: string; keys: Set<string>; usedBy: string }>();
  const add = (namespace: string, name: string, keys: string[], usedBy: string): void => {
    const id = `${namespace}/${name}`;
    const ref = refs.get(id) ?? { namespace, name, keys: new Set<string>(), usedBy };
    keys.forEach((k) => ref.keys.add(k));
    refs.set(id, ref);
  };
  for (const { manifest: m } of objects) {
    const usedBy = `${m.kind}/${m.metadata?.namespace ? `${m.metadata.namespace}/` : ''}${m.metadata?.name}`;
    if (WORKLOADS.has(m.kind)) {
      const pod = m.kind === 'CronJob' ? m.spec?.jobTemplate?.spec?.template?.spec : m.spec?.template?.spec;
      const ns = m.metadata.namespace ?? 'default';
      for (const v of pod?.volumes ?? []) {
        if (v.secret) add(ns, v.secret.secretName, (v.secret.items ?? []).map((i: Yaml) => i.key), usedBy);
      }
      for (const c of [...(pod?.initContainers ?? []), ...(pod?.containers ?? [])]) {
        for (const e of c.env ?? []) {
          if (e.valueFrom?.secretKeyRef) add(ns, e.valueFrom.secretKeyRef.name, [e.valueFrom.secretKeyRef.key], usedBy);
        }
        for (const e of c.envFrom ?? []) {
          if (e.secretRef) add(ns, e.secretRef.name, [], usedBy);
        }
      }
    }
    if (m.kind === 'ClusterIssuer') {
      for (const solver of m.spec?.acme?.solvers ?? []) {
        const token = solver.dns01?.cloudflare?.apiTokenSecretRef;
        if (token) add(CERT_MANAGER_NAMESPACE, token.name, [token.key], usedBy);
      }
    }
  }
  return [...refs.values()]
    .filter((r) => r.namespace !== 'flux-system')
    .map((r) => ({ namespace: r.namespace, name: r.name, keys: [...r.keys].sort(), usedBy: r.usedBy }))
    .sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`));
}

/** Where a Secret's encrypted file lives in the repository. */
export function secretFilePath(ref: { namespace: string; name: string }): string {
  return `secrets/${ref.namespace}/${ref.name}.sops.yaml`;
}

/** The commands that create a Secret's encrypted file (values typed by the user, never stored in clear). */
export function createSecretCommand(ref: SecretReference): string {
  const literals = (ref.keys.length > 0 ? ref.keys : ['KEY']).map((k) => `--from-literal=${k}=...`).join(' ');
  const file = secretFilePath(ref);
  return `kubectl create secret generic ${ref.name} -n ${ref.namespace} ${literals} --dry-run=client -o yaml > ${file} && sops --encrypt --in-place ${file}`;
}
