import { Placement } from '../placement/placement';
import { ClusterSpec } from '../spec/schema';
import { standbyNode, storageNode } from '../spec/nodes';
import { VipAllocation } from '../net/vip-allocator';
import { VIP_KEYS } from '../net/cluster-vips';
import { TRAEFIK_METRICS_PORT, TRAEFIK_POD_LABELS } from './ingress-names';

/**
 * Values of the Traefik chart: a hot standby (one replica on placement.storageNode, one on
 * placement.standbyNode, short not-ready/unreachable tolerations), a LoadBalancer Service
 * on its own VIP with `externalTrafficPolicy: Local` (client addresses kept, and MetalLB
 * only announces from a node with a ready Traefik), HTTP redirected to HTTPS, the Gateway
 * API and Ingress providers on, and Prometheus metrics on their own port.
 */
export function traefikValues(spec: ClusterSpec, vips: VipAllocation): Record<string, unknown> {
  const placement = Placement.hotStandby(storageNode(spec), standbyNode(spec));
  const fields = placement.podFields(TRAEFIK_POD_LABELS);
  return {
    deployment: {
      replicas: placement.replicas,
      podAnnotations: {
        'prometheus.io/scrape': 'true',
        'prometheus.io/port': String(TRAEFIK_METRICS_PORT),
        'prometheus.io/path': '/metrics',
      },
    },
    // Two replicas on exactly two nodes with required anti-affinity: a surge pod could
    // never schedule, so roll one at a time instead.
    updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
    podDisruptionBudget: { enabled: true, maxUnavailable: 1 },
    affinity: fields.affinity,
    tolerations: fields.tolerations,
    // Pod Security `restricted` also wants the seccomp profile; the chart's other defaults comply.
    podSecurityContext: { seccompProfile: { type: 'RuntimeDefault' } },
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
    service: {
      type: 'LoadBalancer',
      annotations: vips.annotations(VIP_KEYS.ingress),
      spec: { externalTrafficPolicy: placement.externalTrafficPolicy },
    },
    ports: {
      web: { redirections: { entryPoint: { to: 'websecure', scheme: 'https', permanent: true } } },
      metrics: { port: TRAEFIK_METRICS_PORT },
    },
    metrics: { prometheus: { service: { enabled: true } } },
    providers: {
      kubernetesGateway: { enabled: true },
      kubernetesIngress: { enabled: true },
      kubernetesCRD: { enabled: true },
    },
    // The Gateway and its class are ours (typed, in the `ingress` stage), not the chart's.
    gateway: { enabled: false },
    gatewayClass: { enabled: false },
    ingressClass: { enabled: true, isDefaultClass: true },
  };
}
