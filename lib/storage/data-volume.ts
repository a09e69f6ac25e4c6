import * as k8s from 'cdk8s-plus-33/lib/imports/k8s';
import { Construct } from 'constructs';
import { HomelabNamespace, PRUNE_DISABLED } from '../k8s/homelab-namespace';
import { storageNode } from '../spec/nodes';
import { ClusterSpec } from '../spec/schema';
import { claimClass, NfsLocation, nfsClassName } from './storage-history';

/** The CSI driver that provisions from the storage node's NFS exports. */
export const NFS_PROVISIONER = 'nfs.csi.k8s.io';

/** Where a dataset's claims are provisioned: the storage node's address and the dataset's export. */
export function nfsLocation(spec: ClusterSpec, dataset: string): NfsLocation {
  return { server: storageNode(spec).ip, share: datasetMountpoint(spec, dataset) };
}

/**
 * The StorageClass that provisions volumes in a dataset now (rendered by the storage layer),
 * named after the server and share it provisions from (lib/storage/storage-history.ts).
 */
export function storageClassForDataset(spec: ClusterSpec, dataset: string): string {
  return nfsClassName(dataset, nfsLocation(spec, dataset));
}

export { PRUNE_DISABLED };

export interface DataVolumeProps {
  readonly spec: ClusterSpec;
  /** Claim name: a contract, renaming it is treated as data loss. */
  readonly name: string;
  /** The namespace of the claim: marked as holding data. */
  readonly namespace: HomelabNamespace;
  /** The storage dataset the volume lives in. */
  readonly dataset: string;
  readonly sizeGiB: number;
  /** @default 'ReadWriteOnce' */
  readonly accessMode?: 'ReadWriteOnce' | 'ReadWriteMany' | 'ReadOnlyMany';
}

/**
 * A PersistentVolumeClaim that holds data: on its dataset's StorageClass, with a stable name
 * and Flux prune-protection, so no push can delete it.
 */
export class DataVolume extends Construct {
  public readonly claimName: string;

  constructor(scope: Construct, id: string, props: DataVolumeProps) {
    super(scope, id);
    this.claimName = props.name;
    const namespace = props.namespace.name;
    props.namespace.markHoldsData();
    new k8s.KubePersistentVolumeClaim(this, 'Resource', {
      metadata: { name: props.name, namespace, annotations: { ...PRUNE_DISABLED } },
      spec: {
        // an existing claim keeps its class while that class points at the same data
        storageClassName: claimClass(
          this,
          namespace,
          props.name,
          storageClassForDataset(props.spec, props.dataset),
          nfsLocation(props.spec, props.dataset),
          NFS_PROVISIONER,
        ),
        accessModes: [props.accessMode ?? 'ReadWriteOnce'],
        resources: { requests: { storage: k8s.Quantity.fromString(`${props.sizeGiB}Gi`) } },
      },
    });
  }

  /** A pod volume that mounts this claim. */
  public volume(name: string, readOnly = false): k8s.Volume {
    return { name, persistentVolumeClaim: { claimName: this.claimName, readOnly } };
  }
}

/** Where a dataset is mounted on the storage node (ZFS's default mountpoint). */
export function datasetMountpoint(spec: ClusterSpec, dataset: string): string {
  const found = spec.storage.datasets.find((d) => d.name === dataset);
  if (!found) {
    throw new Error(`Dataset "${dataset}" is not in storage.datasets`);
  }
  return `/${found.pool}/${found.name}`;
}

export const PRUNE_KEY = Object.keys(PRUNE_DISABLED)[0];

/** Objects whose removal loses data: claims, volumes, StatefulSets, and namespaces marked as holding data. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a rendered manifest: YAML
export function holdsData(m: any): boolean {
  return (
    m?.kind === 'PersistentVolumeClaim' ||
    m?.kind === 'PersistentVolume' ||
    m?.kind === 'StatefulSet' ||
    (m?.kind === 'Namespace' && m.metadata?.annotations?.[PRUNE_KEY] === 'disabled')
  );
}
