import { parseYaml as parse } from '../yaml/yaml-memo';
import { describeObject, RenderedObject } from '../output/rendered';
import { ChartSource, PINNED_CHARTS } from '../upstream/charts';
import type { ChartRelease } from '../output/rendered';

/*
 * The chart releases a synth delivers: every Flux HelmRelease in dist/ and flux/, and every
 * k3s HelmChart in the control plane's auto-deploy folder, read from the rendered objects
 * (what the cluster will see), each resolved to its pinned chart.
 */

/** Thrown when a release names a chart or version that lib/upstream/charts.ts does not pin. */
export class UnpinnedChartError extends Error {}

function pinned(chart: string, version: string, repositoryUrl: string | undefined, where: string): ChartSource {
  const source = PINNED_CHARTS.find((c) => c.chart === chart && c.version === version && (repositoryUrl === undefined || c.repositoryUrl === repositoryUrl));
  if (!source) {
    throw new UnpinnedChartError(
      `${where}: chart ${chart} ${version}${repositoryUrl ? ` from ${repositoryUrl}` : ''} is not pinned in lib/upstream/charts.ts (PINNED_CHARTS), so it cannot be rendered`,
    );
  }
  return source;
}

/** The releases among the given objects (stage, Flux and bootstrap objects alike). */
export function chartReleases(objects: readonly RenderedObject[]): ChartRelease[] {
  const repositories = new Map<string, string>();
  for (const { manifest } of objects) {
    if (manifest.kind === 'HelmRepository') repositories.set(`${manifest.metadata.namespace}/${manifest.metadata.name}`, manifest.spec?.url);
  }
  const out: ChartRelease[] = [];
  for (const { file, group, manifest } of objects) {
    const where = `${file}: ${describeObject(manifest)}`;
    if (manifest.kind === 'HelmRelease' && manifest.apiVersion.startsWith('helm.toolkit.fluxcd.io/')) {
      const chart = manifest.spec?.chart?.spec;
      const ref = chart?.sourceRef ?? {};
      const url = repositories.get(`${ref.namespace ?? manifest.metadata.namespace}/${ref.name}`);
      out.push({
        id: describeObject(manifest),
        kind: 'HelmRelease',
        file,
        group,
        source: pinned(chart?.chart, chart?.version, url, where),
        releaseName: manifest.spec.releaseName ?? manifest.metadata.name,
        namespace: manifest.spec.targetNamespace ?? manifest.metadata.namespace,
        values: manifest.spec.values ?? {},
        includeCrds: (manifest.spec.install?.crds ?? 'Create') !== 'Skip',
      });
    } else if (manifest.kind === 'HelmChart' && manifest.apiVersion.startsWith('helm.cattle.io/')) {
      const spec = manifest.spec ?? {};
      out.push({
        id: describeObject(manifest),
        kind: 'HelmChart',
        file,
        group,
        source: pinned(spec.chart, spec.version, spec.repo, where),
        releaseName: manifest.metadata.name,
        namespace: spec.targetNamespace ?? manifest.metadata.namespace ?? 'default',
        values: spec.valuesContent ? (parse(spec.valuesContent) ?? {}) : {},
        // helm-controller runs `helm install`, which applies crds/ unless told to skip them.
        includeCrds: spec.skipCRDs !== true,
      });
    }
  }
  return out;
}
