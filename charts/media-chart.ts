import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { HomelabNamespace } from '../lib/k8s/homelab-namespace';
import { DlnaServer, MEDIA_NAMESPACE } from '../lib/services/dlna';
import { StageChartProps } from '../lib/stages/stage';

/** The DLNA media server. */
export class MediaChart extends Chart {
  constructor(scope: Construct, id: string, props: StageChartProps) {
    super(scope, id);
    new HomelabNamespace(this, 'Namespace', {
      name: MEDIA_NAMESPACE,
      podSecurity: 'privileged',
      podSecurityReason: 'DLNA needs the host network for multicast discovery and the media dataset by hostPath',
    });
    new DlnaServer(this, 'Dlna', { spec: props.spec });
  }
}
