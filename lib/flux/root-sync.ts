import { KustomizationProps, KustomizationSpecSourceRefKind } from '../../imports/kustomize.toolkit.fluxcd.io';
import { GitRepositoryProps } from '../../imports/source.toolkit.fluxcd.io';
import { ClusterSpec } from '../spec/schema';

/** Namespace and name of the Flux source for this repository (the `flux bootstrap` names). */
export const FLUX_NAMESPACE = 'flux-system';
export const SOURCE_NAME = 'flux-system';
/** The Secret in flux-system holding the age private key that decrypts secrets/. */
export const SOPS_KEY_SECRET = 'sops-age';

/**
 * The root sync: this repository as a GitRepository, and the Kustomization that applies
 * flux/ (and so everything else). Rendered in flux/ and, for the first start, into the
 * control plane's auto-deploy folder.
 */
export function rootSyncProps(spec: ClusterSpec): { source: GitRepositoryProps; kustomization: KustomizationProps } {
  return {
    source: {
      metadata: { name: SOURCE_NAME, namespace: FLUX_NAMESPACE },
      spec: { url: spec.git.url, ref: { branch: spec.git.branch }, interval: '1m', timeout: '60s', secretRef: { name: SOURCE_NAME } },
    },
    kustomization: {
      metadata: { name: SOURCE_NAME, namespace: FLUX_NAMESPACE },
      spec: {
        path: './flux',
        sourceRef: { kind: KustomizationSpecSourceRefKind.GIT_REPOSITORY, name: SOURCE_NAME },
        prune: true,
        wait: false,
        interval: '10m',
        retryInterval: '1m',
        timeout: '5m',
      },
    },
  };
}

