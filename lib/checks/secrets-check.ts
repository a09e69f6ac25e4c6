import { parse } from 'yaml';
import { describeObject, RenderedCluster } from '../output/rendered';
import { createSecretCommand, secretFilePath, secretReferences } from '../secrets/secret-references';
import { Check, CheckContext, EMPTY_CONTEXT, Finding } from './check';
import type { Yaml } from '../yaml/yaml';

/** Whether a parsed file is SOPS-encrypted: SOPS metadata, and every data value an ENC[…] blob. */
function plaintextKeys(doc: Yaml): string[] | undefined {
  if (!doc?.sops?.mac) {
    return undefined;
  }
  return ['data', 'stringData'].flatMap((field) =>
    Object.entries(doc[field] ?? {})
      .filter(([, v]) => typeof v !== 'string' || !v.startsWith('ENC['))
      .map(([k]) => `${field}.${k}`),
  );
}

/**
 * Secrets stay secret and complete:
 * - no output contains a plaintext Secret (errors);
 * - every file under secrets/ is a SOPS-encrypted `*.sops.yaml` (errors);
 * - every Secret a workload references has its encrypted file with the keys it reads: a
 *   missing file is a warning with the command that creates it (a fresh clone has none yet),
 *   a file without a needed key is an error.
 */
export class SecretsCheck implements Check {
  public readonly name = 'secrets';

  public async run(cluster: RenderedCluster, context: CheckContext = EMPTY_CONTEXT): Promise<Finding[]> {
    const findings: Finding[] = [];
    const error = (message: string): void => void findings.push({ severity: 'error', check: this.name, message });
    for (const { file, manifest } of cluster.objects) {
      if (manifest.kind === 'Secret') {
        error(`${file}: ${describeObject(manifest)}: a plaintext Secret in the output; reference it and keep it encrypted in secrets/`);
      }
    }
    for (const [path, content] of cluster.files.entries()) {
      if (/^kind: Secret$/m.test(content) && !cluster.objects.some((o) => o.file === path)) {
        error(`${path}: contains a plaintext Secret`);
      }
    }
    const secretFiles = context.secretFiles ?? new Map<string, string>();
    const parsed = new Map<string, Yaml>();
    for (const [path, content] of secretFiles) {
      if (path.endsWith('/README.md') || path === 'secrets/README.md') continue;
      if (!path.endsWith('.sops.yaml')) {
        error(`${path}: is not an encrypted *.sops.yaml file; nothing under secrets/ may be stored in clear`);
        continue;
      }
      let doc: Yaml;
      try {
        doc = parse(content);
      } catch {
        error(`${path}: is not valid YAML`);
        continue;
      }
      const plain = plaintextKeys(doc);
      if (plain === undefined) {
        error(`${path}: is not encrypted (no SOPS metadata); run: sops --encrypt --in-place ${path}`);
      } else if (plain.length > 0) {
        error(`${path}: ${plain.join(', ')} ${plain.length === 1 ? 'is' : 'are'} not encrypted; run: sops --encrypt --in-place ${path}`);
      } else {
        parsed.set(path, doc);
      }
    }
    for (const ref of secretReferences(cluster.objects)) {
      const path = secretFilePath(ref);
      const doc = parsed.get(path);
      if (!secretFiles.has(path)) {
        findings.push({
          severity: 'warning',
          check: this.name,
          message: `Secret ${ref.namespace}/${ref.name} (${ref.keys.join(', ') || 'any keys'}, for ${ref.usedBy}) has no ${path}; create it: ${createSecretCommand(ref)}`,
        });
      } else if (doc) {
        const present = new Set([...Object.keys(doc.data ?? {}), ...Object.keys(doc.stringData ?? {})]);
        const missing = ref.keys.filter((k) => !present.has(k));
        if (missing.length > 0) {
          error(`${path}: lacks ${missing.join(', ')}, which ${ref.usedBy} reads`);
        }
      }
    }
    return findings;
  }
}
