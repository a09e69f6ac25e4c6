/*
 * The only impure file: it parses arguments, reads the spec and the existing outputs,
 * runs the pure pipeline (lib/synth.ts) and writes the result atomically.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { z } from 'zod';
import { UserError } from './lib/errors';
import { compareFiles, FileChanges, FileSet } from './lib/output/file-set';
import { formatPlan, planChanges } from './lib/plan/plan';
import { formatApplyPlan } from './lib/plan/apply-verdicts';
import { PROJECT_ROOT } from './lib/project-root';
import { reportFiles } from './lib/report/report-files';
import { loadSpec } from './lib/spec/load-spec';
import { restoreJob } from './lib/storage/restore-job';
import { clusterSchema } from './lib/spec/schema';
import { defaultChecks, synthesize, SynthResult } from './lib/synth';

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

export interface RunResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the command line. Never throws for user mistakes; returns what to print. */
export async function run(argv: readonly string[]): Promise<RunResult> {
  try {
    return { exitCode: 0, stdout: await runOrThrow(argv), stderr: '' };
  } catch (e) {
    if (e instanceof UserError) {
      return { exitCode: 1, stdout: '', stderr: `error: ${e.message}\n` };
    }
    throw e;
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
    return `${JSON.stringify(z.toJSONSchema(clusterSchema, { io: 'input' }), null, 2)}\n`;
  }
  const specPath = resolve(values.spec ?? join(PROJECT_ROOT, 'cluster.yaml'));
  const outDir = resolve(values.out ?? PROJECT_ROOT);
  const specText = readSpec(specPath);
  if (values.restore) {
    const spec = loadSpec(specText, relative(process.cwd(), specPath) || specPath);
    return stringify(restoreJob(spec, values.restore, values.snapshot ?? 'latest'));
  }
  if (values.plan) {
    const committed = committedOutputs(dirname(specPath));
    const planned = await synthesize(specText, relative(process.cwd(), specPath) || specPath, {
      previousFiles: committed,
      secretFiles: readTree(dirname(specPath), 'secrets'),
      allowDataLoss: true,
      // the plan shows the API server's verdicts instead of stopping at them
      checks: defaultChecks().filter((c) => c.name !== 'api-update'),
    });
    const files = new Map(planned.cluster.files.entries());
    return formatPlan(planChanges(committed, files)) + formatApplyPlan(committed, files, values.migrate ?? false);
  }
  const existing = readOutputs(outDir);
  const result = await synthesize(specText, relative(process.cwd(), specPath) || specPath, {
    previousFiles: existing,
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
  if (changes.added.length + changes.changed.length + changes.removed.length > 0) {
    writeAtomically(outDir, result.cluster.files);
  }
  return summary(result, changes, specPath, outDir);
}

function readSpec(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new UserError(`cannot read the cluster description ${path}: ${(e as NodeJS.ErrnoException).code ?? e}`);
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

/**
 * Writes the whole file set into a staging folder beside the outputs, then swaps each
 * output folder in by rename. If a rename fails, the folders already swapped are put
 * back, so the outputs are either all old or all new.
 */
function writeAtomically(outDir: string, files: FileSet): void {
  mkdirSync(outDir, { recursive: true });
  const staging = join(outDir, `.synth-staging-${process.pid}`);
  const old = join(outDir, `.synth-old-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  rmSync(old, { recursive: true, force: true });
  try {
    for (const [path, content] of files.entries()) {
      const target = join(staging, path);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, content);
    }
    for (const dir of OUTPUT_DIRS) {
      mkdirSync(join(staging, dir), { recursive: true });
    }
    mkdirSync(old);
    const swapped: string[] = [];
    try {
      for (const dir of OUTPUT_DIRS) {
        if (existsSync(join(outDir, dir))) {
          renameSync(join(outDir, dir), join(old, dir));
        }
        swapped.push(dir);
        renameSync(join(staging, dir), join(outDir, dir));
      }
    } catch (e) {
      for (const dir of swapped.reverse()) {
        if (existsSync(join(outDir, dir)) && !existsSync(join(staging, dir))) {
          renameSync(join(outDir, dir), join(staging, dir));
        }
        if (existsSync(join(old, dir))) {
          renameSync(join(old, dir), join(outDir, dir));
        }
      }
      throw e;
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
    rmSync(old, { recursive: true, force: true });
  }
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
