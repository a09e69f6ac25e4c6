import * as k8s from 'cdk8s-plus-33/lib/imports/k8s';
import { Construct } from 'constructs';
import { ClusterSpec } from '../spec/schema';
import { NFS_PROVISIONER, nfsLocation, storageClassForDataset } from './data-volume';
import { keptClasses, NfsLocation } from './storage-history';

export { NFS_PROVISIONER } from './data-volume';

export interface DatasetStorageClassesProps {
  readonly spec: ClusterSpec;
}

/**
 * One StorageClass per exported dataset: each claim becomes a folder
 * `<dataset>/<namespace>/<claim>` on the storage node, kept when the claim is deleted
 * (`Retain`, `onDelete: retain`): data is only ever removed by hand. Each is named after its
 * server and share (immutable parameters); a previous class that existing claims use and
 * that points at the same server and share is kept as it was.
 */
export class DatasetStorageClasses extends Construct {
  constructor(scope: Construct, id: string, props: DatasetStorageClassesProps) {
    super(scope, id);
    const { spec } = props;
    const current = new Map<string, NfsLocation>();
    for (const dataset of spec.storage.datasets.filter((d) => d.nfs)) {
      const where = nfsLocation(spec, dataset.name);
      current.set(storageClassForDataset(spec, dataset.name), where);
      new k8s.KubeStorageClass(this, `Class-${dataset.name}`, {
        metadata: {
          name: storageClassForDataset(spec, dataset.name),
          annotations: { 'homelab.dev/dataset': `${dataset.pool}/${dataset.name}` },
        },
        provisioner: NFS_PROVISIONER,
        parameters: {
          server: where.server,
          share: where.share,
          subDir: '${pvc.metadata.namespace}/${pvc.metadata.name}',
          onDelete: 'retain',
        },
        reclaimPolicy: 'Retain',
        volumeBindingMode: 'Immediate',
        allowVolumeExpansion: true,
        mountOptions: ['nfsvers=4.2', 'hard', 'noatime'],
      });
    }
    for (const kept of keptClasses(this, current, NFS_PROVISIONER)) {
      // eslint-disable-next-line @typescript-eslint/no-unused-vars
      const { apiVersion, kind, ...props } = kept;
      new k8s.KubeStorageClass(this, `Kept-${kept.metadata.name}`, props);
    }
  }
}
