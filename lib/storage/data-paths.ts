import { describeObject, RenderedObject } from '../output/rendered';
import type { Yaml } from '../yaml/yaml';

/** Where a claim's data lives on the storage node, and which object says so. */
export interface DataPath {
  readonly claim: string;
  readonly path: string;
}

/** The csi-driver-nfs `subDir` variables that are names the spec gives (never generated). */
const NAMED_VARIABLES: Readonly<Record<string, (ns: string, name: string) => string>> = {
  '${pvc.metadata.namespace}': (ns) => ns,
  '${pvc.metadata.name}': (_ns, name) => name,
};

/**
 * The host path of every claim's data: `share/subDir` of its NFS StorageClass with the claim's
 * namespace and name filled in, or the local path of the volume it is bound to by name. A data
 * path that depends on anything generated at run time (the PV's `pvc-<uid>` name, a volume
 * handle) would not survive a rebuild of the cluster: it is returned as a problem.
 */
export function dataPaths(objects: readonly RenderedObject[]): { paths: DataPath[]; problems: string[] } {
  const manifests = objects.map((o) => o.manifest);
  const classes = new Map(manifests.filter((m) => m.kind === 'StorageClass').map((m) => [m.metadata.name, m]));
  const volumes = new Map(manifests.filter((m) => m.kind === 'PersistentVolume').map((m) => [m.metadata.name, m]));
  const claims: { ns: string; name: string; spec: Yaml; where: string }[] = [];
  for (const m of manifests) {
    if (m.kind === 'PersistentVolumeClaim') {
      claims.push({ ns: m.metadata.namespace, name: m.metadata.name, spec: m.spec, where: describeObject(m) });
    }
    if (m.kind === 'StatefulSet') {
      for (const t of m.spec.volumeClaimTemplates ?? []) {
        for (let i = 0; i < (m.spec.replicas ?? 1); i++) {
          const name = `${t.metadata.name}-${m.metadata.name}-${i}`;
          claims.push({ ns: m.metadata.namespace, name, spec: t.spec, where: `${describeObject(m)} claim ${name}` });
        }
      }
    }
  }
  const paths: DataPath[] = [];
  const problems: string[] = [];
  for (const c of claims) {
    const id = `${c.ns}/${c.name}`;
    if (c.spec.volumeName) {
      const pv = volumes.get(c.spec.volumeName);
      const local = pv?.spec?.local?.path ?? pv?.spec?.hostPath?.path;
      if (local === undefined) problems.push(`${c.where}: bound to volume ${c.spec.volumeName}, which is not rendered with a local path`);
      else paths.push({ claim: id, path: local });
      continue;
    }
    const sc = classes.get(c.spec.storageClassName);
    if (sc === undefined || sc.provisioner !== 'nfs.csi.k8s.io') {
      problems.push(`${c.where}: StorageClass "${c.spec.storageClassName}" is not a rendered NFS class, so its data path is unknown`);
      continue;
    }
    const sub: string = sc.parameters?.subDir ?? '';
    const filled = Object.entries(NAMED_VARIABLES).reduce((s, [v, f]) => s.split(v).join(f(c.ns, c.name)), sub);
    const unnamed = filled.match(/\$\{[^}]+\}/g);
    if (sub === '' || unnamed) {
      problems.push(
        `StorageClass/${sc.metadata.name}: subDir "${sub}" makes the data path of ${id} depend on ${unnamed ? unnamed.join(', ') : 'a generated volume name'}; ` +
          'use only ${pvc.metadata.namespace} and ${pvc.metadata.name}',
      );
      continue;
    }
    paths.push({ claim: id, path: `${sc.parameters.share}/${filled}` });
  }
  return { paths: paths.sort((a, b) => a.claim.localeCompare(b.claim)), problems };
}
