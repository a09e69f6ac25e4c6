/*
 * The third-party charts of the networking and ingress layers, pinned. Chart versions
 * match the CRD bundles the typed imports were generated from (../shared/crds/SOURCES.md),
 * so the objects we write fit the CRDs the charts install.
 */

/** A Helm chart in a Helm repository, pinned. */
export interface PinnedChart {
  /** Name of the Flux HelmRepository (and of the repository in k3s' HelmChart). */
  readonly repositoryName: string;
  readonly repositoryUrl: string;
  readonly chart: string;
  readonly version: string;
  /** Namespace the release goes into. */
  readonly namespace: string;
  /** Helm release name. */
  readonly releaseName: string;
}

/** tigera-operator v3.32.0 = operator v1.43.0, whose CRDs the imports come from. */
export const TIGERA_OPERATOR: PinnedChart = {
  repositoryName: 'projectcalico',
  repositoryUrl: 'https://docs.tigera.io/calico/charts',
  chart: 'tigera-operator',
  version: 'v3.32.0',
  namespace: 'tigera-operator',
  releaseName: 'calico',
};

export const METALLB: PinnedChart = {
  repositoryName: 'metallb',
  repositoryUrl: 'https://metallb.github.io/metallb',
  chart: 'metallb',
  version: '0.16.1',
  namespace: 'metallb-system',
  releaseName: 'metallb',
};

/** Traefik chart 41.3.0 ships Traefik v3.7.11. */
export const TRAEFIK: PinnedChart = {
  repositoryName: 'traefik',
  repositoryUrl: 'https://traefik.github.io/charts',
  chart: 'traefik',
  version: '41.3.0',
  namespace: 'traefik',
  releaseName: 'traefik',
};

export const CERT_MANAGER: PinnedChart = {
  repositoryName: 'jetstack',
  repositoryUrl: 'https://charts.jetstack.io',
  chart: 'cert-manager',
  version: 'v1.21.1',
  namespace: 'cert-manager',
  releaseName: 'cert-manager',
};
