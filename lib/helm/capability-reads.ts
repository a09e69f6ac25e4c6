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
 * `Has` of a computed name) reads everything. So does a template that hands the root context
 * itself to anything but a named template (`toYaml $`, `list .`, `. | toJson`): it may reach
 * `.Capabilities` without naming it (rootContextEscapes). Helm also refuses a Kubernetes version
 * outside a Chart.yaml's `kubeVersion` range: the key holds whether each range is met, evaluated
 * below for the ranges Helm's semver library reads plainly, or the exact version for any other.
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
  const texts: string[] = [];
  const scan = (entries: ReadonlyMap<string, Buffer>): void => {
    for (const [path, bytes] of entries) {
      if (path.endsWith('.tgz')) {
        scan(readTarGz(bytes));
        continue;
      }
      const text = bytes.toString('latin1');
      textReads(text, tally);
      texts.push(text);
      if (/(?:^|\/)Chart\.yaml$/.test(path)) {
        const range = (parse(bytes.toString('utf8')) as { kubeVersion?: unknown } | null)?.kubeVersion;
        if (range !== undefined) ranges.push(typeof range === 'string' ? range : JSON.stringify(range));
      }
    }
  };
  scan(files);
  if (rootContextEscapes(...texts)) {
    tally.kubeVersion = true;
    tally.allApis = true;
  }
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
  // A values string that a template hands to `tpl` runs with the root context, and may invoke
  // the chart's named templates with it: one with an action at all makes the render read everything.
  if (strings(values).some((s) => s.includes('{{'))) {
    tally.kubeVersion = true;
    tally.allApis = true;
  }
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

/*
 * Where a Go template's root context (`$`; `.` outside `with` and `range`, and in a `define`
 * that some template invokes with the root, or with a name this reading cannot tell) goes. It may be the context argument of a named
 * template (`include "x" .`, `template "x" $`, `include (print ...) .`) or of `tpl`, whose bodies
 * are checked the same way; a value of a `dict` that is such an argument (`include "x" (dict
 * "context" .)`: then `.context` counts as the root too, in every template of the chart); the
 * value of `with` or of a variable (whose uses are then checked the same way); or the start of
 * a field chain (`.Values.x`, `$.Release`). Anything else (`toYaml $`, `. | toJson`, `list .`,
 * `index $ "x"`) hands the whole context, `.Capabilities` included, to a function that can read
 * all of it; so does anything this reading does not follow: it errs towards "reads everything".
 */
const ACTION = /\{\{-?\s*([\s\S]*?)\s*-?\}\}/g;
const TOKEN = /"(?:[^"\\]|\\.)*"|`[^`]*`|'(?:[^'\\]|\\.)*'|:=|\$[A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*|(?:\.[A-Za-z0-9_]+)+|\.|[A-Za-z_][A-Za-z0-9_]*|[()|,=]|[^\s()|,=]+/g;
const VARIABLE = /^\$[A-Za-z0-9_]+$/;
const LITERAL = /^["`]/;

/** Whether `texts` (a chart's files, or strings `tpl` may run) hand their root context to anything but a named template. */
export function rootContextEscapes(...texts: string[]): boolean {
  return rootContextEscape(...texts) !== undefined;
}

/** The first action of `texts` that hands the root context on (rootContextEscapes), if one does. */
export function rootContextEscape(...texts: string[]): string | undefined {
  // What the root context reaches across all the texts (dict keys it is passed under, templates
  // invoked with it), found again until nothing is added: each addition can only add escapes.
  const reach: Reach = { fields: new Set(), defines: new Set(), anyDefine: false };
  for (;;) {
    const before = reach.fields.size + reach.defines.size + Number(reach.anyDefine);
    let escape: string | undefined;
    for (const text of texts) escape ??= escapeIn(text, reach);
    if (escape !== undefined || reach.fields.size + reach.defines.size + Number(reach.anyDefine) === before) return escape;
  }
}

interface Reach {
  /** `include "x" (dict "context" .)`: `.context` is the root. */
  readonly fields: Set<string>;
  /** Named templates invoked with the root. */
  readonly defines: Set<string>;
  /** A template invoked with the root under a computed name: every define may get it. */
  anyDefine: boolean;
}

function escapeIn(text: string, reach: Reach): string | undefined {
  const rootFields = reach.fields;
  // The dot of each open block: whether it is the root context, and the dot outside it.
  const dots: { kind: string; dotIsRoot: boolean; outer: boolean }[] = [];
  const rootVars = new Set<string>(['$']);
  const dotIsRoot = (): boolean => (dots.length === 0 ? true : dots[dots.length - 1].dotIsRoot);
  const isRoot = (t: string): boolean => {
    if ((t === '.' && dotIsRoot()) || rootVars.has(t)) return true;
    const field = /^\$?\.([A-Za-z0-9_]+)$/.exec(t);
    return field !== null && rootFields.has(field[1]);
  };
  for (const action of text.matchAll(ACTION)) {
    const body = action[1].replace(/\\"/g, '"');
    if (body.startsWith('/*')) continue;
    let tokens: readonly string[] = body.match(TOKEN) ?? [];
    const head = tokens[0];
    if (head === 'end') {
      dots.pop();
      continue;
    }
    if (head === 'define' || head === 'block') {
      const name = LITERAL.test(tokens[1] ?? '') ? tokens[1].slice(1, -1) : undefined;
      if (head === 'block') {
        const value = tokens.slice(2);
        if (value.length === 1 && isRoot(value[0]) && name !== undefined) reach.defines.add(name);
        else if (escapes(value, isRoot, reach)) return action[0];
      }
      dots.push({ kind: head, dotIsRoot: reach.anyDefine || name === undefined || reach.defines.has(name), outer: dotIsRoot() });
      continue;
    }
    let block: string | undefined;
    if (head === 'else') {
      const frame = dots.at(-1);
      if (frame && (frame.kind === 'with' || frame.kind === 'range')) frame.dotIsRoot = frame.outer;
      tokens = tokens.slice(1);
      if (tokens[0] === 'with' && frame) {
        frame.kind = 'with';
        const value = tokens.slice(1);
        if (value.length === 1 && isRoot(value[0])) frame.dotIsRoot = true;
        else if (escapes(value, isRoot, reach)) return action[0];
        else frame.dotIsRoot = false;
        continue;
      }
      if (tokens[0] === 'if') tokens = tokens.slice(1);
    } else if (head === 'with' || head === 'range' || head === 'if') {
      block = head;
      tokens = tokens.slice(1);
    }
    // `$x := ...` / `$x = ...`: the variable is the root context when the value is; `range $k, $v := X` too.
    const assign = tokens.findIndex((t) => t === ':=' || t === '=');
    const variables = assign === -1 ? [] : tokens.slice(0, assign).filter((t) => t !== ',');
    if (assign !== -1 && variables.every((v) => VARIABLE.test(v))) tokens = tokens.slice(assign + 1);
    const wholeRoot = tokens.length === 1 && isRoot(tokens[0]);
    if (wholeRoot && (block === 'range' || (block === 'with' && assign !== -1))) return action[0];
    if (!wholeRoot && escapes(tokens, isRoot, reach)) return action[0];
    if (wholeRoot && assign !== -1) variables.forEach((v) => rootVars.add(v));
    if (block !== undefined) {
      const outer = dotIsRoot();
      dots.push({ kind: block, dotIsRoot: block === 'if' ? outer : wholeRoot, outer });
    }
  }
  return undefined;
}

/** The items of a token run at depth 0: a parenthesized group is one item, [start, end) in `tokens`. */
function items(tokens: readonly string[], from: number, to: number): [number, number][] {
  const out: [number, number][] = [];
  for (let i = from; i < to; ) {
    if (tokens[i] !== '(') {
      out.push([i, i + 1]);
      i++;
      continue;
    }
    let depth = 0;
    let j = i;
    for (; j < to; j++) {
      if (tokens[j] === '(') depth++;
      else if (tokens[j] === ')' && --depth === 0) break;
    }
    out.push([i, j + 1]);
    i = j + 1;
  }
  return out;
}

/** The command around `tokens[i]`: [its first token, the index after its last]. */
function commandAround(tokens: readonly string[], i: number): [number, number] {
  let start = i;
  for (let depth = 0; start > 0; start--) {
    const t = tokens[start - 1];
    if (t === ')') depth++;
    else if (t === '(' && depth > 0) depth--;
    else if ((t === '(' || t === '|') && depth === 0) break;
  }
  let end = i + 1;
  for (let depth = 0; end < tokens.length; end++) {
    const t = tokens[end];
    if (t === '(') depth++;
    else if (t === ')' && depth > 0) depth--;
    else if ((t === ')' || t === '|') && depth === 0) break;
  }
  return [start, end];
}

/** `print $.Template.BasePath "/x.yaml"`: a template file of the chart, not a define. */
const TEMPLATE_FILE = /^\( print \$\.Template\.BasePath "[^"]*" \)$/;

/** Whether a pipeline hands a root-context token to anything but a named template or tpl; records where it passes root (Reach). */
function escapes(tokens: readonly string[], isRoot: (t: string) => boolean, reach: Reach): boolean {
  // Whether [start, end) is `include NAME X`, `template NAME X` or `tpl TEXT X` with X the argument; records NAME.
  const namedContext = (start: number, end: number, argument: [number, number], root: boolean): boolean => {
    const args = items(tokens, start, end);
    const head = tokens[start];
    const last = args.at(-1);
    if (!((head === 'include' || head === 'template' || head === 'tpl') && args.length === 3 && last !== undefined && last[0] === argument[0] && last[1] === argument[1])) return false;
    if (root && head !== 'tpl') {
      const name = tokens.slice(args[1][0], args[1][1]);
      if (name.length === 1 && LITERAL.test(name[0])) reach.defines.add(name[0].slice(1, -1));
      else if (!TEMPLATE_FILE.test(name.join(' '))) reach.anyDefine = true;
    }
    return true;
  };
  const rootFields = reach.fields;
  for (let i = 0; i < tokens.length; i++) {
    if (!isRoot(tokens[i])) continue;
    const [start, end] = commandAround(tokens, i);
    if (namedContext(start, end, [i, i + 1], true)) continue;
    // `(dict "context" . ...)` as the context of a named template.
    if (tokens[start] === 'dict' && start > 0 && tokens[start - 1] === '(') {
      const args = items(tokens, start + 1, end);
      const at = args.findIndex(([a]) => a === i);
      const key = at > 0 && at % 2 === 1 ? tokens[args[at - 1][0]] : undefined;
      const [outerStart, outerEnd] = commandAround(tokens, start - 1);
      if (key !== undefined && LITERAL.test(key) && args.length % 2 === 0 && namedContext(outerStart, outerEnd, [start - 1, end + 1], false)) {
        rootFields.add(key.slice(1, -1));
        continue;
      }
    }
    return true;
  }
  return false;
}
