import { Kustomization } from '../imports/kustomize.toolkit.fluxcd.io';
import { GitRepository } from '../imports/source.toolkit.fluxcd.io';
import { fluxBootstrapManifests } from '../lib/flux/flux-install';
import { BootstrapManifest } from '../lib/k3s/bootstrap-manifest';
import { calicoBootstrapManifest, calicoCrdsBootstrapManifest } from '../lib/networking/calico';
import { ClusterSpec } from '../lib/spec/schema';
import { rootSyncProps } from './flux-chart';

/**
 * Every manifest the control plane applies by itself at first boot, in the order the
 * cluster needs them: Calico's CRDs, the CNI (Calico's HelmChart, the same chart version and values
 * as the networking layer's HelmRelease), then the Flux install and the root sync.
 */
export function bootstrapManifests(spec: ClusterSpec): BootstrapManifest[] {
  const root = rootSyncProps(spec);
  return [
    calicoCrdsBootstrapManifest(),
    calicoBootstrapManifest(spec),
    ...fluxBootstrapManifests([GitRepository.manifest(root.source), Kustomization.manifest(root.kustomization)]),
  ];
}
