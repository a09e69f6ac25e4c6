import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { PROJECT_ROOT } from '../project-root';
import { ChartSource, HELM_CLI } from '../upstream/charts';
import { readTarGz } from './archives';

/*
 * The chart cache: the pinned charts as packaged archives, the Helm CLI that renders them and
 * the renders themselves, all under .cache/ (gitignored), filled by `npm run charts`
 * (docs/decisions/0012-charts-as-dependencies.md). Reading it is the only thing synth does
 * with it: nothing here touches the network.
 */

/**
 * The cache folder: `.cache/` in the project, or HOMELAB_CACHE_DIR (npm run bench times cold
 * synths in a folder of its own, so the project's warm cache stays).
 */
export const CACHE_DIR = process.env.HOMELAB_CACHE_DIR || join(PROJECT_ROOT, '.cache');

/** The command that fills the cache, for messages. */
export const FILL_COMMAND = 'npm run charts (or npm run charts -- --from DIR with a folder of chart archives)';

export interface CacheLayout {
  /** `<chart>-<version>.tgz` for every pinned chart. */
  readonly charts: string;
  /** `helm-<version>/helm`. */
  readonly helm: string;
  /** `<key>.json`: one render per chart digest, values and flags. */
  readonly renders: string;
}

export function cacheLayout(root: string = CACHE_DIR): CacheLayout {
  return { charts: join(root, 'charts'), helm: join(root, 'helm'), renders: join(root, 'renders') };
}

/** The file a Helm repository serves a chart version as, and the cache keeps it under. */
export function archiveName(source: ChartSource): string {
  return `${source.chart}-${source.version}.tgz`;
}

export function helmBinaryPath(layout: CacheLayout): string {
  return join(layout.helm, `helm-${HELM_CLI.helmVersion}`, 'helm');
}

/** A chart archive read from the cache, its version checked against the pin. */
export interface ChartArchive {
  readonly source: ChartSource;
  readonly path: string;
  /** sha256 of the archive bytes. */
  readonly digest: string;
  /** The archive's files, path -> bytes (paths start with the chart's folder). */
  files(): Map<string, Buffer>;
}

/** A cache problem: the message names the archive and the command that fixes it. */
export class ChartCacheError extends Error {}

/** The chart's own metadata (`<chart>/Chart.yaml`), the first Chart.yaml at depth one. */
export function chartMetadata(files: ReadonlyMap<string, Buffer>): { name?: string; version?: string } {
  const entry = [...files.keys()].find((p) => /^[^/]+\/Chart\.yaml$/.test(p));
  return entry ? (parse(files.get(entry)!.toString('utf8')) ?? {}) : {};
}

/**
 * Reads a pinned chart's archive. A missing archive, or one whose Chart.yaml says another
 * chart or version than the pin, is a ChartCacheError naming the command to run.
 */
export function readChartArchive(source: ChartSource, layout: CacheLayout): ChartArchive {
  const path = join(layout.charts, archiveName(source));
  if (!existsSync(path)) {
    throw new ChartCacheError(`chart ${source.chart} ${source.version} is pinned but ${path} does not exist; run ${FILL_COMMAND}`);
  }
  const bytes = readFileSync(path);
  let files: Map<string, Buffer> | undefined;
  const read = (): Map<string, Buffer> => {
    if (!files) {
      try {
        files = readTarGz(bytes);
      } catch (e) {
        throw new ChartCacheError(`${path} is not a chart archive (${(e as Error).message}); delete it and run ${FILL_COMMAND}`);
      }
    }
    return files;
  };
  const digest = createHash('sha256').update(bytes).digest('hex');
  return { source, path, digest, files: read };
}

/** Checks that an archive holds the pinned chart and version; throws a ChartCacheError if not. */
export function verifyChartArchive(archive: ChartArchive): void {
  const meta = chartMetadata(archive.files());
  const { source, path } = archive;
  if (meta.name !== source.chart || meta.version !== source.version) {
    throw new ChartCacheError(
      `${path} holds chart ${meta.name ?? '(none)'} version ${meta.version ?? '(none)'}, but ${source.chart} ${source.version} is pinned; ` +
        `delete it and run ${FILL_COMMAND}`,
    );
  }
}
