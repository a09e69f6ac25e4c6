import { Construct } from 'constructs';
import {
  HelmRelease,
  HelmReleaseSpecChartSpecSourceRefKind,
  HelmReleaseSpecInstallCrds,
  HelmReleaseSpecUpgradeCrds,
} from '../../imports/helm.toolkit.fluxcd.io';
import { HelmRepository } from '../../imports/source.toolkit.fluxcd.io';
import { PinnedChart } from './charts';

export interface PinnedHelmReleaseProps {
  /** The chart, its repository and version. */
  readonly chart: PinnedChart;
  /** Chart values. @default {} */
  readonly values?: Record<string, unknown>;
}

/**
 * A Flux HelmRepository and a HelmRelease of one pinned chart version, in the release's
 * namespace. CRDs in the chart are created and replaced on upgrade, so they follow the
 * pinned version (the typed imports come from the same version).
 */
export class PinnedHelmRelease extends Construct {
  constructor(scope: Construct, id: string, props: PinnedHelmReleaseProps) {
    super(scope, id);
    const { chart } = props;
    new HelmRepository(this, 'Repository', {
      metadata: { name: chart.repositoryName, namespace: chart.namespace },
      spec: { url: chart.repositoryUrl, interval: '1h' },
    });
    new HelmRelease(this, 'Release', {
      metadata: { name: chart.releaseName, namespace: chart.namespace },
      spec: {
        interval: '30m',
        chart: {
          spec: {
            chart: chart.chart,
            version: chart.version,
            sourceRef: { kind: HelmReleaseSpecChartSpecSourceRefKind.HELM_REPOSITORY, name: chart.repositoryName },
          },
        },
        install: { crds: HelmReleaseSpecInstallCrds.CREATE_REPLACE, remediation: { retries: 3 } },
        upgrade: { crds: HelmReleaseSpecUpgradeCrds.CREATE_REPLACE, remediation: { retries: 3 } },
        values: props.values ?? {},
      },
    });
  }
}
