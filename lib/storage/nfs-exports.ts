import { ClusterSpec } from '../spec/schema';
import { datasetMountpoint } from './data-volume';

/** One line of /etc/exports. */
export interface NfsExport {
  readonly path: string;
  /** The nodes (their LAN addresses) that may mount it: the kubelets mount for their pods. */
  readonly clients: readonly string[];
  readonly options: string;
}

/**
 * What the storage node's kernel NFS server exports: every dataset with `nfs: true`, to the
 * cluster's nodes only. csi-driver-nfs creates a folder per claim as root, hence
 * `no_root_squash`, which is why no address outside the nodes is allowed.
 */
export function nfsExports(spec: ClusterSpec): NfsExport[] {
  const clients = spec.nodes.map((n) => n.ip);
  return spec.storage.datasets
    .filter((d) => d.nfs)
    .map((d) => ({ path: datasetMountpoint(spec, d.name), clients, options: 'rw,sync,no_subtree_check,no_root_squash' }));
}

/** The exports as an exports(5) file. */
export function exportsFile(spec: ClusterSpec): string {
  return nfsExports(spec)
    .map((e) => `${e.path} ${e.clients.map((c) => `${c}(${e.options})`).join(' ')}\n`)
    .join('');
}
