import { Kustomization } from '../../imports/kustomize.toolkit.fluxcd.io';
import { GitRepository } from '../../imports/source.toolkit.fluxcd.io';
import { fluxBootstrapManifests } from './flux-install';
import { BootstrapManifest } from '../k3s/bootstrap-manifest';
import { calicoBootstrapManifest, calicoCrdsBootstrapManifest } from '../networking/calico';
import { ClusterSpec } from '../spec/schema';
import { rootSyncProps } from './root-sync';

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
