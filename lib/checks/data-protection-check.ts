import { parseYamlDocuments } from '../yaml/yaml-memo';
import { holdsData, PRUNE_KEY } from '../storage/data-volume';
import { describeObject, RenderedCluster } from '../output/rendered';
import { Check, CheckContext, EMPTY_CONTEXT, Finding } from './check';

/** The data-bearing objects in a set of rendered files, by `Kind/namespace/name`. */
export function dataObjects(files: ReadonlyMap<string, string>): Map<string, string> {
  const found = new Map<string, string>();
  for (const [path, content] of files) {
    if (!path.startsWith('dist/') || !/^kind: (PersistentVolumeClaim|PersistentVolume|StatefulSet|Namespace)$/m.test(content)) {
      continue;
    }
    for (const m of parseYamlDocuments(content)) {
      if (holdsData(m)) {
        found.set(describeObject(m), path);
      }
    }
  }
  return found;
}

/**
 * No push loses data:
 * - every claim and volume, and every namespace that holds claims, carries Flux's prune
 *   protection, so deleting it from git never deletes it from the cluster;
 * - an object that held data in the previous synth and is missing now (removed or renamed)
 *   stops the synth, unless the user passed `--allow-data-loss` (then it is a warning).
 */
export class DataProtectionCheck implements Check {
  public readonly name = 'data-protection';

  public async run(cluster: RenderedCluster, context: CheckContext = EMPTY_CONTEXT): Promise<Finding[]> {
    const findings: Finding[] = [];
    const claimNamespaces = new Set<string>();
    for (const { file, manifest: m } of cluster.objects) {
      if (m.kind === 'PersistentVolumeClaim' || m.kind === 'PersistentVolume') {
        claimNamespaces.add(m.metadata.namespace);
        if (m.metadata.annotations?.[PRUNE_KEY] !== 'disabled') {
          findings.push(this.finding('error', `${file}: ${describeObject(m)}: holds data but lacks ${PRUNE_KEY}: disabled`));
        }
      }
    }
    for (const { file, manifest: m } of cluster.objects) {
      if (m.kind === 'Namespace' && claimNamespaces.has(m.metadata.name) && m.metadata.annotations?.[PRUNE_KEY] !== 'disabled') {
        findings.push(this.finding('error', `${file}: ${describeObject(m)}: holds claims but lacks ${PRUNE_KEY}: disabled`));
      }
    }
    const now = new Set(cluster.objects.filter((o) => holdsData(o.manifest)).map((o) => describeObject(o.manifest)));
    for (const [id, file] of dataObjects(context.previousFiles)) {
      if (!now.has(id)) {
        findings.push(
          context.allowDataLoss
            ? this.finding('warning', `${id} (was ${file}) is removed or renamed; allowed by --allow-data-loss`)
            : this.finding(
                'error',
                `${id} (was ${file}) would be removed or renamed, and it holds data; keep its name, or pass --allow-data-loss if you mean it`,
              ),
        );
      }
    }
    return findings;
  }

  private finding(severity: Finding['severity'], message: string): Finding {
    return { severity, check: this.name, message };
  }
}
