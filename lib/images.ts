/**
 * Every container image the project runs, with the CPU architectures its published
 * manifest list covers (checked by hand against the registry when the entry is added or
 * its version bumped). Placement and the architecture check use this: a pod may only be
 * scheduled on nodes whose architecture its images support.
 */
export interface ImageInfo {
  /** Architectures the image is published for. */
  readonly architectures: readonly ('amd64' | 'arm64')[];
  /**
   * Folders the program writes to at run time (read in its source at the pinned version).
   * With a read-only root filesystem each needs a writable volume; the writable-dirs check says so.
   */
  readonly writableDirs?: readonly { readonly path: string; readonly why: string }[];
  /**
   * The pinned tag and the evidence that it exists upstream with an arm64 image: the release
   * tag seen in the upstream repository (and its date), where the arm64 build is declared at
   * that tag, and when this was checked. The pinned-images check holds every rendered image
   * of the project to this tag. Absent for images whose version comes from elsewhere
   * (cluster.yaml, a chart's default, k3s.version).
   */
  readonly pin?: { readonly tag: string; readonly tagSeen: string; readonly arm64Seen: string; readonly checked: string };
}

const CHECKED = '2026-12-01';
const pin = (tag: string, tagSeen: string, arm64Seen: string): ImageInfo['pin'] => ({ tag, tagSeen, arm64Seen, checked: CHECKED });

export const IMAGES: Readonly<Record<string, ImageInfo>> = {
  // Traefik's image is the chart's default (renovate.json disables its own updates).
  'docker.io/traefik': { architectures: ['amd64', 'arm64'] },
  'lscr.io/linuxserver/wireguard': {
    architectures: ['amd64', 'arm64'],
    pin: pin('1.0.20250521-r1-ls110', 'linuxserver/docker-wireguard tag 1.0.20250521-r1-ls110 (2026-04-23, newest)', 'Jenkinsfile CI_TAGS: amd64- and arm64v8- images'),
  },
  'docker.io/gerbera/gerbera': {
    architectures: ['amd64', 'arm64'],
    pin: pin('3.2.1', 'gerbera/gerbera tag v3.2.1 (2026-03-22, newest; there is no 3.3.0)', '.github/workflows/docker.yml: linux/arm64 for tags; image tag without the v'),
  },
  // The version is the spec's (services.homeAssistant.version).
  'ghcr.io/home-assistant/home-assistant': { architectures: ['amd64', 'arm64'] },
  'quay.io/prometheus/prometheus': {
    architectures: ['amd64', 'arm64'],
    pin: pin('v3.14.0', 'prometheus/prometheus tag v3.14.0 (2026-08-17, newest)', 'Makefile.common DOCKER_ARCHS default includes arm64'),
  },
  'quay.io/prometheus/alertmanager': {
    architectures: ['amd64', 'arm64'],
    pin: pin('v0.34.0', 'prometheus/alertmanager tag v0.34.0 (2026-08-16, newest in the fetched repository)', 'Makefile DOCKER_ARCHS ?= amd64 armv7 arm64 ppc64le s390x'),
  },
  'quay.io/prometheus/node-exporter': {
    architectures: ['amd64', 'arm64'],
    pin: pin('v1.12.1', 'prometheus/node_exporter tag v1.12.1 (2026-07-14, newest)', 'Makefile DOCKER_ARCHS ?= amd64 arm64 armv7 ppc64le riscv64 s390x'),
  },
  'docker.io/ncabatoff/process-exporter': {
    architectures: ['amd64', 'arm64'],
    pin: pin('0.8.7', 'ncabatoff/process-exporter tag v0.8.7 (2025-04-21, newest); image tag without the v', 'release workflow platforms linux/amd64,linux/arm/v6,linux/arm/v7,linux/arm64'),
  },
  'registry.k8s.io/kube-state-metrics/kube-state-metrics': {
    architectures: ['amd64', 'arm64'],
    // Newest is v2.20.0, built for client-go 1.36; v2.17.0 is the release for Kubernetes 1.33 (README compatibility matrix).
    pin: pin('v2.17.0', 'kubernetes/kube-state-metrics tag v2.17.0 (2025-09-01; the compatibility matrix pairs it with client-go v1.33)', 'Makefile ALL_ARCH = amd64 arm arm64 ppc64le s390x'),
  },
  'quay.io/prometheuscommunity/ipmi-exporter': {
    architectures: ['amd64', 'arm64'],
    // freeipmi/freeipmi.go: a FIFO under os.TempDir() for the config of every FreeIPMI call.
    writableDirs: [{ path: '/tmp', why: 'FreeIPMI is given its configuration through a FIFO created in the temp dir on every collector call' }],
    pin: pin('v1.10.1', 'prometheus-community/ipmi_exporter tag v1.10.1 (2025-07-11, newest)', 'Makefile DOCKER_ARCHS ?= amd64 arm64'),
  },
  'quay.io/prometheus/snmp-exporter': {
    architectures: ['amd64', 'arm64'],
    pin: pin('v0.30.1', 'prometheus/snmp_exporter tag v0.30.1 (2026-01-06, newest)', 'Makefile DOCKER_ARCHS ?= amd64 armv7 arm64 ppc64le'),
  },
  'docker.io/grafana/loki': {
    architectures: ['amd64', 'arm64'],
    pin: pin('3.7.6', 'grafana/loki tag v3.7.6 (2026-08-05, newest); image tag without the v', 'release workflow goarch [amd64, arm64, arm]'),
  },
  'docker.io/grafana/alloy': {
    architectures: ['amd64', 'arm64'],
    pin: pin('v1.18.1', 'grafana/alloy tag v1.18.1 (2026-08-06, newest)', 'release workflows: platforms linux/amd64,linux/arm64'),
  },
  // Not verified: grafana/grafana is too large to fetch here (3 GB); the pin is unchanged.
  'docker.io/grafana/grafana': { architectures: ['amd64', 'arm64'] },
  'docker.io/rancher/system-upgrade-controller': {
    architectures: ['amd64', 'arm64'],
    pin: pin('v0.20.1', 'rancher/system-upgrade-controller tag v0.20.1 (2026-05-19, newest)', 'release workflow platforms linux/amd64,linux/arm64,linux/arm'),
  },
  'docker.io/rancher/kubectl': {
    architectures: ['amd64', 'arm64'],
    // Within one minor of k3s (1.33): the newest 1.33 patch.
    pin: pin('v1.33.13', 'rancher/kubectl versions.txt lists v1.33.13, the newest 1.33 (2026-06-24)', 'publish workflow platforms linux/amd64,linux/arm64'),
  },
  // Tagged with k3s.version (the spec's).
  'docker.io/rancher/k3s-upgrade': { architectures: ['amd64', 'arm64'] },
  // Tagged with k3s.k3osRelease (the spec's): petercb/k3os v0.33.11-k3s1-r4 (2026-06-03) is the newest.
  'ghcr.io/petercb/k3os': { architectures: ['amd64', 'arm64'] },
  // The images the pinned charts render (their versions come with the chart version).
  'quay.io/tigera/operator': { architectures: ['amd64', 'arm64'] },
  'quay.io/metallb/controller': { architectures: ['amd64', 'arm64'] },
  'quay.io/metallb/speaker': { architectures: ['amd64', 'arm64'] },
  'quay.io/jetstack/cert-manager-controller': { architectures: ['amd64', 'arm64'] },
  'quay.io/jetstack/cert-manager-cainjector': { architectures: ['amd64', 'arm64'] },
  'quay.io/jetstack/cert-manager-webhook': { architectures: ['amd64', 'arm64'] },
  'quay.io/jetstack/cert-manager-startupapicheck': { architectures: ['amd64', 'arm64'] },
  'registry.k8s.io/sig-storage/nfsplugin': { architectures: ['amd64', 'arm64'] },
  'registry.k8s.io/sig-storage/csi-provisioner': { architectures: ['amd64', 'arm64'] },
  'registry.k8s.io/sig-storage/csi-resizer': { architectures: ['amd64', 'arm64'] },
  'registry.k8s.io/sig-storage/csi-node-driver-registrar': { architectures: ['amd64', 'arm64'] },
  'registry.k8s.io/sig-storage/livenessprobe': { architectures: ['amd64', 'arm64'] },
  'ghcr.io/fluxcd/source-controller': { architectures: ['amd64', 'arm64'] },
  'ghcr.io/fluxcd/kustomize-controller': { architectures: ['amd64', 'arm64'] },
  'ghcr.io/fluxcd/helm-controller': { architectures: ['amd64', 'arm64'] },
  'ghcr.io/fluxcd/notification-controller': { architectures: ['amd64', 'arm64'] },
  'docker.io/restic/restic': {
    architectures: ['amd64', 'arm64'],
    pin: pin('0.19.1', 'restic/restic tag v0.19.1 (2026-07-05, newest); image tag without the v', '.github/workflows/docker.yml platforms linux/386,linux/amd64,linux/arm,linux/arm64'),
  },
  'docker.io/coredns/coredns': { architectures: ['amd64', 'arm64'] },
};

/** The repository part of an image reference (`docker.io/library/nginx:1.27` -> `docker.io/library/nginx`). */
export function imageRepository(image: string): string {
  const withoutDigest = image.split('@')[0];
  const lastSlash = withoutDigest.lastIndexOf('/');
  const lastColon = withoutDigest.lastIndexOf(':');
  return lastColon > lastSlash ? withoutDigest.slice(0, lastColon) : withoutDigest;
}

/** The tag of an image reference, or undefined when it has none (or only a digest). */
export function imageTag(image: string): string | undefined {
  const withoutDigest = image.split('@')[0];
  const lastSlash = withoutDigest.lastIndexOf('/');
  const lastColon = withoutDigest.lastIndexOf(':');
  return lastColon > lastSlash ? withoutDigest.slice(lastColon + 1) : undefined;
}
