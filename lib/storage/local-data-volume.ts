import * as k8s from 'cdk8s-plus-33/lib/imports/k8s';
import { Construct } from 'constructs';
import { HomelabNamespace } from '../k8s/homelab-namespace';
import { HOSTNAME_LABEL } from '../placement/placement';
import { storageNode } from '../spec/nodes';
import { ClusterSpec } from '../spec/schema';
import { datasetMountpoint, PRUNE_DISABLED } from './data-volume';
import { staticClaimRequest } from './storage-history';

/** A folder of a dataset that a local volume uses; host provisioning creates it with this owner. */
export interface LocalVolumeDir {
  readonly path: string;
  readonly uid: number;
}

export interface LocalDataVolumeProps {
  readonly spec: ClusterSpec;
  /** Claim (and volume) name: a contract, renaming it is treated as data loss. */
  readonly name: string;
  /** The namespace of the claim: marked as holding data. */
  readonly namespace: HomelabNamespace;
  readonly dataset: string;
  /** Folder inside the dataset. */
  readonly folder: string;
  /** The user that owns the folder (the workload's runAsUser). */
  readonly uid: number;
  readonly sizeGiB: number;
}

/**
 * A claim bound to a folder of a dataset on the storage node itself (a `local` volume), for
 * databases that must not live on NFS (Prometheus's TSDB, Loki's index): the workload using
 * it is pinned there anyway. Both objects carry prune protection; the volume keeps its data.
 */
export class LocalDataVolume extends Construct {
  public readonly claimName: string;
  public readonly dir: LocalVolumeDir;

  constructor(scope: Construct, id: string, props: LocalDataVolumeProps) {
    super(scope, id);
    const { spec } = props;
    const namespace = props.namespace.name;
    props.namespace.markHoldsData();
    this.claimName = props.name;
    this.dir = { path: `${datasetMountpoint(spec, props.dataset)}/${props.folder}`, uid: props.uid };
    const size = k8s.Quantity.fromString(`${props.sizeGiB}Gi`);
    const volumeName = `${namespace}-${props.name}`;
    new k8s.KubePersistentVolume(this, 'Volume', {
      metadata: { name: volumeName, annotations: { ...PRUNE_DISABLED } },
      spec: {
        capacity: { storage: size },
        accessModes: ['ReadWriteOnce'],
        persistentVolumeReclaimPolicy: 'Retain',
        storageClassName: '',
        claimRef: { namespace, name: props.name },
        local: { path: this.dir.path },
        nodeAffinity: {
          required: { nodeSelectorTerms: [{ matchExpressions: [{ key: HOSTNAME_LABEL, operator: 'In', values: [storageNode(spec).name] }] }] },
        },
      },
    });
    new k8s.KubePersistentVolumeClaim(this, 'Claim', {
      metadata: { name: props.name, namespace, annotations: { ...PRUNE_DISABLED } },
      // the volume's capacity may change, the claim's request may not grow (static) or shrink:
      // an existing claim keeps its request while the volume grows (storage-history.ts)
      spec: {
        storageClassName: '',
        volumeName,
        accessModes: ['ReadWriteOnce'],
        resources: { requests: { storage: k8s.Quantity.fromString(staticClaimRequest(this, namespace, props.name, props.sizeGiB)) } },
      },
    });
  }

  public volume(name: string): k8s.Volume {
    return { name, persistentVolumeClaim: { claimName: this.claimName } };
  }
}
