import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse, parseAllDocuments, stringify, ToStringOptions } from 'yaml';

/*
 * YAML text <-> data, remembered (docs/decisions/0062-...). Turning an object into YAML and
 * YAML back into data are pure functions of the yaml library's version, the options and the
 * input, and most of what one synth turns into YAML or reads back (its own previous outputs,
 * the host files the checks read) is byte for byte what the last synth did. So each result is
 * kept under the sha256 of its input: in this process always, and across synths in the
 * store main.ts hands in (.cache/yaml/, gitignored). A value is remembered only when JSON
 * holds it exactly (plain objects, arrays, strings, finite numbers, booleans, null); anything
 * else, and any text with a YAML error, is computed every time. The functions are what
 * `stringify`, `parse` and `parseAllDocuments(...).map(toJS)` return, nothing more.
 */

/** Where remembered results persist between processes. */
export interface YamlMemoStore {
  get(key: string): string | undefined;
  set(key: string, value: string): void;
}

class MapStore implements YamlMemoStore {
  private readonly entries = new Map<string, string>();
  public get(key: string): string | undefined {
    return this.entries.get(key);
  }
  public set(key: string, value: string): void {
    this.entries.set(key, value);
  }
}

let store: YamlMemoStore = new MapStore();

/** Uses `next` from now on (main.ts: the store in .cache/yaml/); returns the one it replaces. */
export function useYamlMemoStore(next: YamlMemoStore): YamlMemoStore {
  const previous = store;
  store = next;
  return previous;
}

function key(op: string, options: unknown, input: string): string {
  return createHash('sha256').update(`${op}\0${JSON.stringify(options ?? null)}\0`).update(input).digest('base64url');
}

/** Whether JSON.parse(JSON.stringify(value)) is exactly `value` (same types, keys, order). */
export function isJsonExact(value: unknown): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0);
    case 'object': {
      if (value === null) return true;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          if (!(i in value) || !isJsonExact(value[i])) return false;
        }
        return true;
      }
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return false;
      if (Object.getOwnPropertySymbols(value).length > 0) return false;
      for (const k of Object.keys(value)) {
        if (!isJsonExact((value as Record<string, unknown>)[k])) return false;
      }
      return Object.getOwnPropertyNames(value).length === Object.keys(value).length;
    }
    default:
      return false;
  }
}

/** `stringify(value, options)` of the yaml library. */
export function stringifyYaml(value: unknown, options?: ToStringOptions): string {
  if (!isJsonExact(value)) {
    return stringify(value, options);
  }
  const k = key('stringify', options, JSON.stringify(value));
  const known = store.get(k);
  if (known !== undefined) return known;
  const text = stringify(value, options);
  store.set(k, text);
  return text;
}

/** `parse(text)` of the yaml library (default options). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function parseYaml(text: string): any {
  const k = key('parse', null, text);
  const known = store.get(k);
  if (known !== undefined) return JSON.parse(known);
  const value = parse(text);
  if (isJsonExact(value)) store.set(k, JSON.stringify(value));
  return value;
}

/** `parseAllDocuments(text).map((d) => d.toJS())` of the yaml library. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function parseYamlDocuments(text: string): any[] {
  const k = key('documents', null, text);
  const known = store.get(k);
  if (known !== undefined) return JSON.parse(known) as unknown[];
  const docs = parseAllDocuments(text);
  const values = [...docs].map((d) => d.toJS());
  if ([...docs].every((d) => d.errors.length === 0) && isJsonExact(values)) store.set(k, JSON.stringify(values));
  return values;
}

/**
 * The most a memo file holds, in characters: what this synth used first, then what it read from
 * the file, in the file's order (so a synth after many test runs reads a few MB, not all of them).
 */
export const MAX_FILE_CHARS = 4 * 1024 * 1024;

/**
 * A store in one JSON file per yaml library version (`dir/yaml-<version>.json`). Read once,
 * written by save() when something new was remembered (atomically: a temporary file renamed
 * over it; two synths saving at once lose at most some entries). A missing, unreadable or
 * damaged file is an empty store: it is only a cache.
 */
export class FileYamlMemoStore implements YamlMemoStore {
  private readonly file: string;
  private entries?: Map<string, string>;
  private readonly used = new Map<string, string>();
  private added = 0;

  constructor(dir: string, yamlVersion: string) {
    this.file = join(dir, `yaml-${yamlVersion}.json`);
  }

  public get(k: string): string | undefined {
    const v = this.load().get(k);
    if (v !== undefined) this.used.set(k, v);
    return v;
  }

  public set(k: string, value: string): void {
    this.load().set(k, value);
    this.used.set(k, value);
    this.added++;
  }

  public save(): void {
    if (this.added === 0) return;
    try {
      const merged = new Map<string, string>();
      let chars = 0;
      for (const [k, v] of [...this.used, ...this.load(), ...readEntries(this.file)]) {
        if (merged.has(k)) continue;
        if (chars + k.length + v.length > MAX_FILE_CHARS && merged.size >= this.used.size) break;
        merged.set(k, v);
        chars += k.length + v.length;
      }
      mkdirSync(dirname(this.file), { recursive: true });
      const tmp = `${this.file}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify([...merged]));
      renameSync(tmp, this.file);
      this.added = 0;
    } catch {
      // a read-only or full disk: the next synth computes again
    }
  }

  private load(): Map<string, string> {
    this.entries ??= new Map(readEntries(this.file));
    return this.entries;
  }
}

function readEntries(file: string): [string, string][] {
  try {
    const entries = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    return Array.isArray(entries) ? entries.filter((e): e is [string, string] => Array.isArray(e) && typeof e[0] === 'string' && typeof e[1] === 'string') : [];
  } catch {
    return [];
  }
}

/**
 * Keeps the results in `dir` across synths (main.ts: .cache/yaml/), under the installed yaml
 * library's version. Returns the function that saves them. Without the library's
 * package.json, results are kept in this process only.
 */
export function persistYamlMemo(dir: string, packageJson: string): () => void {
  let version: unknown;
  try {
    version = (JSON.parse(readFileSync(packageJson, 'utf8')) as { version?: unknown }).version;
  } catch {
    return () => undefined;
  }
  if (typeof version !== 'string' || !/^[0-9A-Za-z.+-]+$/.test(version)) return () => undefined;
  const file = new FileYamlMemoStore(dir, version);
  useYamlMemoStore(file);
  return () => file.save();
}

/**
 * `compute()` (the data of the YAML `text`, or a throw), remembered under `op` and the text
 * when it returns data JSON holds exactly. For a parse with checks of its own (the cluster
 * description's duplicate keys, alias limits): a text that passed them once passes again.
 */
export function rememberYamlData(op: string, text: string, compute: () => unknown): unknown {
  const k = key(op, null, text);
  const known = store.get(k);
  if (known !== undefined) return JSON.parse(known);
  const value = compute();
  if (isJsonExact(value)) store.set(k, JSON.stringify(value));
  return value;
}
