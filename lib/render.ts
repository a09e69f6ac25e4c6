import { App, Chart } from 'cdk8s';
import { bootstrapManifests } from './flux/bootstrap-manifests';
import { FluxChart } from '../charts/flux-chart';
import { K3S_MANIFESTS_DIR } from './k3s/k3s-requirements';
import { HostProvisioning } from './host/host-provisioning';
import { SCRAPE_TARGETS_CONTEXT } from './k8s/homelab-namespace';
import { VipAssignments } from './net/vip-allocator';
import { FileSet } from './output/file-set';
import { RenderedCluster, RenderedObject } from './output/rendered';
import { LocalDataVolume } from './storage/local-data-volume';
import { serviceMonitoring } from './services/registry';
import { STORAGE_HISTORY_CONTEXT } from './storage/storage-history';
import { GeneratedFile } from './output/generated-file';
import { stringifyYaml } from './yaml/yaml-memo';
import { ClusterSpec } from './spec/schema';
import { StageRegistry } from './stages/stage';

/**
 * Builds the construct tree for a spec and renders it to files in memory. Pure: no disk,
 * no environment, no clock.
 */
export function renderCluster(
  spec: ClusterSpec,
  stages: StageRegistry,
  vips: VipAssignments,
  storageHistory: ReadonlyMap<string, { readonly manifest: unknown }> = new Map(),
): RenderedCluster {
  const app = new App({ outdir: 'dist' });
  // existing claims keep what the API server will not change (lib/storage/storage-history.ts)
  app.node.setContext(STORAGE_HISTORY_CONTEXT, storageHistory);
  // every namespace opens to Prometheus exactly the pod ports its scrape jobs read (lib/k8s/homelab-namespace.ts)
  const scrapeTargets = spec.services.observability.enabled ? serviceMonitoring(spec).scrapeJobs.flatMap((j) => (j.target ? [j.target] : [])) : [];
  app.node.setContext(SCRAPE_TARGETS_CONTEXT, scrapeTargets);
  const enabled = stages.enabled(spec);
  const stageCharts: [string, Chart][] = enabled.map((stage) => [
    stage.name,
    new stage.chart(app, chartId(stage.name), { spec, vips }),
  ]);
  const flux = new FluxChart(app, 'Flux', { spec, stages: enabled });
  const localVolumeDirs = app.node
    .findAll()
    .filter((c): c is LocalDataVolume => c instanceof LocalDataVolume)
    .map((c) => c.dir);
  const hosts = new HostProvisioning(app, 'HostProvisioning', { spec, localVolumeDirs });

  const errors = app.node.findAll().flatMap((c) => c.node.validate().map((m) => `${c.node.path}: ${m}`));
  if (errors.length > 0) {
    throw new Error(`Construct validation failed:\n${errors.join('\n')}`);
  }

  // A chart's manifests are final once the tree is built and validated; the DNS chart reads every
  // other chart's while it renders (its zone), so each chart is synthesized once, not twice.
  [...stageCharts.map(([, chart]) => chart), flux].forEach(synthesizeOnce);

  const files = new FileSet();
  const objects: RenderedObject[] = [];
  const objectCounts = new Map<string, number>();
  const renderChart = (group: string, folder: string, chart: Chart): void => {
    const resources: string[] = [];
    for (const manifest of chart.toJson()) {
      const relative = objectFileName(manifest);
      const file = `${folder}/${relative}`;
      files.addWithHeader(file, stringifyYaml(manifest, { lineWidth: 0 }), '#');
      objects.push({ file, group, manifest });
      resources.push(relative);
    }
    files.addWithHeader(`${folder}/kustomization.yaml`, kustomization(resources), '#');
    objectCounts.set(group, resources.length);
  };
  stageCharts.forEach(([name, chart]) => renderChart(name, `dist/${name}`, chart));
  renderChart('flux', 'flux', flux);

  for (const file of hosts.node.findAll().filter((c): c is GeneratedFile => c instanceof GeneratedFile)) {
    files.addWithHeader(file.path, file.content, file.commentPrefix);
  }
  const server = spec.nodes.find((n) => n.role === 'server');
  const bootstrapObjects: RenderedObject[] = server?.os === 'k3os'
    ? bootstrapManifests(spec).flatMap((m) =>
        m.objects.map((manifest) => ({
          file: `host-provisioning/k3os/${server.name}.yaml (${K3S_MANIFESTS_DIR}/${m.fileName})`,
          group: `bootstrap/${m.fileName}`,
          manifest,
        })),
      )
    : [];
  return { spec, objects, bootstrapObjects, chartObjects: [], releases: [], files, objectCounts, vips, stages };
}

/** Makes `chart.toJson()` compute its manifests on the first call and return them after. */
function synthesizeOnce(chart: Chart): void {
  const synthesize = chart.toJson.bind(chart);
  let manifests: ReturnType<Chart['toJson']> | undefined;
  chart.toJson = () => (manifests ??= synthesize());
}

/** Construct IDs are a contract: `networking-controllers` -> `NetworkingControllers`. */
function chartId(stageName: string): string {
  return stageName
    .split('-')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}

/** Cluster-scoped objects at the stage root, namespaced ones in a folder per namespace. */
function objectFileName(manifest: { kind: string; metadata: { name: string; namespace?: string } }): string {
  const base = `${manifest.kind.toLowerCase()}-${manifest.metadata.name}.yaml`;
  return manifest.metadata.namespace ? `${manifest.metadata.namespace}/${base}` : base;
}

function kustomization(resources: string[]): string {
  return stringifyYaml({
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: [...resources].sort(),
  });
}

