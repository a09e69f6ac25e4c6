import { BootstrapManifest } from '../lib/k3s/bootstrap-manifest';
import { calicoBootstrapManifest } from '../lib/networking/calico';
import { ClusterSpec } from '../lib/spec/schema';

/**
 * Every manifest the control plane applies by itself at first boot, in the order the
 * cluster needs them: the CNI first (Calico's HelmChart, the same chart version and values
 * as the networking layer's HelmRelease), then the Flux install and the root sync.
 */
export function bootstrapManifests(spec: ClusterSpec): BootstrapManifest[] {
  return [calicoBootstrapManifest(spec)];
}
