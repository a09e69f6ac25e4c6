import { readTarGz } from './archives';

/*
 * What a chart can read of the served APIs (`--api-versions`, `.Capabilities.APIVersions`),
 * so that a render is keyed by what can change its output and no more: the APIs a cluster
 * serves differ with every fixture and between the two passes of renderChartObjects, while
 * most charts never look at them. A Go template reaches a field only by its name, so a chart
 * whose files (templates, values, files for `tpl`, subchart archives) never name
 * `Capabilities` cannot see them; one that names it only as `.Capabilities.KubeVersion` or
 * `.Capabilities.HelmVersion` sees flags the key holds anyway; one that asks
 * `.Capabilities.APIVersions.Has "<literal>"` sees only whether each literal is served.
 * Any other use (`.Capabilities` passed on whole, `Has` of a computed name) reads them all.
 */

export type ApiVersionReads = { readonly all: true } | { readonly all: false; readonly has: readonly string[] };

const NAME = /(?<![A-Za-z0-9_])Capabilities(?![A-Za-z0-9_])/g;
const OWN_FLAGS = /^Capabilities\.(?:KubeVersion|HelmVersion)(?![A-Za-z0-9_])/;
const HAS_LITERAL = /^Capabilities\.APIVersions\.Has\s+"((?:[^"\\\n]|\\.)*)"/;

/** What the chart files (path -> bytes, as readTarGz gives them) read of the served APIs. */
export function apiVersionReads(files: ReadonlyMap<string, Buffer>): ApiVersionReads {
  const has = new Set<string>();
  const scan = (entries: ReadonlyMap<string, Buffer>): boolean => {
    for (const [path, bytes] of entries) {
      if (path.endsWith('.tgz')) {
        if (!scan(readTarGz(bytes))) return false;
        continue;
      }
      if (!textReads(bytes.toString('latin1'), has)) return false;
    }
    return true;
  };
  return scan(files) ? { all: false, has: [...has].sort() } : { all: true };
}

/** Adds the literals `text` asks `Has` about to `has`; false when it reads the APIs otherwise. */
export function textReads(text: string, has: Set<string>): boolean {
  for (const m of text.matchAll(NAME)) {
    const rest = text.slice(m.index, m.index + 512);
    if (OWN_FLAGS.test(rest)) continue;
    const literal = HAS_LITERAL.exec(rest);
    if (!literal) return false;
    has.add(JSON.parse(`"${literal[1]}"`) as string);
  }
  return true;
}

/** The part of the served APIs a render with `reads` (and `values`, which `tpl` may evaluate) can see. */
export function visibleApiVersions(reads: ApiVersionReads, values: unknown, apiVersions: readonly string[]): readonly string[] {
  if (reads.all) return apiVersions;
  const has = new Set(reads.has);
  return strings(values).every((s) => textReads(s, has)) ? apiVersions.filter((a) => has.has(a)) : apiVersions;
}

/** Every string in a values tree, keys included. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => [k, ...strings(v)]);
  return [];
}
