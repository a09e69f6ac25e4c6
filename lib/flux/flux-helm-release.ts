import { Construct } from 'constructs';
import {
  HelmRelease,
  HelmReleaseSpecChartSpecSourceRefKind,
  HelmReleaseSpecInstallCrds,
  HelmReleaseSpecUpgradeCrds,
} from '../../imports/helm.toolkit.fluxcd.io';
import { HelmRepository } from '../../imports/source.toolkit.fluxcd.io';
import { ChartSource } from '../upstream/charts';

/** Where HelmRepositories live: beside the Flux controllers. */
export const FLUX_SYSTEM_NAMESPACE = 'flux-system';

export interface FluxHelmReleaseProps {
  /** The pinned chart. */
  readonly chart: ChartSource;
  /** Release name; also the HelmRelease name. */
  readonly name: string;
  /** Namespace the release installs into (created by a HomelabNamespace). */
  readonly namespace: string;
  /** Chart values, typed by the caller. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly values: Record<string, any>;
  /**
   * Annotations of the HelmRelease, e.g. the promises of the workload it installs.
   * @default - none
   */
  readonly annotations?: Readonly<Record<string, string>>;
  /**
   * Reconcile interval.
   * @default '30m'
   */
  readonly interval?: string;
  /**
   * Install the HelmRepository too. Set false when another release already declares it.
   * @default true
   */
  readonly withRepository?: boolean;
}

/**
 * A third-party chart delivered by Flux: a HelmRepository (in flux-system) and a HelmRelease
 * that installs and upgrades the chart's CRDs, remediates failed upgrades, and takes over a
 * release k3s installed at bootstrap with the same name.
 */
export class FluxHelmRelease extends Construct {
  public readonly name: string;
  public readonly namespace: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  public readonly values: Record<string, any>;
  public readonly chart: ChartSource;

  constructor(scope: Construct, id: string, props: FluxHelmReleaseProps) {
    super(scope, id);
    this.name = props.name;
    this.namespace = props.namespace;
    this.values = props.values;
    this.chart = props.chart;
    if (props.withRepository ?? true) {
      new HelmRepository(this, 'Repository', {
        metadata: { name: props.chart.repositoryName, namespace: FLUX_SYSTEM_NAMESPACE },
        spec: { url: props.chart.repositoryUrl, interval: '12h' },
      });
    }
    new HelmRelease(this, 'Release', {
      metadata: { name: props.name, namespace: props.namespace, annotations: props.annotations ? { ...props.annotations } : undefined },
      spec: {
        interval: props.interval ?? '30m',
        releaseName: props.name,
        chart: {
          spec: {
            chart: props.chart.chart,
            version: props.chart.version,
            sourceRef: {
              kind: HelmReleaseSpecChartSpecSourceRefKind.HELM_REPOSITORY,
              name: props.chart.repositoryName,
              namespace: FLUX_SYSTEM_NAMESPACE,
            },
          },
        },
        install: { crds: HelmReleaseSpecInstallCrds.CREATE_REPLACE, remediation: { retries: 3 } },
        upgrade: { crds: HelmReleaseSpecUpgradeCrds.CREATE_REPLACE, remediation: { retries: 3 } },
        values: props.values,
      },
    });
  }
}
