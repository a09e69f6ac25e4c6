import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { FluxHelmRelease } from '../lib/flux/flux-helm-release';
import { StageChartProps } from '../lib/stages/stage';
import { CSI_DRIVER_NFS_CHART } from '../lib/upstream/charts';

const SMALL = { requests: { cpu: '10m', memory: '20Mi' }, limits: { memory: '200Mi' } };

/**
 * csi-driver-nfs, which turns claims into folders on the storage node's NFS exports. It runs
 * in kube-system beside the other node-level system components.
 */
export class StorageControllersChart extends Chart {
  constructor(scope: Construct, id: string, _props: StageChartProps) {
    super(scope, id);
    new FluxHelmRelease(this, 'CsiDriverNfs', {
      chart: CSI_DRIVER_NFS_CHART,
      name: 'csi-driver-nfs',
      namespace: 'kube-system',
      values: {
        storageClass: { create: false },
        externalSnapshotter: { enabled: false },
        controller: {
          replicas: 1,
          enableSnapshotter: false,
          defaultOnDeletePolicy: 'retain',
          // The chart tolerates the control-plane taint; the provisioner is a controller: workers only.
          tolerations: [],
          resources: { csiProvisioner: SMALL, csiResizer: SMALL, livenessProbe: SMALL, nfs: SMALL },
        },
        node: { resources: { livenessProbe: SMALL, nodeDriverRegistrar: SMALL, nfs: SMALL } },
      },
    });
  }
}
