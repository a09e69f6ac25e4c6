import { parse } from 'yaml';
import { readTarGz } from './archives';

/*
 * What a chart can read of the cluster it is rendered for (`--kube-version`, `--api-versions`,
 * `.Capabilities`), so that a render is keyed by what can change its output and no more: the
 * Kubernetes version and the served APIs differ between fixtures, between the two passes of
 * renderChartObjects and with every k3s upgrade, while most charts never look at them.
 *
 * A Go template reaches a field only by its name, so a chart whose files (templates, values,
 * files for `tpl`, subchart archives) never name `Capabilities` cannot see either. One that
 * names `.Capabilities.HelmVersion` sees a flag the key holds anyway; `.Capabilities.KubeVersion`
 * makes the exact Kubernetes version part of the key; `.Capabilities.APIVersions.Has "<literal>"`
 * sees only whether each literal is served. Any other use (`.Capabilities` passed on whole,
 * `Has` of a computed name) reads everything. Helm also refuses a Kubernetes version outside a
 * Chart.yaml's `kubeVersion` range: the key holds whether each range is met, evaluated below
 * for the ranges Helm's semver library reads plainly, or the exact version for any other.
 */

export interface CapabilityReads {
  /** A template reads `.Capabilities.KubeVersion`, or `.Capabilities` whole. */
  readonly kubeVersion: boolean;
  /** The `kubeVersion` ranges of the chart's Chart.yaml and its subcharts'. */
  readonly kubeVersionRanges: readonly string[];
  /** `all`: the served APIs whole; else the `Has` literals asked about. */
  readonly apiVersions: { readonly all: true } | { readonly all: false; readonly has: readonly string[] };
}

/** What the flags a render gets come to for a chart that reads `reads`: the render key's part. */
export interface VisibleCapabilities {
  /** The version, or only whether each `kubeVersion` range is met. */
  readonly kubeVersion: string | { readonly rangesMet: readonly boolean[] };
  readonly apiVersions: readonly string[];
}

const NAME = /(?<![A-Za-z0-9_])Capabilities(?![A-Za-z0-9_])/g;
const HELM_VERSION = /^Capabilities\.HelmVersion(?![A-Za-z0-9_])/;
const KUBE_VERSION = /^Capabilities\.KubeVersion(?![A-Za-z0-9_])/;
const HAS_LITERAL = /^Capabilities\.APIVersions\.Has\s+"((?:[^"\\\n]|\\.)*)"/;

/** What one text (a template, values, a file) reads: a mutable tally. */
interface Tally {
  kubeVersion: boolean;
  allApis: boolean;
  readonly has: Set<string>;
}

/** Tallies what `text` reads of `.Capabilities`. */
export function textReads(text: string, tally: Tally): void {
  for (const m of text.matchAll(NAME)) {
    const rest = text.slice(m.index, m.index + 512);
    if (HELM_VERSION.test(rest)) continue;
    if (KUBE_VERSION.test(rest)) {
      tally.kubeVersion = true;
      continue;
    }
    const literal = HAS_LITERAL.exec(rest);
    if (literal) {
      tally.has.add(JSON.parse(`"${literal[1]}"`) as string);
    } else {
      tally.kubeVersion = true;
      tally.allApis = true;
    }
  }
}

/** A fresh tally. */
export function newTally(): Tally {
  return { kubeVersion: false, allApis: false, has: new Set() };
}

/** What the chart files (path -> bytes, as readTarGz gives them) read. */
export function capabilityReads(files: ReadonlyMap<string, Buffer>): CapabilityReads {
  const tally = newTally();
  const ranges: string[] = [];
  const scan = (entries: ReadonlyMap<string, Buffer>): void => {
    for (const [path, bytes] of entries) {
      if (path.endsWith('.tgz')) {
        scan(readTarGz(bytes));
        continue;
      }
      const text = bytes.toString('latin1');
      textReads(text, tally);
      if (/(?:^|\/)Chart\.yaml$/.test(path)) {
        const range = (parse(bytes.toString('utf8')) as { kubeVersion?: unknown } | null)?.kubeVersion;
        if (range !== undefined) ranges.push(typeof range === 'string' ? range : JSON.stringify(range));
      }
    }
  };
  scan(files);
  return {
    kubeVersion: tally.kubeVersion,
    kubeVersionRanges: ranges.sort(),
    apiVersions: tally.allApis ? { all: true } : { all: false, has: [...tally.has].sort() },
  };
}

/** The part of `--kube-version` and `--api-versions` a render with `reads` and `values` (which `tpl` may evaluate) can see. */
export function visibleCapabilities(reads: CapabilityReads, values: unknown, kubeVersion: string, apiVersions: readonly string[]): VisibleCapabilities {
  const tally = newTally();
  tally.kubeVersion = reads.kubeVersion;
  tally.allApis = reads.apiVersions.all;
  if (!reads.apiVersions.all) reads.apiVersions.has.forEach((h) => tally.has.add(h));
  strings(values).forEach((s) => textReads(s, tally));
  const met = tally.kubeVersion ? undefined : reads.kubeVersionRanges.map((r) => rangeMet(r, kubeVersion));
  return {
    kubeVersion: met === undefined || met.includes(undefined) ? kubeVersion : { rangesMet: met as boolean[] },
    apiVersions: tally.allApis ? apiVersions : apiVersions.filter((a) => tally.has.has(a)),
  };
}

/** Every string in a values tree, keys included. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => [k, ...strings(v)]);
  return [];
}

type Triple = readonly [number, number, number];

const RELEASE = /^v?(\d+)\.(\d+)\.(\d+)(?:\+[0-9A-Za-z.-]+)?$/;
const COMPARATOR = /^(>=|<=|>|<|=|!=)?\s*v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(-[0-9A-Za-z.-]+)?$/;

/**
 * Whether a release version (`v1.33.11+k3s1`) meets a Chart.yaml `kubeVersion` range, as
 * Masterminds semver (Helm's) decides it; undefined when the range is not a plain conjunction
 * of comparators (`>= 1.22.0-0`, `>=1.19.0 <1.36.0`, `>= 1.25`) or the version is a prerelease:
 * then the key keeps the exact version.
 */
export function rangeMet(range: string, version: string): boolean | undefined {
  const v = RELEASE.exec(version.trim());
  if (!v) return undefined;
  const have: Triple = [Number(v[1]), Number(v[2]), Number(v[3])];
  const parts = range
    .trim()
    .replace(/(>=|<=|!=|>|<|=)\s+/g, '$1')
    .split(/[\s,]+/)
    .filter((p) => p !== '');
  if (parts.length === 0) return undefined;
  let met = true;
  for (const part of parts) {
    const c = COMPARATOR.exec(part);
    if (!c) return undefined;
    const op = c[1] ?? '=';
    // A partial version is `.0` under `>=` and `<` only (`>= 1.25` is `>= 1.25.0`); under the
    // others it is a range of its own (`> 1.2` is `>= 1.3.0`, `= 1.2` is `1.2.x`): not read here.
    if ((c[3] === undefined || c[4] === undefined) && op !== '>=' && op !== '<') return undefined;
    const want: Triple = [Number(c[2]), Number(c[3] ?? 0), Number(c[4] ?? 0)];
    // A release is above the prereleases of its own triple (`1.22.0` > `1.22.0-0`).
    const order = compare(have, want) || (c[5] ? 1 : 0);
    const ok = { '>=': order >= 0, '<=': order <= 0, '>': order > 0, '<': order < 0, '=': order === 0, '!=': order !== 0 }[op];
    if (ok === undefined) return undefined;
    met &&= ok;
  }
  return met;
}

function compare(a: Triple, b: Triple): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return 0;
}
