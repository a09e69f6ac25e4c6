import { createHash } from 'node:crypto';
import { Construct } from 'constructs';
import { parseQuantity } from '../analysis/quantity';
import type { Yaml } from '../yaml/yaml';

/*
 * What the cluster lock says about existing storage objects, for the things Kubernetes
 * will not change in place: a claim's StorageClass and a claim's request. Like the VIPs
 * (lib/net/vip-allocator.ts), existing objects keep what they have whenever that still
 * points at the same data, so a push changes nothing the API server refuses.
 */

/**
 * The construct-tree context key under which renderCluster puts the previous storage objects:
 * claims and the classes they use, from the cluster lock (lib/lock/cluster-lock.ts), by
 * `Kind/namespace/name`.
 */
export const STORAGE_HISTORY_CONTEXT = 'homelab.dev/storage-history';

/** The previous claims and classes by `Kind/namespace/name` (empty on a first synth). */
export function previousObjects(scope: Construct): ReadonlyMap<string, { readonly manifest: Yaml }> {
  return (scope.node.tryGetContext(STORAGE_HISTORY_CONTEXT) as ReadonlyMap<string, { readonly manifest: Yaml }> | undefined) ?? new Map();
}

/** Where an NFS StorageClass provisions: what its (immutable) name is derived from. */
export interface NfsLocation {
  readonly server: string;
  readonly share: string;
}

/**
 * The name of a dataset's NFS StorageClass: `nfs-<dataset>-<6 hex of sha256(server:share)>`.
 * Server and share are immutable parameters, so a class that points elsewhere gets another
 * name instead of an update the API server refuses.
 */
export function nfsClassName(dataset: string, where: NfsLocation): string {
  return `nfs-${dataset}-${createHash('sha256').update(`${where.server}:${where.share}`).digest('hex').slice(0, 6)}`;
}

function sameLocation(cls: Yaml, where: NfsLocation, provisioner: string): boolean {
  return cls?.provisioner === provisioner && cls?.parameters?.server === where.server && cls?.parameters?.share === where.share;
}

/**
 * The class a claim uses: the one it had, when that class provisions from the same server
 * and share (the class is kept, see keptClasses), else its dataset's current class. A claim
 * whose class must change is a planned migration (the API server refuses the update).
 */
export function claimClass(scope: Construct, namespace: string, name: string, current: string, where: NfsLocation, provisioner: string): string {
  const previous = previousObjects(scope);
  const had = previous.get(`PersistentVolumeClaim/${namespace}/${name}`)?.manifest?.spec?.storageClassName;
  if (had && had !== current && sameLocation(previous.get(`StorageClass/${had}`)?.manifest, where, provisioner)) {
    return had;
  }
  return current;
}

/**
 * Previous StorageClasses that some previous claim used and that provision from the same
 * server and share as a current class: kept as they were, so those claims stay valid. A
 * class is dropped by the first synth after no claim uses it.
 */
export function keptClasses(scope: Construct, current: ReadonlyMap<string, NfsLocation>, provisioner: string): Yaml[] {
  const previous = previousObjects(scope);
  const used = new Set(
    [...previous.values()].filter((o) => o.manifest.kind === 'PersistentVolumeClaim').map((o) => o.manifest.spec?.storageClassName as string),
  );
  const kept: Yaml[] = [];
  for (const { manifest } of previous.values()) {
    if (manifest.kind !== 'StorageClass' || current.has(manifest.metadata.name) || !used.has(manifest.metadata.name)) continue;
    if ([...current.values()].some((where) => sameLocation(manifest, where, provisioner))) {
      kept.push(manifest);
    }
  }
  return kept.sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
}

/**
 * The request of a claim bound to a static volume. Kubernetes forbids growing such a claim
 * (admission PersistentVolumeClaimResize) and shrinking any claim, but a volume's capacity
 * may change: so an existing claim keeps the request it was created with while the volume
 * grows, and only a volume smaller than that request changes the claim (a planned migration).
 */
export function staticClaimRequest(scope: Construct, namespace: string, name: string, sizeGiB: number): string {
  const had = previousObjects(scope).get(`PersistentVolumeClaim/${namespace}/${name}`)?.manifest?.spec?.resources?.requests?.storage;
  const wanted = `${sizeGiB}Gi`;
  return had !== undefined && parseQuantity(had) <= parseQuantity(wanted) ? String(had) : wanted;
}
