import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/*
 * Verdicts of a deterministic validation, kept across synths (docs/decisions/0062-...): the
 * keys of the objects that passed. A key is the sha256 of a fingerprint of everything that
 * decides the verdict (the validators' code and data, the check's own code) and the object's
 * exact JSON, so an object that changed, or a validator that changed, is validated again.
 * Only passes are kept: an object that fails is validated (and reported) on every run.
 */

export interface VerdictCache {
  /** The key of `value` (JSON-serialisable) under this cache's fingerprint. */
  key(value: unknown): string;
  /** Whether the object with this key passed before. */
  passed(key: string): boolean;
  /** Records a pass. */
  record(key: string): void;
  /**
   * The check calls it at the end of a run: writes the recorded passes (nothing when there is
   * nothing new). Never throws: it is a cache. A deferred file cache writes only when its owner
   * (main.ts) flushes it.
   */
  flush(): void;
}

/** A verdict cache in this process only. */
export function memoryVerdictCache(fingerprint: string): VerdictCache {
  const passed = new Set<string>();
  return {
    key: (value) => verdictKey(fingerprint, value),
    passed: (key) => passed.has(key),
    record: (key) => void passed.add(key),
    flush: () => undefined,
  };
}

/** Objects frozen all the way down (the chart renders a process shares): their keys are computed once. */
const immutable = new WeakSet();
const frozenKeys = new WeakMap<object, Map<string, string>>();

/** Declares `value` deep-frozen (lib/helm/chart-renderer.ts), so its verdict key cannot go stale. */
export function markDeepFrozen(value: object): void {
  immutable.add(value);
}

function verdictKey(fingerprint: string, value: unknown): string {
  const frozen = value !== null && typeof value === 'object' && immutable.has(value) ? value : undefined;
  const known = frozen && frozenKeys.get(frozen)?.get(fingerprint);
  if (known) return known;
  const key = createHash('sha256').update(fingerprint).update('\0').update(JSON.stringify(value)).digest('base64url');
  if (frozen) frozenKeys.set(frozen, (frozenKeys.get(frozen) ?? new Map()).set(fingerprint, key));
  return key;
}

/** No cache: every object is validated on every run. */
export const NO_VERDICT_CACHE: VerdictCache = {
  key: () => '',
  passed: () => false,
  record: () => undefined,
  flush: () => undefined,
};

/** The most passes a cache file keeps (the most recently used win). */
const MAX_ENTRIES = 20_000;

/**
 * A verdict cache in one JSON file (a list of keys), written by save() (and by flush(), what
 * the check calls after a run, unless `deferred`: then its owner saves). Written atomically (a
 * temporary file renamed over it); two synths writing at once lose at most some entries.
 */
export function fileVerdictCache(
  file: string,
  fingerprint: string | (() => string),
  options: { deferred?: boolean } = {},
): VerdictCache & { save(): void } {
  let print = typeof fingerprint === 'string' ? fingerprint : undefined;
  let known: Set<string> | undefined;
  const used = new Set<string>();
  let added = 0;
  const load = (): Set<string> => {
    if (!known) {
      known = new Set(readKeys(file));
    }
    return known;
  };
  return {
    // a fingerprint given as a function is computed when the first object is looked up
    key: (value) => verdictKey((print ??= (fingerprint as () => string)()), value),
    passed: (key) => {
      const hit = load().has(key);
      if (hit) used.add(key);
      return hit;
    },
    record: (key) => {
      if (!load().has(key)) added++;
      load().add(key);
      used.add(key);
    },
    flush: () => {
      if (!options.deferred) save();
    },
    save,
  };
  function save(): void {
    if (added === 0) return;
    try {
      // Merge with what another run wrote meanwhile; this run's keys last (kept on trimming).
      const merged = new Set([...readKeys(file), ...load()].filter((k) => !used.has(k)));
      used.forEach((k) => merged.add(k));
      const keys = [...merged].slice(-MAX_ENTRIES);
      mkdirSync(dirname(file), { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify(keys));
      renameSync(tmp, file);
      added = 0;
    } catch {
      // a read-only or full disk: the next run validates again
    }
  }
}

function readKeys(file: string): string[] {
  try {
    const keys = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    return Array.isArray(keys) ? keys.filter((k): k is string => typeof k === 'string') : [];
  } catch {
    return [];
  }
}

/**
 * A fingerprint of files and folders (recursively, in name order): their paths and bytes.
 * A path that does not exist counts as missing, which is part of the fingerprint too.
 */
export function filesFingerprint(paths: readonly string[]): string {
  const hash = createHash('sha256');
  const add = (path: string): void => {
    let stat;
    try {
      stat = statSync(path);
    } catch {
      hash.update(`missing ${path}\0`);
      return;
    }
    if (stat.isDirectory()) {
      for (const name of readdirSync(path).sort()) add(join(path, name));
    } else {
      hash.update(`file ${path}\0`).update(readFileSync(path)).update('\0');
    }
  };
  paths.forEach(add);
  return hash.digest('hex');
}
