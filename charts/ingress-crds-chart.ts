import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { UpstreamCrds } from '../lib/flux/upstream-crds';
import { StageChartProps } from '../lib/stages/stage';
import { GATEWAY_API } from '../lib/upstream/charts';

/** The Gateway API CRDs (standard channel) from the project's own published manifests at a pinned tag. */
export class IngressCrdsChart extends Chart {
  constructor(scope: Construct, id: string, _props: StageChartProps) {
    super(scope, id);
    new UpstreamCrds(this, 'GatewayApi', { name: 'gateway-api', source: GATEWAY_API });
  }
}
