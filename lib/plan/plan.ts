import { isDeepStrictEqual } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { holdsData } from '../storage/data-volume';
import { describeObject } from '../output/rendered';
import type { Yaml } from '../yaml/yaml';

export interface PlannedChange {
  readonly change: 'added' | 'changed' | 'removed';
  /** `Kind/namespace/name`, or the path for files that are not Kubernetes objects. */
  readonly id: string;
  readonly file: string;
  /** `dist/<stage>`, `flux` or `host-provisioning`. */
  readonly layer: string;
  /** Removing this loses data (claims, volumes, StatefulSets, data namespaces). */
  readonly holdsData: boolean;
  /** For changed objects: the fields that differ. */
  readonly fields: readonly string[];
}

function layerOf(path: string): string {
  return path.startsWith('dist/') ? path.split('/').slice(0, 2).join('/') : path.split('/')[0];
}

/** Kubernetes objects of the rendered files (dist/ and flux/), by id; other files by path. */
function index(files: ReadonlyMap<string, string>): Map<string, { file: string; value: Yaml; object: boolean }> {
  const out = new Map<string, { file: string; value: Yaml; object: boolean }>();
  for (const [path, content] of files) {
    if (path.endsWith('/kustomization.yaml')) {
      continue; // derived from the objects' files: their changes already show
    }
    if (path.startsWith('dist/') || path.startsWith('flux/')) {
      for (const doc of parseAllDocuments(content)) {
        const m = doc.toJS();
        if (m?.kind && m?.metadata?.name) {
          out.set(describeObject(m), { file: path, value: m, object: true });
        }
      }
    } else {
      out.set(path, { file: path, value: content, object: false });
    }
  }
  return out;
}

/** Dotted paths of the leaves that differ between two objects (lists compared whole). */
function changedFields(a: Yaml, b: Yaml, prefix = ''): string[] {
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    return [...new Set([...Object.keys(a), ...Object.keys(b)])]
      .sort()
      .flatMap((k) => changedFields(a[k], b[k], prefix ? `${prefix}.${k}` : k));
  }
  return isDeepStrictEqual(a, b) ? [] : [prefix || '(whole)'];
}

/** What a push of `after` would change against `before` (both: path -> file content). */
export function planChanges(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): PlannedChange[] {
  const old = index(before);
  const now = index(after);
  const changes: PlannedChange[] = [];
  for (const [id, n] of now) {
    const o = old.get(id);
    if (!o) {
      changes.push({ change: 'added', id, file: n.file, layer: layerOf(n.file), holdsData: false, fields: [] });
    } else if (!isDeepStrictEqual(o.value, n.value)) {
      const fields = n.object ? changedFields(o.value, n.value) : ['(content)'];
      changes.push({ change: 'changed', id, file: n.file, layer: layerOf(n.file), holdsData: false, fields });
    }
  }
  for (const [id, o] of old) {
    if (!now.has(id)) {
      changes.push({ change: 'removed', id, file: o.file, layer: layerOf(o.file), holdsData: o.object && holdsData(o.value), fields: [] });
    }
  }
  return changes.sort((a, b) => a.layer.localeCompare(b.layer) || a.change.localeCompare(b.change) || a.id.localeCompare(b.id));
}

/** The plan as text: per layer, `+` added, `~` changed (with fields), `-` removed; data loss loudly. */
export function formatPlan(changes: readonly PlannedChange[]): string {
  if (changes.length === 0) {
    return 'No changes: the outputs at HEAD equal a fresh synth.\n';
  }
  const lines: string[] = [];
  const losses = changes.filter((c) => c.holdsData);
  if (losses.length > 0) {
    lines.push(`!! DATA LOSS: ${losses.length} object${losses.length === 1 ? '' : 's'} holding data would be removed:`);
    losses.forEach((c) => lines.push(`!!   ${c.id} (${c.file})`));
    lines.push('!! npm run synth refuses this unless --allow-data-loss is given.', '');
  }
  for (const layer of [...new Set(changes.map((c) => c.layer))]) {
    lines.push(`${layer}:`);
    for (const c of changes.filter((x) => x.layer === layer)) {
      const mark = { added: '+', changed: '~', removed: '-' }[c.change];
      const fields = c.fields.length > 0 ? `: ${c.fields.slice(0, 6).join(', ')}${c.fields.length > 6 ? `, … (${c.fields.length - 6} more)` : ''}` : '';
      lines.push(`  ${mark} ${c.id}${fields}${c.holdsData ? '   <-- HOLDS DATA' : ''}`);
    }
  }
  const count = (k: PlannedChange['change']): number => changes.filter((c) => c.change === k).length;
  lines.push('', `${count('added')} to add, ${count('changed')} to change, ${count('removed')} to remove.`);
  return `${lines.join('\n')}\n`;
}
