import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { HELM_CLI } from '../upstream/charts';
import {
  CacheLayout,
  cacheLayout,
  ChartArchive,
  ChartCacheError,
  FILL_COMMAND,
  helmBinaryPath,
  readChartArchive,
  verifyChartArchive,
} from './chart-cache';
import { ChartRelease } from '../output/rendered';
import { markDeepFrozen } from '../output/verdict-cache';
import { deepFreeze } from '../yaml/yaml';
import { chartValuesModel, unreadValues } from './unread-values';
import { CapabilityReads, capabilityReads, visibleCapabilities } from './capability-reads';
import type { ChartObject, RenderedRelease } from '../output/rendered';

/*
 * Renders chart releases with the pinned Helm CLI from the chart cache, as the cluster's
 * installer would (`helm template` at the pinned version, with the release name, namespace,
 * values, Kubernetes version and the API versions the cluster serves; Helm applies the
 * chart's values schema). Each render is kept in .cache/renders/ under a key made of the
 * archive's digest, the values and every flag the chart can read (of the Kubernetes version and
 * the served APIs only what its templates and Chart.yaml look at: capability-reads.ts), so a warm
 * synth runs no helm at all.
 *
 * What helm printed is parsed once per exact text: a render key names the sha256 of its
 * output (`<key>.json`), and `output-<sha>.json` holds the parsed objects: a bootstrap HelmChart
 * and the HelmRelease that takes it over often print the same text, parsed once.
 */

/** What the cluster will look like to the charts (`.Capabilities`). */
export interface RenderContext {
  /** `--kube-version`, e.g. `v1.33.11+k3s1`. */
  readonly kubeVersion: string;
  /** `--api-versions`: `group/version` and `group/version/Kind` of every served API beyond Helm's built-ins. */
  readonly apiVersions: readonly string[];
}

/** Why nothing could be rendered (no chart cache): the checks that need renders say so. */
export interface RenderUnavailable {
  readonly unavailable: string;
}

export interface ChartRenderer {
  render(releases: readonly ChartRelease[], context: RenderContext): Promise<readonly RenderedRelease[] | RenderUnavailable>;
}

/** A release that Helm refuses to render (values schema, template failure): the message is Helm's. */
export class ChartRenderError extends Error {}

export interface HelmChartRendererOptions {
  /** @default .cache/ in the project */
  readonly layout?: CacheLayout;
  /**
   * Fail (ChartCacheError) rather than report the renders unavailable when there is no
   * chart cache at all. Tests and CI set this: they never run without the charts.
   * @default false
   */
  readonly required?: boolean;
}

const CACHE_FORMAT = 8;

type CachedRender = { objects: ChartObject[]; unreadValues: string[]; releaseBytes: number };

/** Helm's storage of a release: base64(gzip(JSON of the release, the chart's files as base64)). */
function releaseSecretBytes(files: ReadonlyMap<string, Buffer>, values: unknown, manifest: string): number {
  const chart = { templates: [...files].map(([name, data]) => ({ name, data: data.toString('base64') })), values };
  return Math.ceil(gzipSync(JSON.stringify({ chart, config: values, manifest }), { level: 9 }).length / 3) * 4;
}

/**
 * Renders read in this process, by the sha256 of their output: a bootstrap HelmChart and the
 * HelmRelease that takes it over often render alike, so do the two passes of
 * renderChartObjects for a chart that does not look at the cluster's APIs, and so do the
 * synths of one test file. Checks only read the objects, so one parse serves them all; they
 * are frozen, so code that would change one fails loudly instead of changing every reader's.
 */
const parsedRenders = new Map<string, CachedRender>();

/** What each archive (by digest) reads of the served APIs, in this process. */
const archiveReads = new Map<string, CapabilityReads>();

export class HelmChartRenderer implements ChartRenderer {
  private readonly layout: CacheLayout;
  private readonly required: boolean;

  constructor(options: HelmChartRendererOptions = {}) {
    this.layout = options.layout ?? cacheLayout();
    this.required = options.required ?? false;
  }

  public async render(releases: readonly ChartRelease[], context: RenderContext): Promise<readonly RenderedRelease[] | RenderUnavailable> {
    if (releases.length === 0) return [];
    const helm = helmBinaryPath(this.layout);
    if (!this.required && !existsSync(this.layout.charts)) {
      return { unavailable: `there is no chart cache (${this.layout.charts}); run ${FILL_COMMAND}` };
    }
    const archives = new Map<string, ChartArchive>();
    for (const r of releases) {
      const key = `${r.source.chart}@${r.source.version}`;
      if (!archives.has(key)) archives.set(key, readChartArchive(r.source, this.layout));
    }
    const jobs = releases.map((release) => {
      const archive = archives.get(`${release.source.chart}@${release.source.version}`)!;
      const key = createHash('sha256')
        .update(
          JSON.stringify({
            format: CACHE_FORMAT,
            helm: HELM_CLI.helmVersion,
            digest: archive.digest,
            release: release.releaseName,
            namespace: release.namespace,
            values: release.values,
            includeCrds: release.includeCrds,
            capabilities: visibleCapabilities(this.capabilityReads(archive), release.values, context.kubeVersion, context.apiVersions),
          }),
        )
        .digest('hex');
      return { release, archive, path: join(this.layout.renders, `${key}.json`) };
    });
    const cold = jobs.filter((j) => this.outputOf(j.path) === undefined);
    if (cold.length > 0 && !existsSync(helm)) {
      throw new ChartCacheError(`the pinned Helm CLI ${HELM_CLI.helmVersion} is not at ${helm}; run ${FILL_COMMAND}`);
    }
    await runLimited(cold, 2, async (job) => {
      const release = await this.claim(job.path);
      try {
        if (this.outputOf(job.path) === undefined) await this.renderJob(helm, job, context);
      } finally {
        release();
      }
    });
    return jobs.map(({ release, path }) => {
      const output = this.outputOf(path)!;
      const cached = parsedRenders.get(output) ?? deepFreeze(JSON.parse(readFileSync(this.outputPath(output), 'utf8')) as CachedRender);
      cached.objects.forEach((o) => markDeepFrozen(o.manifest));
      parsedRenders.set(output, cached);
      return { release, objects: cached.objects, unreadValues: cached.unreadValues, releaseBytes: cached.releaseBytes };
    });
  }

  /**
   * Takes the render key's lock (`<key>.json.lock`, naming this process), so that synths or
   * test workers starting together run helm once per key: the others wait until the render is
   * there. A lock whose process is gone is taken over; after LOCK_WAIT_MS the render runs
   * anyway. Only work depends on the lock, never a result: every cache file is written by rename.
   */
  private async claim(path: string): Promise<() => void> {
    mkdirSync(this.layout.renders, { recursive: true });
    const lock = `${path}.lock`;
    const started = Date.now();
    for (;;) {
      const owner = `${lock}.${process.pid}.${Math.random().toString(36).slice(2)}`;
      writeFileSync(owner, JSON.stringify({ pid: process.pid, host: hostname() }));
      try {
        linkSync(owner, lock);
        return () => rmSync(lock, { force: true });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      } finally {
        rmSync(owner, { force: true });
      }
      if (this.outputOf(path) !== undefined || Date.now() - started > LOCK_WAIT_MS) return () => {};
      if (!lockHeld(lock)) {
        rmSync(lock, { force: true });
        continue;
      }
      await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
    }
  }

  private async renderJob(helm: string, job: { release: ChartRelease; archive: ChartArchive; path: string }, context: RenderContext): Promise<void> {
    verifyChartArchive(job.archive);
    const stdout = await this.helmTemplate(helm, job.release, job.archive, context);
    // The parsed render is a function of the archive, the values and what helm printed.
    const output = createHash('sha256')
      .update(JSON.stringify({ format: CACHE_FORMAT, digest: job.archive.digest, values: job.release.values }))
      .update(stdout)
      .digest('hex');
    mkdirSync(this.layout.renders, { recursive: true });
    const outputPath = this.outputPath(output);
    if (!existsSync(outputPath)) writeAtomically(outputPath, JSON.stringify(parseRender(stdout, job.release, job.archive)));
    writeAtomically(job.path, JSON.stringify({ output }));
  }

  /**
   * What an archive's files read of the cluster's capabilities, kept in .cache/renders/ by the
   * archive's digest: finding out means unpacking the archive, which a warm synth otherwise
   * never does.
   */
  private capabilityReads(archive: ChartArchive): CapabilityReads {
    const known = archiveReads.get(archive.digest);
    if (known) return known;
    const path = join(this.layout.renders, `reads-${archive.digest}.json`);
    let reads: CapabilityReads | undefined;
    try {
      const kept = JSON.parse(readFileSync(path, 'utf8')) as { format?: unknown; reads?: CapabilityReads };
      if (kept.format === CACHE_FORMAT) reads = kept.reads;
    } catch {
      // not kept yet, or unreadable: found out again below
    }
    if (!reads) {
      reads = capabilityReads(archive.files());
      mkdirSync(this.layout.renders, { recursive: true });
      writeAtomically(path, JSON.stringify({ format: CACHE_FORMAT, reads }));
    }
    archiveReads.set(archive.digest, reads);
    return reads;
  }

  private outputPath(output: string): string {
    return join(this.layout.renders, `output-${output}.json`);
  }

  /** The sha256 of a cached render's output, if both the key's file and the output's are there. */
  private outputOf(path: string): string | undefined {
    if (!existsSync(path)) return undefined;
    try {
      const { output } = JSON.parse(readFileSync(path, 'utf8')) as { output?: unknown };
      return typeof output === 'string' && /^[0-9a-f]{64}$/.test(output) && existsSync(this.outputPath(output)) ? output : undefined;
    } catch {
      return undefined;
    }
  }

  /** What `helm template` prints for a release. */
  private async helmTemplate(helm: string, release: ChartRelease, archive: ChartArchive, context: RenderContext): Promise<string> {
    const scratch = mkdtempSync(join(tmpdir(), 'helm-values-'));
    try {
      const valuesFile = join(scratch, 'values.json');
      writeFileSync(valuesFile, JSON.stringify(release.values));
      const args = [
        'template',
        release.releaseName,
        archive.path,
        '--namespace',
        release.namespace,
        '--kube-version',
        context.kubeVersion,
        ...context.apiVersions.flatMap((a) => ['--api-versions', a]),
        '--values',
        valuesFile,
        ...(release.includeCrds ? ['--include-crds'] : []),
      ];
      const { code, stdout, stderr } = await run(helm, args);
      if (code !== 0) {
        throw new ChartRenderError(
          `${release.file}: ${release.id}: helm template of ${release.source.chart} ${release.source.version} failed: ${stderr.trim().replace(/\n+/g, '; ')}`,
        );
      }
      return stdout;
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }
}

/** The objects of what helm printed, with the values the chart never reads and the release's size. */
function parseRender(stdout: string, release: ChartRelease, archive: ChartArchive): CachedRender {
  // helm prints `# Source: <template>` before each template's output. A file that starts with
  // its own `---` (traefik's crds/) leaves the comment in an empty document of its own, so an
  // object's template is the last Source comment before the object's content.
  const sources = [...stdout.matchAll(/^# Source: (\S+)/gm)].map((m) => ({ at: m.index, template: m[1] }));
  const objects: ChartObject[] = [];
  let next = 0;
  let template = '(unknown template)';
  for (const doc of parseAllDocuments(stdout)) {
    const manifest = doc.toJS();
    if (!manifest || typeof manifest !== 'object') continue;
    const contentAt = doc.contents?.range[0] ?? doc.range[0];
    while (next < sources.length && sources[next].at < contentAt) template = sources[next++].template;
    objects.push({ template, manifest });
  }
  return {
    objects,
    unreadValues: unreadValues(chartValuesModel(archive.files()), release.values),
    releaseBytes: releaseSecretBytes(archive.files(), release.values, stdout),
  };
}

/** How long a synth waits for another process's render of the same key, and how often it looks. */
const LOCK_WAIT_MS = 120_000;
const LOCK_POLL_MS = 50;

/** Whether a render lock's process still runs (a lock of another host, or unreadable, counts as held). */
function lockHeld(lock: string): boolean {
  let owner: { pid?: unknown; host?: unknown };
  try {
    owner = JSON.parse(readFileSync(lock, 'utf8'));
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ENOENT';
  }
  if (owner.host !== hostname() || typeof owner.pid !== 'number') return true;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Writes a cache file by rename, so a synth running at the same time never reads half of one. */
function writeAtomically(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

function run(command: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
  });
}

async function runLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++];
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
