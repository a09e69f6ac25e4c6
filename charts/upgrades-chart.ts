import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { StageChartProps } from '../lib/stages/stage';
import { UpgradePlans } from '../lib/upgrades/upgrade-plans';

/** The k3s upgrade Plans, pinned to the spec's one k3s version. */
export class UpgradesChart extends Chart {
  constructor(scope: Construct, id: string, props: StageChartProps) {
    super(scope, id);
    new UpgradePlans(this, 'Plans', { spec: props.spec });
  }
}
