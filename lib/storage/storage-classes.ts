import * as k8s from 'cdk8s-plus-33/lib/imports/k8s';
import { Construct } from 'constructs';
import { storageNode } from '../spec/nodes';
import { ClusterSpec } from '../spec/schema';
import { datasetMountpoint, storageClassForDataset } from './data-volume';

/** The CSI driver that provisions from the storage node's NFS exports. */
export const NFS_PROVISIONER = 'nfs.csi.k8s.io';

export interface DatasetStorageClassesProps {
  readonly spec: ClusterSpec;
}

/**
 * One StorageClass per exported dataset: each claim becomes a folder
 * `<dataset>/<namespace>/<claim>` on the storage node, kept when the claim is deleted
 * (`Retain`, `onDelete: retain`): data is only ever removed by hand.
 */
export class DatasetStorageClasses extends Construct {
  constructor(scope: Construct, id: string, props: DatasetStorageClassesProps) {
    super(scope, id);
    const { spec } = props;
    const server = storageNode(spec).ip;
    for (const dataset of spec.storage.datasets.filter((d) => d.nfs)) {
      new k8s.KubeStorageClass(this, `Class-${dataset.name}`, {
        metadata: {
          name: storageClassForDataset(spec, dataset.name),
          annotations: { 'homelab.dev/dataset': `${dataset.pool}/${dataset.name}` },
        },
        provisioner: NFS_PROVISIONER,
        parameters: {
          server,
          share: datasetMountpoint(spec, dataset.name),
          subDir: '${pvc.metadata.namespace}/${pvc.metadata.name}',
          onDelete: 'retain',
        },
        reclaimPolicy: 'Retain',
        volumeBindingMode: 'Immediate',
        allowVolumeExpansion: true,
        mountOptions: ['nfsvers=4.2', 'hard', 'noatime'],
      });
    }
  }
}
