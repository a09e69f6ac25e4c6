import type { VipAssignments } from '../net/vip-allocator';
import type { ClusterSpec } from '../spec/schema';
import type { StageRegistry } from '../stages/stage';
import type { ChartSource } from '../upstream/charts';
import type { FileSet } from './file-set';

/*
 * What a synth renders, before any check reads it and before anything is written: the types
 * every check, report and plan reads, and the helpers to read them.
 */

/** One release to render with `helm template`. */
export interface ChartRelease {
  /** `HelmRelease/ns/name` or `HelmChart/kube-system/name`. */
  readonly id: string;
  readonly kind: 'HelmRelease' | 'HelmChart';
  /** The file the release object is written to. */
  readonly file: string;
  /** The output group of the release object: a stage, `flux`, or `bootstrap/<file>`. */
  readonly group: string;
  readonly source: ChartSource;
  readonly releaseName: string;
  /** The namespace the chart installs into. */
  readonly namespace: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly values: Record<string, any>;
  /** Whether the installer applies the chart's `crds/` folder. */
  readonly includeCrds: boolean;
}

/** One object a chart renders. */
export interface ChartObject {
  /** The template it came from, e.g. `metallb/templates/controller.yaml`. */
  readonly template: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly manifest: any;
}

export interface RenderedRelease {
  readonly release: ChartRelease;
  readonly objects: readonly ChartObject[];
  /** Values paths the chart never reads. */
  readonly unreadValues: readonly string[];
  /**
   * About the size of the Secret Helm stores the release in (base64 of the gzipped JSON of
   * the chart's files, values and manifest), which must stay under Kubernetes' 1 MiB.
   */
  readonly releaseBytes: number;
}

/** A Kubernetes object as rendered, with where it is written. */
export interface RenderedObject {
  /** Output path, e.g. `dist/networking/namespace-metallb-system.yaml`. */
  readonly file: string;
  /** The output group: a stage name, or `flux`. */
  readonly group: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly manifest: any;
  /** For an object a chart renders: the release that installs it (`HelmRelease/ns/name`). */
  readonly release?: string;
}

/** Everything one synth produces, before any check and before anything is written. */
export interface RenderedCluster {
  readonly spec: ClusterSpec;
  /** The objects written to dist/ and flux/. */
  readonly objects: readonly RenderedObject[];
  /**
   * The objects the control plane's k3s applies from its auto-deploy folder at first boot
   * (group `bootstrap/<file>`, in file order), as written into its k3OS config.
   */
  readonly bootstrapObjects: readonly RenderedObject[];
  /**
   * The objects the chart releases install, rendered with helm (lib/helm/): empty until
   * renderChartObjects() fills them, and when the chart cache is missing.
   */
  readonly chartObjects: readonly RenderedObject[];
  /** Every release rendered (bootstrap HelmCharts included), with its objects. */
  readonly releases: readonly RenderedRelease[];
  /** Set when the charts could not be rendered: why, and how to fix it. */
  readonly chartsUnavailable?: string;
  readonly files: FileSet;
  /** Objects per output group, in delivery order. */
  readonly objectCounts: ReadonlyMap<string, number>;
  /** The load-balancer address of every service that has one. */
  readonly vips: VipAssignments;
  /** The stage registry the cluster was rendered with. */
  readonly stages: StageRegistry;
}

/** Every object the cluster will hold: ours and the charts'. */
export function clusterObjects(cluster: RenderedCluster): readonly RenderedObject[] {
  return cluster.chartObjects.length === 0 ? cluster.objects : [...cluster.objects, ...cluster.chartObjects];
}

/**
 * Whether the cluster has chart releases that were not rendered (no chart cache, or a render
 * failed): checks whose verdict depends on what the charts install then stay silent, and synth
 * says which.
 */
export function chartsMissing(cluster: RenderedCluster): boolean {
  return (
    cluster.releases.length === 0 &&
    [...cluster.objects, ...cluster.bootstrapObjects].some((o) => o.manifest.kind === 'HelmRelease' || o.manifest.kind === 'HelmChart')
  );
}

/** `metallb-system: Namespace/metallb-system` style label for messages. */
export function describeObject(manifest: { kind?: string; metadata?: { name?: string; namespace?: string } }): string {
  const ns = manifest.metadata?.namespace ? `${manifest.metadata.namespace}/` : '';
  return `${manifest.kind}/${ns}${manifest.metadata?.name}`;
}

