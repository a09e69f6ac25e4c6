import { parseYamlDocuments } from '../yaml/yaml-memo';
import type { Yaml } from '../yaml/yaml';

/** One object in the outputs: where it is and what it is. */
export interface OutputObject {
  readonly file: string;
  readonly manifest: Yaml;
}

/** Parsed once per file set: the storage layer and the api-update check read the same previous outputs. */
const parsedFiles = new WeakMap<ReadonlyMap<string, string>, Map<string, OutputObject>>();

/** The Kubernetes objects of rendered files (dist/ and flux/), by `Kind/namespace/name` (as describeObject writes it). */
export function outputObjects(files: ReadonlyMap<string, string>): ReadonlyMap<string, OutputObject> {
  const cached = parsedFiles.get(files);
  if (cached) {
    return cached;
  }
  const out = new Map<string, OutputObject>();
  parsedFiles.set(files, out);
  for (const [file, content] of files) {
    if ((!file.startsWith('dist/') && !file.startsWith('flux/')) || file.endsWith('/kustomization.yaml')) {
      continue;
    }
    for (const m of parseYamlDocuments(content)) {
      if (m?.kind && m?.metadata?.name) {
        out.set(`${m.kind}/${m.metadata.namespace ? `${m.metadata.namespace}/` : ''}${m.metadata.name}`, { file, manifest: m });
      }
    }
  }
  return out;
}

