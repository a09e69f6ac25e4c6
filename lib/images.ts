import { ClusterSpec } from './spec/schema';

/**
 * Every container image the project runs, with the CPU architectures its published
 * manifest list covers (checked by hand against the registry when the entry is added or
 * its version bumped). Placement and the architecture check use this: a pod may only be
 * scheduled on nodes whose architecture its images support.
 */
export interface ImageInfo {
  /** Architectures the image is published for. */
  readonly architectures: readonly ('amd64' | 'arm64')[];
}

export const IMAGES: Readonly<Record<string, ImageInfo>> = {
  'docker.io/traefik': { architectures: ['amd64', 'arm64'] },
  'lscr.io/linuxserver/wireguard': { architectures: ['amd64', 'arm64'] },
  'docker.io/gerbera/gerbera': { architectures: ['amd64', 'arm64'] },
  'ghcr.io/home-assistant/home-assistant': { architectures: ['amd64', 'arm64'] },
  'quay.io/prometheus/prometheus': { architectures: ['amd64', 'arm64'] },
  'quay.io/prometheus/alertmanager': { architectures: ['amd64', 'arm64'] },
  'quay.io/prometheus/node-exporter': { architectures: ['amd64', 'arm64'] },
  'docker.io/ncabatoff/process-exporter': { architectures: ['amd64', 'arm64'] },
  'registry.k8s.io/kube-state-metrics/kube-state-metrics': { architectures: ['amd64', 'arm64'] },
  'quay.io/prometheuscommunity/ipmi-exporter': { architectures: ['amd64', 'arm64'] },
  'quay.io/prometheus/snmp-exporter': { architectures: ['amd64', 'arm64'] },
  'docker.io/grafana/loki': { architectures: ['amd64', 'arm64'] },
  'docker.io/grafana/alloy': { architectures: ['amd64', 'arm64'] },
  'docker.io/grafana/grafana': { architectures: ['amd64', 'arm64'] },
  'docker.io/rancher/system-upgrade-controller': { architectures: ['amd64', 'arm64'] },
  'docker.io/rancher/kubectl': { architectures: ['amd64', 'arm64'] },
  'docker.io/rancher/k3s-upgrade': { architectures: ['amd64', 'arm64'] },
  'ghcr.io/petercb/k3os': { architectures: ['amd64', 'arm64'] },
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

/**
 * The catalogue for a cluster: the project's images and the game images the spec brings,
 * with the architectures the spec declares for them.
 */
export function imageCatalog(spec: ClusterSpec): Record<string, ImageInfo> {
  return {
    ...IMAGES,
    ...Object.fromEntries(spec.services.games.map((g) => [imageRepository(g.image), { architectures: g.architectures }])),
  };
}
