import { PRIORITY_TIERS } from '../k8s/priority-classes';
import { ANNOTATIONS } from '../analysis/annotations';
import { INGRESS_NAMESPACE } from '../conventions/namespaces';
import { VIP_KEYS } from '../net/vip-keys';
import { VIP_ANNOTATION, VIP_KEY_ANNOTATION, VipAssignments } from '../net/vip-allocator';
import { Placement } from '../placement/placement';
import { standbyNode, storageNode } from '../spec/nodes';
import { ClusterSpec } from '../spec/schema';

export { INGRESS_NAMESPACE };
export const TRAEFIK_RELEASE = 'traefik';
/** The GatewayClass the chart creates and our Gateway uses. */
export const GATEWAY_CLASS = 'traefik';
/** Traefik's entry points inside the pod (the chart's defaults); the Service maps 80/443 to them. */
export const TRAEFIK_PORTS = { web: 8000, websecure: 8443, metrics: 9100 } as const;
/** The label the chart puts on Traefik's pods; the anti-affinity selects on it. */
export const TRAEFIK_POD_LABELS = { 'app.kubernetes.io/name': 'traefik' } as const;
/** Ingress must answer again within this many seconds of the x86 node failing. */
export const INGRESS_FAILOVER_SECONDS = 10;

/** Where Traefik runs: the storage node, with a running standby on the standby node. */
export function traefikPlacement(spec: ClusterSpec): Placement {
  return Placement.hotStandby(storageNode(spec), standbyNode(spec));
}

/** What Traefik's Deployment promises (set through the chart's `deployment.annotations`). */
export const TRAEFIK_RELEASE_ANNOTATIONS = {
  [ANNOTATIONS.failoverWithinSeconds]: String(INGRESS_FAILOVER_SECONDS),
  [ANNOTATIONS.stateless]: 'true',
};

/**
 * Traefik v3 as a hot standby behind its own VIP with `Local` traffic policy (client
 * addresses kept), HTTP redirected to HTTPS, Gateway API and Ingress providers, Prometheus
 * metrics and JSON access logs. The chart's own pod and container security contexts are
 * already the restricted ones.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function traefikValues(spec: ClusterSpec, vips: VipAssignments): Record<string, any> {
  const placement = traefikPlacement(spec);
  const fields = placement.podFields(TRAEFIK_POD_LABELS);
  return {
    // What it promises, on the Deployment the chart renders (the checks read it there).
    deployment: { replicas: placement.replicas, annotations: { ...TRAEFIK_RELEASE_ANNOTATIONS } },
    // One replica per node and only two nodes: replace in place, never surge.
    updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
    affinity: fields.affinity,
    tolerations: fields.tolerations,
    priorityClassName: PRIORITY_TIERS.access.name,
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
    ports: {
      web: { port: TRAEFIK_PORTS.web, http: { redirections: { entryPoint: { to: 'websecure', scheme: 'https', permanent: true } } } },
      websecure: { port: TRAEFIK_PORTS.websecure },
      metrics: { port: TRAEFIK_PORTS.metrics },
    },
    service: {
      annotations: { [VIP_ANNOTATION]: vips.get(VIP_KEYS.ingress), [VIP_KEY_ANNOTATION]: VIP_KEYS.ingress },
      spec: { externalTrafficPolicy: placement.externalTrafficPolicy },
    },
    providers: { kubernetesGateway: { enabled: true }, kubernetesIngress: { enabled: true } },
    gateway: { enabled: false },
    gatewayClass: { enabled: true, name: GATEWAY_CLASS },
    ingressRoute: { dashboard: { enabled: false } },
    metrics: { prometheus: { service: { enabled: true } } },
    log: { format: 'json' },
    accessLog: { enabled: true, format: 'json' },
    podDisruptionBudget: { enabled: true, maxUnavailable: 1 },
  };
}
