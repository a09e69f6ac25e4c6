import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { HomelabNamespace } from '../lib/k8s/homelab-namespace';
import { HOME_NAMESPACE, HomeAssistant } from '../lib/services/home-assistant';
import { StageChartProps } from '../lib/stages/stage';

/** Home Assistant, when the spec runs it in the cluster. */
export class HomeChart extends Chart {
  constructor(scope: Construct, id: string, props: StageChartProps) {
    super(scope, id);
    new HomelabNamespace(this, 'Namespace', {
      name: HOME_NAMESPACE,
      podSecurity: 'privileged',
      podSecurityReason: 'Home Assistant needs the host network for device discovery',
      holdsData: true,
    });
    new HomeAssistant(this, 'HomeAssistant', { spec: props.spec });
  }
}
