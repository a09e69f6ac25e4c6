/*
 * The only impure file: it parses arguments, reads the spec and the existing outputs,
 * runs the pure pipeline (lib/synth.ts) and writes the result atomically.
 */
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { z } from 'zod';
import { UserError } from './lib/errors';
import { carriesGeneratedHeader, compareFiles, FileChanges, FileSet } from './lib/output/file-set';
import { persistYamlMemo } from './lib/yaml/yaml-memo';
import { CACHE_DIR } from './lib/helm/chart-cache';
import { formatPlan, planChanges } from './lib/plan/plan';
import { formatApplyPlan } from './lib/plan/apply-verdicts';
import { PROJECT_ROOT } from './lib/project-root';
import { reportFiles } from './lib/report/report-files';
import { CLUSTER_SPEC, loadSpec } from './lib/services/registry';
import { restoreJob } from './lib/storage/restore-job';
import { ClusterLock, formatClusterLock, lockPathFor, parseClusterLock } from './lib/lock/cluster-lock';
import { defaultChecks, synthesize, SynthResult } from './lib/synth';
import { persistSchemaVerdicts } from './lib/checks/kubernetes-schema-check';

/** The folders synth owns completely: anything in them that it did not write is removed. */
export const OUTPUT_DIRS = ['dist', 'flux', 'host-provisioning'] as const;

const USAGE = `Usage: npm run synth -- [--spec FILE] [--out DIR]
       npm run schema
       npm run report

  --spec FILE     cluster description to read (default: cluster.yaml beside main.ts)
  --out DIR       write DIR/dist, DIR/flux, DIR/host-provisioning (default: this repository)
  --allow-data-loss  let a claim, volume, StatefulSet or data namespace be removed or renamed
  --migrate       carry out the planned migrations npm run plan prints (claims and volumes
                  the API server will not update in place)
  --restore DATASET [--snapshot ID]
                  print a Job that restores a backup of DATASET (default: latest) beside it
  --plan          print what a push would change against the outputs committed at HEAD
  --print-schema  print the JSON Schema of cluster.yaml and exit
  --report DIR    write DIR/cluster.md (placement, failures, capacity, exceptions) and
                  DIR/wireguard-peers.md (a client template per peer)
  --help          show this text`;

const ERRNO_WORDS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  ENOTDIR: 'a path component is not a folder',
  EISDIR: 'is a folder',
  EEXIST: 'already exists',
  EXDEV: 'on another file system',
};

export interface RunResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the command line. Never throws for user mistakes; returns what to print. */
export async function run(argv: readonly string[]): Promise<RunResult> {
  // YAML conversions of earlier synths, kept in .cache/yaml/ (lib/yaml/yaml-memo.ts)
  const saveYamlMemo = persistYamlMemo(join(CACHE_DIR, 'yaml'), join(PROJECT_ROOT, 'node_modules', 'yaml', 'package.json'));
  // and the schema check's verdicts, in .cache/verdicts/ (lib/output/verdict-cache.ts)
  const saveVerdicts = persistSchemaVerdicts();
  try {
    return { exitCode: 0, stdout: await runOrThrow(argv), stderr: '' };
  } catch (e) {
    if (e instanceof UserError) {
      return { exitCode: 1, stdout: '', stderr: `error: ${e.message}\n` };
    }
    const io = e as NodeJS.ErrnoException;
    if (io && typeof io.code === 'string' && typeof io.syscall === 'string') {
      // The pipeline is pure, so a failed system call is main.ts's reading or writing: the
      // machine refused (permissions, a read-only or full disk), not a bug.
      return { exitCode: 1, stdout: '', stderr: `error: cannot ${io.syscall} ${io.path ?? ''}: ${io.code} (${ERRNO_WORDS[io.code] ?? io.message}); nothing was changed\n` };
    }
    throw e;
  } finally {
    saveYamlMemo();
    saveVerdicts();
  }
}

async function runOrThrow(argv: readonly string[]): Promise<string> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        spec: { type: 'string' },
        out: { type: 'string' },
        'print-schema': { type: 'boolean' },
        report: { type: 'string' },
        'allow-data-loss': { type: 'boolean' },
        migrate: { type: 'boolean' },
        restore: { type: 'string' },
        plan: { type: 'boolean' },
        snapshot: { type: 'string' },
        help: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    throw new UserError(`${(e as Error).message}\n\n${USAGE}`);
  }
  if (values.help) {
    return `${USAGE}\n`;
  }
  if (values['print-schema']) {
    return `${JSON.stringify(z.toJSONSchema(CLUSTER_SPEC.schema, { io: 'input' }), null, 2)}\n`;
  }
  const specPath = resolve(values.spec ?? join(PROJECT_ROOT, 'cluster.yaml'));
  const outDir = resolve(values.out ?? PROJECT_ROOT);
  const specText = readSpec(specPath);
  if (values.restore) {
    const spec = loadSpec(specText, relative(process.cwd(), specPath) || specPath);
    return stringify(restoreJob(spec, values.restore, values.snapshot ?? 'latest'));
  }
  const lockPath = lockPathFor(specPath);
  if (values.plan) {
    const committed = committedOutputs(dirname(specPath));
    const planned = await synthesize(specText, relative(process.cwd(), specPath) || specPath, {
      previousFiles: committed,
      ...readLock(lockPath),
      secretFiles: readTree(dirname(specPath), 'secrets'),
      allowDataLoss: true,
      // the plan shows the API server's verdicts instead of stopping at them
      checks: defaultChecks().filter((c) => c.name !== 'api-update'),
    });
    const files = new Map(planned.cluster.files.entries());
    return formatPlan(planChanges(committed, files)) + formatApplyPlan(committed, files, values.migrate ?? false);
  }
  checkOutDir(outDir);
  const release = acquireLock(outDir);
  // The lock describes the outputs beside the spec (the ones the cluster reconciles): only a
  // synth into the spec's folder writes it; one elsewhere (a preview) reads it and leaves it.
  const writesLock = dirname(lockPath) === outDir;
  try {
    const recovered = recover(outDir);
    const existing = readOutputs(outDir);
    const foreign = foreignFiles(existing);
    if (foreign.length > 0) {
      throw new UserError(
        `${displayPath(outDir)} has ${foreign.length} file${foreign.length === 1 ? '' : 's'} that synth did not write in the folders it ` +
          `replaces whole (${OUTPUT_DIRS.map((d) => `${d}/`).join(', ')}); move ${foreign.length === 1 ? 'it' : 'them'} out ` +
          '(your own files belong in private/, see the README), then run again. Nothing was written:',
        foreign,
      );
    }
    const lockFile = readLock(lockPath);
    const result = await synthesize(specText, relative(process.cwd(), specPath) || specPath, {
      previousFiles: existing,
      ...lockFile,
      secretFiles: readTree(dirname(specPath), 'secrets'),
      allowDataLoss: values['allow-data-loss'] ?? false,
      migrate: values.migrate ?? false,
    });
    if (values.report) {
      const docs = resolve(values.report);
      mkdirSync(docs, { recursive: true });
      const written = Object.entries(reportFiles(result.cluster)).map(([name, content]) => {
        writeFileSync(join(docs, name), content);
        return relative(process.cwd(), join(docs, name));
      });
      return `Wrote ${written.join(', ')}\n`;
    }
    const changes = compareFiles(existing, result.cluster.files);
    const lockText = formatClusterLock(result.lock);
    const lockChanged = writesLock && lockFile.text !== lockText;
    if (changes.added.length + changes.changed.length + changes.removed.length > 0 || lockChanged) {
      writeAtomically(outDir, result.cluster.files, lockChanged ? [{ target: lockPath, content: lockText }] : []);
    }
    const lockNote = lockChanged
      ? `  lock: ${displayPath(lockPath)} ${lockFile.text === undefined ? 'written' : 'updated'} (commit it with the outputs)\n`
      : !writesLock && lockFile.text !== lockText
        ? `  lock: ${displayPath(lockPath)} left as it is (--out is not the spec's folder); a synth beside the spec updates it\n`
        : '';
    return recovered.map((n) => `note: ${n}\n`).join('') + summary(result, changes, specPath, outDir) + lockNote;
  } finally {
    release();
  }
}

/**
 * The cluster lock beside the spec, parsed (a damaged one is a UserError naming the field);
 * none yet: synth seeds it from the existing outputs.
 */
function readLock(lockPath: string): { lock?: ClusterLock; lockName: string; text?: string } {
  const lockName = displayPath(lockPath);
  let text: string;
  try {
    if (!statSync(lockPath).isFile()) {
      throw new UserError(`the cluster lock ${lockName} is not a regular file`);
    }
    if (statSync(lockPath).size > SPEC_LIMIT_BYTES) {
      throw new UserError(`the cluster lock ${lockName} is larger than ${SPEC_LIMIT_BYTES / 1024 / 1024} MiB; synth writes a few kilobytes, so this is not one`);
    }
    text = readFileSync(lockPath, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      return { lockName };
    }
    throw e;
  }
  return { lock: parseClusterLock(text, lockName), lockName, text };
}

/** `--out` must be a folder (or not exist yet). */
function checkOutDir(outDir: string): void {
  let stat;
  try {
    stat = statSync(outDir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      // The folder itself without `recursive`: in /proc, a recursive mkdir never returns.
      mkdirSync(dirname(outDir), { recursive: true });
      mkdirSync(outDir);
      return;
    }
    throw e;
  }
  if (!stat.isDirectory()) {
    throw new UserError(`--out ${outDir} is not a folder; give a folder (it is created if missing)`);
  }
}

/** The largest cluster description read: a real one is tens of kilobytes. */
export const SPEC_LIMIT_BYTES = 1024 * 1024;

/** Reads the spec: a regular file of at most SPEC_LIMIT_BYTES (never /dev/zero or a pipe). */
function readSpec(path: string): string {
  let fd: number | undefined;
  try {
    if (!statSync(path).isFile()) {
      throw new UserError(`the cluster description ${path} is not a regular file`);
    }
    fd = openSync(path, 'r');
    const buffer = Buffer.alloc(SPEC_LIMIT_BYTES + 1);
    let length = 0;
    let n: number;
    while (length <= SPEC_LIMIT_BYTES && (n = readSync(fd, buffer, length, buffer.length - length, null)) > 0) {
      length += n;
    }
    if (length > SPEC_LIMIT_BYTES) {
      throw new UserError(
        `the cluster description ${path} is larger than ${SPEC_LIMIT_BYTES / 1024 / 1024} MiB; a real one is a few kilobytes, so this is not one`,
      );
    }
    return buffer.subarray(0, length).toString('utf8');
  } catch (e) {
    if (e instanceof UserError) {
      throw e;
    }
    throw new UserError(`cannot read the cluster description ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  } finally {
    if (fd !== undefined) {
      closeSync(fd);
    }
  }
}

/** The output files as committed at HEAD of the repository at `root` (empty outside git). */
function committedOutputs(root: string): Map<string, string> {
  const list = spawnSync('git', ['-C', root, 'ls-tree', '-r', '--name-only', 'HEAD', '--', ...OUTPUT_DIRS], { encoding: 'utf8' });
  if (list.status !== 0) {
    throw new UserError(`--plan: cannot read the outputs at HEAD in ${root}: ${list.stderr.trim() || 'not a git repository'}`);
  }
  const paths = list.stdout.split('\n').filter((p) => p !== '');
  const batch = spawnSync('git', ['-C', root, 'cat-file', '--batch'], {
    input: paths.map((p) => `HEAD:${p}\n`).join(''),
    maxBuffer: 256 * 1024 * 1024,
  });
  const files = new Map<string, string>();
  let offset = 0;
  const out = batch.stdout;
  for (const path of paths) {
    const headerEnd = out.indexOf(0x0a, offset);
    const size = Number(out.subarray(offset, headerEnd).toString().split(' ')[2]);
    files.set(path, out.subarray(headerEnd + 1, headerEnd + 1 + size).toString('utf8'));
    offset = headerEnd + 1 + size + 1;
  }
  return files;
}

/** Every file under the output folders, by path relative to `outDir`. */
function readOutputs(outDir: string): Map<string, string> {
  return readTree(outDir, ...OUTPUT_DIRS);
}

/** Every file under `root`'s folders `dirs`, by path relative to `root`. */
function readTree(root: string, ...dirs: string[]): Map<string, string> {
  const outDir = root;
  const files = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) {
        walk(full);
      } else {
        files.set(relative(outDir, full).split('\\').join('/'), readFileSync(full, 'utf8'));
      }
    }
  };
  for (const dir of dirs) {
    const full = join(outDir, dir);
    if (existsSync(full) && statSync(full).isDirectory()) {
      walk(full);
    }
  }
  return files;
}

/** Synth's own state beside the outputs: the lock, the journal of a swap, its staging folders. */
export const STATE_DIR = '.synth';

/** One rename pair of a swap: `staged` replaces `live`; the old `live` waits in `backup`. */
interface SwapEntry {
  readonly live: string;
  readonly staged: string;
  readonly backup: string;
}

/**
 * The journal: written (fsynced) once the staging folder is complete, removed once the swap
 * is. Paths are relative to the output root, so a moved checkout still recovers.
 */
interface Journal {
  readonly version: 1;
  readonly transaction: string;
  readonly entries: readonly SwapEntry[];
}

/**
 * Test hook: `HOMELAB_SYNTH_FAULT=kill-after-rename:N` kills the process with SIGKILL after
 * the N-th rename of a swap, so a test can prove that the next command recovers.
 */
const FAULT = /^kill-after-rename:(\d+)$/.exec(process.env.HOMELAB_SYNTH_FAULT ?? '');

/**
 * Takes the output root's lock (`DIR/.synth/lock`, created exclusively). A lock whose process
 * is gone (killed synth) is taken over; a live one is a clear refusal. Returns the release.
 */
function acquireLock(outDir: string): () => void {
  const stateDir = join(outDir, STATE_DIR);
  mkdirSync(stateDir, { recursive: true });
  const lock = join(stateDir, 'lock');
  const mine = `${JSON.stringify({ pid: process.pid, host: hostname(), started: new Date().toISOString() })}\n`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lock, mine, { flag: 'wx' });
      return () => {
        if (readText(lock) === mine) {
          rmSync(lock, { force: true });
          // An empty state folder is no change on disk: leave none behind.
          try {
            rmdirSync(stateDir);
          } catch {
            // not empty (another synth's lock arrived), or gone
          }
        }
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw e;
      }
    }
    const holder = parseLock(readText(lock));
    if (holder && holder.host === hostname() && processAlive(holder.pid)) {
      throw new UserError(
        `another synth (process ${holder.pid}, started ${holder.started}) is writing ${displayPath(outDir)}; ` +
          `wait for it to finish, then run again (its lock is ${displayPath(lock)})`,
      );
    }
    if (holder && holder.host !== hostname()) {
      throw new UserError(
        `${displayPath(lock)} is held by a synth on host ${holder.host} (process ${holder.pid}); ` +
          'wait for it, or delete the lock if no synth runs there',
      );
    }
    rmSync(lock, { force: true });
  }
  throw new UserError(`cannot take ${displayPath(lock)}: another synth took it at the same moment; run again`);
}

function parseLock(text: string | undefined): { pid: number; host: string; started: string } | undefined {
  try {
    const v = JSON.parse(text ?? '') as { pid?: unknown; host?: unknown; started?: unknown };
    return typeof v.pid === 'number' && typeof v.host === 'string' ? { pid: v.pid, host: v.host, started: String(v.started) } : undefined;
  } catch {
    return undefined;
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Finishes a swap a killed synth left behind (its journal exists: the staging folder was
 * complete and checked), so the outputs are wholly new; then removes staging folders no
 * journal names. Runs under the lock, before anything reads the outputs. Returns what it did.
 */
function recover(outDir: string): string[] {
  const stateDir = join(outDir, STATE_DIR);
  const journalPath = join(stateDir, 'journal.json');
  const notes: string[] = [];
  const text = readText(journalPath);
  if (text !== undefined) {
    let journal: Journal;
    try {
      journal = JSON.parse(text) as Journal;
    } catch {
      throw new UserError(`${displayPath(journalPath)} is damaged; restore the outputs with \`git checkout -- dist flux host-provisioning\` and delete it`);
    }
    for (const relEntry of journal.entries) {
      const entry = { live: join(outDir, relEntry.live), staged: join(outDir, relEntry.staged), backup: join(outDir, relEntry.backup) };
      if (existsSync(entry.staged)) {
        if (existsSync(entry.live)) {
          if (existsSync(entry.backup)) {
            throw new UserError(
              `an interrupted synth left ${displayPath(entry.live)}, its backup and its replacement; ` +
                `keep the one you want, delete ${displayPath(journalPath)} and run again`,
            );
          }
          renameSync(entry.live, entry.backup);
        }
        renameSync(entry.staged, entry.live);
      }
    }
    rmSync(journalPath);
    notes.push(`finished the swap of an interrupted synth (${journal.transaction}): the outputs are its complete result`);
  }
  for (const name of readdirSync(stateDir)) {
    if (name.startsWith('txn-') || name === 'journal.json.tmp') {
      rmSync(join(stateDir, name), { recursive: true, force: true });
      if (text === undefined) {
        notes.push(`removed ${STATE_DIR}/${name}, left by an interrupted synth`);
      }
    }
  }
  // Staging folders of synths before the journal (pid-named, beside the outputs).
  for (const name of readdirSync(outDir)) {
    const m = /^\.synth-(staging|old)-(\d+)$/.exec(name);
    if (m && !processAlive(Number(m[2]))) {
      rmSync(join(outDir, name), { recursive: true, force: true });
      notes.push(`removed ${name}, left by an interrupted synth`);
    }
  }
  return notes;
}

/**
 * Writes the whole file set into a staging folder under `DIR/.synth/`, records the swap in
 * a journal (fsynced), then swaps each output folder (and each extra file, such as the VIP
 * lock) in by two renames. A synth killed at any point leaves either no journal (the old
 * outputs, untouched) or a journal that the next command finishes (the new outputs).
 */
function writeAtomically(outDir: string, files: FileSet, extraFiles: readonly { target: string; content: string }[] = []): void {
  const stateDir = join(outDir, STATE_DIR);
  const transaction = `txn-${process.pid}-${Date.now()}`;
  const staging = join(stateDir, transaction, 'new');
  const backup = join(stateDir, transaction, 'old');
  try {
    stage(files, staging);
    extraFiles.forEach((extra, i) => {
      mkdirSync(dirname(extraStaging(extra.target, transaction, i, 'new')), { recursive: true });
      writeFileSync(extraStaging(extra.target, transaction, i, 'new'), extra.content);
    });
  } catch (e) {
    rmSync(join(stateDir, transaction), { recursive: true, force: true });
    extraFiles.forEach((extra, i) => rmSync(extraStaging(extra.target, transaction, i, 'new'), { force: true }));
    throw e;
  }
  const entries: SwapEntry[] = [
    ...OUTPUT_DIRS.map((dir) => ({ live: join(outDir, dir), staged: join(staging, dir), backup: join(backup, dir) })),
    // An extra file (the cluster lock beside the spec) is staged in its own folder's state
    // folder, so its rename never crosses file systems; the journal here still covers it.
    ...extraFiles.map((extra, i) => ({ live: extra.target, staged: extraStaging(extra.target, transaction, i, 'new'), backup: extraStaging(extra.target, transaction, i, 'old') })),
  ];
  mkdirSync(backup, { recursive: true });
  const rel = (path: string): string => relative(outDir, path);
  const journal: Journal = {
    version: 1,
    transaction,
    entries: entries.map((e) => ({ live: rel(e.live), staged: rel(e.staged), backup: rel(e.backup) })),
  };
  const journalPath = join(stateDir, 'journal.json');
  const fd = openSync(`${journalPath}.tmp`, 'w');
  try {
    writeSync(fd, JSON.stringify(journal, null, 2));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(`${journalPath}.tmp`, journalPath);
  let renames = 0;
  const rename = (from: string, to: string): void => {
    renameSync(from, to);
    renames++;
    if (FAULT && renames === Number(FAULT[1])) {
      process.kill(process.pid, 'SIGKILL');
    }
  };
  try {
    for (const entry of entries) {
      if (existsSync(entry.live)) {
        rename(entry.live, entry.backup);
      }
      rename(entry.staged, entry.live);
    }
  } catch (e) {
    // The journal is in place: finish the swap now, or leave it for the next command.
    try {
      recover(outDir);
    } catch {
      throw new UserError(
        `the swap of the new outputs into ${displayPath(outDir)} stopped (${(e as Error).message}); ` +
          'the next synth finishes it from its journal',
      );
    }
    throw e;
  }
  rmSync(journalPath);
  rmSync(join(stateDir, transaction), { recursive: true, force: true });
  extraFiles.forEach((extra, i) => rmSync(extraStaging(extra.target, transaction, i, 'old'), { force: true }));
}

/** Where an extra file is staged (`new`) or its old version waits (`old`) during a swap. */
function extraStaging(target: string, transaction: string, index: number, which: 'new' | 'old'): string {
  return join(dirname(target), STATE_DIR, `${transaction}-extra-${index}.${which}`);
}

/** Writes the files, empty output folders included, into `staging`. */
function stage(files: FileSet, staging: string): void {
  for (const [path, content] of files.entries()) {
    const target = join(staging, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, content);
  }
  for (const dir of OUTPUT_DIRS) {
    mkdirSync(join(staging, dir), { recursive: true });
  }
}

/** Files in the folders synth owns that it did not write (no generated header): a user's. */
function foreignFiles(existing: ReadonlyMap<string, string>): string[] {
  return [...existing].filter(([, content]) => !carriesGeneratedHeader(content)).map(([path]) => path).sort();
}

/** `path` relative to the working folder when inside it, for messages. */
function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel === '' ? '.' : rel.startsWith('..') ? path : rel;
}

function summary(result: SynthResult, changes: FileChanges, specPath: string, outDir: string): string {
  const { cluster, warnings } = result;
  const objects = [...cluster.objectCounts].map(([group, n]) => `${group} ${n}`).join(', ');
  const lines = [
    `Synthesized cluster "${cluster.spec.name}" from ${relative(process.cwd(), specPath) || specPath} into ${relative(process.cwd(), outDir) || '.'}`,
    `  objects: ${objects}`,
    `  files: ${changes.added.length} added, ${changes.changed.length} changed, ` +
      `${changes.unchanged.length} unchanged, ${changes.removed.length} removed`,
    ...changes.removed.map((p) => `    removed ${p}`),
    warnings.length === 0 ? '  warnings: none' : `  warnings: ${warnings.length}`,
    ...warnings.map((w) => `    [${w.check}] ${w.message}`),
  ];
  return `${lines.join('\n')}\n`;
}

if (require.main === module) {
  run(process.argv.slice(2)).then(
    (r) => {
      process.stdout.write(r.stdout);
      process.stderr.write(r.stderr);
      process.exitCode = r.exitCode;
    },
    (e: unknown) => {
      process.stderr.write(`internal error (a bug; please report it):\n${e instanceof Error ? e.stack : String(e)}\n`);
      process.exitCode = 2;
    },
  );
}
