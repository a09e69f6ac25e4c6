import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { FluxHelmRelease } from '../lib/flux/flux-helm-release';
import { CALICO_CRDS_NAMESPACE, CALICO_CRDS_RELEASE, CALICO_CRDS_RELEASE_ANNOTATIONS } from '../lib/networking/calico';
import { StageChartProps } from '../lib/stages/stage';
import { CALICO_CRDS_CHART } from '../lib/upstream/charts';

/**
 * Calico's CRDs (crd.projectcalico.org/v1 and operator.tigera.io/v1) from the companion chart
 * at the operator's version, before the operator whose chart renders an Installation. The
 * release k3s installed at bootstrap is taken over (docs/decisions/0013-calico-crds.md).
 */
export class NetworkingCrdsChart extends Chart {
  constructor(scope: Construct, id: string, _props: StageChartProps) {
    super(scope, id);
    new FluxHelmRelease(this, 'CalicoCrds', {
      chart: CALICO_CRDS_CHART,
      name: CALICO_CRDS_RELEASE,
      namespace: CALICO_CRDS_NAMESPACE,
      values: {},
      annotations: CALICO_CRDS_RELEASE_ANNOTATIONS,
    });
  }
}
