import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { App } from 'cdk8s';
import { isMap, parseDocument, YAMLMap } from 'yaml';

export const REPO = join(__dirname, '..');
export const FIXTURES = join(__dirname, 'fixtures');

/**
 * An app for construct tests, which read their charts with Testing.synth (toJson) and never
 * synthesize the app. cdk8s's Testing.app() makes a temporary folder for each app and never
 * removes it; this one's output folder is never written, so a test run leaves nothing behind.
 */
export function testApp(): App {
  return new App({ outdir: join(REPO, '.build', 'test-app-never-written') });
}

/**
 * Names and texts of the fixture files in `test/fixtures/<kind>/`. A fixture whose first
 * line is `# base: FILE` is an overlay: its mappings are merged into FILE (relative to the
 * fixture; lists and scalars replace, `null` removes a key), so a small file states one
 * mistake and a new required field is added to the base only.
 */
export function fixtures(kind: 'valid' | 'invalid'): [string, string][] {
  const dir = join(FIXTURES, kind);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => [f, fixtureText(join(dir, f))]);
}

/** The text of a fixture, with an overlay merged into its base. */
export function fixtureText(path: string): string {
  const text = readFileSync(path, 'utf8');
  const base = /^# base: (\S+)$/m.exec(text.split('\n')[0] ?? '');
  if (!base) {
    return text;
  }
  const doc = parseDocument(fixtureText(join(dirname(path), base[1])));
  const overlay = parseDocument(text);
  merge(doc.contents as YAMLMap, overlay.contents as YAMLMap);
  // The overlay's comments (its `# expect:` lines) come first, then the merged spec.
  const comments = text.split('\n').filter((l) => l.startsWith('#'));
  return `${comments.join('\n')}\n${doc.toString({ lineWidth: 0 })}`;
}

function merge(target: YAMLMap, overlay: YAMLMap): void {
  for (const pair of overlay.items) {
    const key = (pair.key as { value?: unknown }).value ?? pair.key;
    const value = pair.value as { value?: unknown } | null;
    const current = target.get(key, true);
    if (value === null || (value && 'value' in value && value.value === null)) {
      target.delete(key);
    } else if (isMap(current) && isMap(value)) {
      merge(current, value);
    } else {
      target.set(key, value);
    }
  }
}

export function defaultSpecText(): string {
  return readFileSync(join(REPO, 'cluster.yaml'), 'utf8');
}

/** Every file under `root` (output folders and anything else there), path -> sha256; none under the top-level folder `except` (synth's own state folder, say). */
export function tree(root: string, except?: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const full = join(dir, name);
      if (dir === root && name === except) continue;
      if (statSync(full).isDirectory()) {
        walk(full);
      } else {
        out[relative(root, full)] = createHash('sha256').update(readFileSync(full)).digest('hex');
      }
    }
  };
  walk(root);
  return out;
}
