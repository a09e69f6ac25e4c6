import { TRAEFIK_POD_LABELS } from '../ingress/traefik';
import { describeObject, RenderedObject } from '../render';
import { ANNOTATIONS } from './annotations';
import { LoadBalancerModel, podTemplateModel, WorkloadModel } from './workload-model';

/*
 * HelmReleases render their workloads on the cluster, out of our sight. For the charts whose
 * workloads carry promises, an adapter reads the release's values (what we render) together
 * with the chart's defaults (pinned with the chart version) and models the Deployment and
 * Service the chart will create, so the checks judge them like our own workloads.
 */

export interface HelmWorkloads {
  readonly workloads: WorkloadModel[];
  readonly loadBalancers: LoadBalancerModel[];
}

/* eslint-disable @typescript-eslint/no-explicit-any */
type Adapter = (release: any, file: string) => HelmWorkloads;

/** Traefik chart 41.3.0 defaults that our values do not override (its values.yaml). */
const TRAEFIK_DEFAULTS = {
  image: 'docker.io/traefik:v3.7.11',
  podSecurityContext: { runAsGroup: 65532, runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: 'RuntimeDefault' } },
  securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true },
};

const traefik: Adapter = (release, file) => {
  const v = release.spec.values ?? {};
  const namespace = release.metadata.namespace;
  const name = release.spec.releaseName ?? release.metadata.name;
  const template = {
    metadata: { labels: TRAEFIK_POD_LABELS },
    spec: {
      affinity: v.affinity,
      tolerations: v.tolerations,
      nodeSelector: v.nodeSelector,
      securityContext: v.podSecurityContext ?? TRAEFIK_DEFAULTS.podSecurityContext,
      containers: [
        {
          name: 'traefik',
          image: v.image?.tag ? `${v.image.registry ?? 'docker.io'}/${v.image.repository ?? 'traefik'}:${v.image.tag}` : TRAEFIK_DEFAULTS.image,
          resources: v.resources,
          securityContext: v.securityContext ?? TRAEFIK_DEFAULTS.securityContext,
        },
      ],
    },
  };
  const service = v.service ?? {};
  return {
    workloads: [
      {
        id: `Deployment/${namespace}/${name} (from ${describeObject(release)})`,
        kind: 'Deployment',
        namespace,
        name,
        replicas: v.deployment?.replicas ?? 1,
        annotations: {
          ...(release.metadata.annotations ?? {}),
          [ANNOTATIONS.usesKubernetesApi]: 'watches Gateway API routes, Ingresses and Services to route traffic',
        },
        template: podTemplateModel(template),
        file,
      },
    ],
    loadBalancers:
      service.enabled === false
        ? []
        : [
            {
              id: `Service/${namespace}/${name} (from ${describeObject(release)})`,
              namespace,
              name,
              selector: TRAEFIK_POD_LABELS,
              vip: service.annotations?.['metallb.io/loadBalancerIPs'],
              externalTrafficPolicy: service.spec?.externalTrafficPolicy ?? 'Cluster',
            },
          ],
  };
};

const ADAPTERS: Record<string, Adapter> = { traefik };

/** Workloads modelled from the HelmReleases whose charts have an adapter. */
export function helmWorkloads(objects: readonly RenderedObject[]): HelmWorkloads {
  const out: HelmWorkloads = { workloads: [], loadBalancers: [] };
  for (const { manifest, file } of objects) {
    const adapter = manifest.kind === 'HelmRelease' ? ADAPTERS[manifest.spec?.chart?.spec?.chart] : undefined;
    if (adapter) {
      const found = adapter(manifest, file);
      out.workloads.push(...found.workloads);
      out.loadBalancers.push(...found.loadBalancers);
    }
  }
  return out;
}
/* eslint-enable @typescript-eslint/no-explicit-any */
