import { Finding } from '../output/finding';
import { ANNOTATIONS } from '../analysis/annotations';
import { describeObject, RenderedCluster, RenderedObject } from '../output/rendered';
import { GIT_CRD_SOURCES } from '../upstream/charts';
import { ChartCacheError } from './chart-cache';
import { ChartRenderer, ChartRenderError } from './chart-renderer';
import { RenderedRelease } from '../output/rendered';
import { chartReleases, UnpinnedChartError } from './releases';
import { ChartRelease } from '../output/rendered';

/*
 * Joins what the chart releases install to the rendered cluster: every HelmRelease and
 * bootstrap HelmChart is rendered (lib/helm/chart-renderer.ts), and the objects of the
 * releases the cluster runs become `chartObjects`, which every check reads beside ours.
 */

/** APIs k3s itself serves beyond Kubernetes': its HelmChart controller and addons. */
export const K3S_SERVED_APIS = ['helm.cattle.io/v1', 'helm.cattle.io/v1/HelmChart', 'helm.cattle.io/v1/HelmChartConfig', 'k3s.cattle.io/v1', 'k3s.cattle.io/v1/Addon'];

/** Kinds Kubernetes keeps cluster-scoped (the rest of the built-ins are namespaced). */
const CLUSTER_SCOPED_BUILTINS = new Set([
  'Namespace',
  'Node',
  'PersistentVolume',
  'StorageClass',
  'CSIDriver',
  'CSINode',
  'VolumeAttachment',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'MutatingAdmissionPolicy',
  'MutatingAdmissionPolicyBinding',
  'PriorityClass',
  'APIService',
  'RuntimeClass',
  'IngressClass',
  'FlowSchema',
  'PriorityLevelConfiguration',
]);

/** `group/version` and `group/version/Kind` for every version each CRD serves. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function servedApis(crds: readonly any[]): string[] {
  return crds.flatMap((crd) =>
    (crd.spec?.versions ?? [])
      .filter((v: { served?: boolean }) => v.served !== false)
      .flatMap((v: { name: string }) => [`${crd.spec.group}/${v.name}`, `${crd.spec.group}/${v.name}/${crd.spec.names?.kind}`]),
  );
}

export interface ChartRenders {
  /** Renders of every release, the bootstrap HelmCharts included. */
  readonly releases: readonly RenderedRelease[];
  readonly chartObjects: readonly RenderedObject[];
  readonly findings: readonly Finding[];
  readonly unavailable?: string;
}

const CHECK = 'charts';

/** The most a Secret may hold (Kubernetes limits its data to 1 MiB). */
export const HELM_RELEASE_LIMIT = 1024 * 1024;
/** Above this share of the limit a release is reported, so a chart bump cannot surprise. */
export const RELEASE_SIZE_WARNING = 0.95;

function error(message: string): Finding {
  return { severity: 'error', check: CHECK, message };
}

/**
 * Renders every release of the cluster. Objects of a bootstrap HelmChart whose release a Flux
 * HelmRelease takes over (same release name and namespace) join the model once, as the
 * HelmRelease's.
 */
export async function renderChartObjects(cluster: RenderedCluster, renderer: ChartRenderer): Promise<ChartRenders> {
  let releases: ChartRelease[];
  try {
    releases = chartReleases([...cluster.objects, ...cluster.bootstrapObjects]);
  } catch (e) {
    if (e instanceof UnpinnedChartError) return { releases: [], chartObjects: [], findings: [error(e.message)] };
    throw e;
  }
  const base = [
    ...K3S_SERVED_APIS,
    ...servedApis([...cluster.objects, ...cluster.bootstrapObjects].map((o) => o.manifest).filter((m) => m.kind === 'CustomResourceDefinition')),
    ...cluster.objects
      .filter((o) => o.manifest.kind === 'Kustomization' && o.manifest.metadata.annotations?.[ANNOTATIONS.installsCrds])
      .flatMap((o) => GIT_CRD_SOURCES.filter((s) => s.group === o.manifest.metadata.annotations[ANNOTATIONS.installsCrds]))
      .flatMap((s) => s.versions.map((v) => `${s.group}/${v}`)),
  ];
  const kubeVersion = cluster.spec.k3s.version;
  let rendered: readonly RenderedRelease[];
  try {
    // Pass one sees the APIs of our own objects; pass two adds the CRDs the charts install,
    // so a chart that looks for another chart's API (.Capabilities.APIVersions) finds it.
    const first = await renderer.render(releases, { kubeVersion, apiVersions: uniqueSorted(base) });
    if ('unavailable' in first) return { releases: [], chartObjects: [], findings: [], unavailable: first.unavailable };
    const all = uniqueSorted([...base, ...servedApis(first.flatMap((r) => r.objects.map((o) => o.manifest)).filter((m) => m.kind === 'CustomResourceDefinition'))]);
    const second = all.length === uniqueSorted(base).length ? first : await renderer.render(releases, { kubeVersion, apiVersions: all });
    if ('unavailable' in second) return { releases: [], chartObjects: [], findings: [], unavailable: second.unavailable };
    rendered = second;
  } catch (e) {
    if (e instanceof ChartCacheError || e instanceof ChartRenderError) return { releases: [], chartObjects: [], findings: [error(e.message)] };
    throw e;
  }
  const findings: Finding[] = [];
  for (const r of rendered) {
    for (const path of r.unreadValues) {
      findings.push(
        error(
          `${r.release.file}: ${r.release.id}: values.${path} is not read by chart ${r.release.source.chart} ${r.release.source.version} ` +
            '(no template uses it and its default values have no such key); fix the key or remove it',
        ),
      );
    }
  }
  for (const r of rendered) {
    const share = r.releaseBytes / HELM_RELEASE_LIMIT;
    if (share > RELEASE_SIZE_WARNING) {
      findings.push({
        severity: share > 1 ? 'error' : 'warning',
        check: CHECK,
        message:
          `${r.release.file}: ${r.release.id}: Helm stores this release in a Secret of about ${(r.releaseBytes / 1024).toFixed(0)} KiB, ` +
          `${(share * 100).toFixed(0)}% of Kubernetes' 1 MiB limit${share > 1 ? ': the install will fail' : ''}; ` +
          'a bundle applied by a Flux Kustomization (server-side, no release Secret) has no such limit',
      });
    }
  }
  const clusterScoped = clusterScopedKinds([...cluster.objects, ...rendered.flatMap((r) => r.objects)].map((o) => o.manifest));
  const fluxReleases = new Set(rendered.filter((r) => r.release.kind === 'HelmRelease').map((r) => `${r.release.namespace}/${r.release.releaseName}`));
  const chartObjects: RenderedObject[] = [];
  for (const r of rendered) {
    if (r.release.kind === 'HelmChart' && fluxReleases.has(`${r.release.namespace}/${r.release.releaseName}`)) continue;
    chartObjects.push(...releaseObjects(r, clusterScoped));
  }
  return { releases: rendered, chartObjects, findings };
}

/** The cluster-scoped kinds: Kubernetes' own and those of the cluster-scoped CRDs among `manifests`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function clusterScopedKinds(manifests: readonly any[]): Set<string> {
  return new Set([
    ...CLUSTER_SCOPED_BUILTINS,
    ...manifests.filter((m) => m.kind === 'CustomResourceDefinition' && m.spec?.scope === 'Cluster').map((m) => m.spec.names.kind),
  ]);
}

/** A release's objects as the cluster stores them: namespaced kinds in the release namespace. */
export function releaseObjects(r: RenderedRelease, clusterScoped: ReadonlySet<string>): RenderedObject[] {
  return r.objects.map(({ template, manifest }) => {
    const namespaced = !clusterScoped.has(manifest.kind);
    const m = namespaced && !manifest.metadata?.namespace ? { ...manifest, metadata: { ...manifest.metadata, namespace: r.release.namespace } } : manifest;
    return { file: `${r.release.file} [${template}]`, group: r.release.group, manifest: m, release: r.release.id };
  });
}

function uniqueSorted(values: readonly string[]): string[] {
  return [...new Set(values)].sort();
}

/** `HelmRelease/ns/name (chart c v)` for messages. */
export function describeRelease(r: ChartRelease): string {
  return `${r.id} (chart ${r.source.chart} ${r.source.version})`;
}

export { describeObject };
