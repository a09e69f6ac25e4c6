import { calicoBootstrapManifest } from '../lib/networking/calico-bootstrap';
import { BootstrapManifest } from '../lib/k3s/bootstrap-manifest';
import { ClusterSpec } from '../lib/spec/schema';

/**
 * Every manifest the control plane applies by itself at first boot, in the order the
 * cluster needs them: the CNI (Calico's HelmChart, from the networking layer), then the
 * Flux install and the root sync (from the GitOps layer). Each comes from the same code
 * and values as the Flux-managed release that later takes it over.
 */
export function bootstrapManifests(spec: ClusterSpec): BootstrapManifest[] {
  return [calicoBootstrapManifest(spec)];
}
