/*
 * Third-party software this project installs, pinned. The chart versions match the CRD
 * bundles the typed constructs in imports/ were generated from (../shared/crds/SOURCES.md).
 * Renovate updates these literals (renovate.json); bump the CRD import with them.
 */

/** A Helm chart from a Helm repository, pinned to one version. */
export interface ChartSource {
  /** Name of the Flux HelmRepository (in flux-system). */
  readonly repositoryName: string;
  readonly repositoryUrl: string;
  readonly chart: string;
  readonly version: string;
}

/** Calico's operator (Calico v3.32.0). */
export const TIGERA_OPERATOR_CHART: ChartSource = {
  repositoryName: 'projectcalico',
  repositoryUrl: 'https://docs.tigera.io/calico/charts',
  chart: 'tigera-operator',
  version: 'v3.32.0',
};

export const METALLB_CHART: ChartSource = {
  repositoryName: 'metallb',
  repositoryUrl: 'https://metallb.github.io/metallb',
  chart: 'metallb',
  version: '0.16.1',
};

/** Traefik v3.7.11. */
export const TRAEFIK_CHART: ChartSource = {
  repositoryName: 'traefik',
  repositoryUrl: 'https://traefik.github.io/charts',
  chart: 'traefik',
  version: '41.3.0',
};

export const CERT_MANAGER_CHART: ChartSource = {
  repositoryName: 'jetstack',
  repositoryUrl: 'https://charts.jetstack.io',
  chart: 'cert-manager',
  version: 'v1.21.1',
};

export const CSI_DRIVER_NFS_CHART: ChartSource = {
  repositoryName: 'csi-driver-nfs',
  repositoryUrl: 'https://raw.githubusercontent.com/kubernetes-csi/csi-driver-nfs/master/charts',
  chart: 'csi-driver-nfs',
  version: '4.12.1',
};

/** Flux itself (v2.8.5: source, kustomize and helm controllers serving the v1/v2 APIs used here). */
export const FLUX2_CHART: ChartSource = {
  repositoryName: 'fluxcd-community',
  repositoryUrl: 'https://fluxcd-community.github.io/helm-charts',
  chart: 'flux2',
  version: '2.18.3',
};

/** A CRD bundle published in a Git repository: one folder at a pinned tag. */
export interface GitCrdSource {
  readonly repositoryUrl: string;
  readonly tag: string;
  /** The folder holding the CRDs. */
  readonly path: string;
  /** The API group the CRDs define. */
  readonly group: string;
}

/** Gateway API CRDs come from their own published manifests, not from a chart. */
export const GATEWAY_API: GitCrdSource = {
  repositoryUrl: 'https://github.com/kubernetes-sigs/gateway-api',
  tag: 'v1.6.1',
  /** The standard channel's CRDs. */
  path: './config/crd/standard',
  group: 'gateway.networking.k8s.io',
};

/**
 * system-upgrade-controller: its Plan CRD from the repository at this tag (the controller
 * image carries the same tag, so the two cannot drift apart).
 */
export const SYSTEM_UPGRADE_CONTROLLER: GitCrdSource = {
  repositoryUrl: 'https://github.com/rancher/system-upgrade-controller',
  tag: 'v0.20.1',
  /** The generated Plan CRD. */
  path: './pkg/crds/yaml/generated',
  group: 'upgrade.cattle.io',
};
