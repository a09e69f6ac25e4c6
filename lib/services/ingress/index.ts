import { CERT_MANAGER_METRICS_PORT, CERT_MANAGER_NAMESPACE } from '../../ingress/cert-manager';
import { INGRESS_NAMESPACE, TRAEFIK_PORTS, TRAEFIK_RELEASE } from '../../ingress/traefik';
import { VIP_KEYS } from '../../net/vip-keys';
import { alertRule, logPanel, LOGS_ARE_READ, metricPanel } from '../../observability/monitoring';
import { staticJob } from '../../observability/prometheus-config';
import { ServiceModule } from '../service-module';

/**
 * The ingress (services.ingress): Traefik behind its hot-standby VIP and cert-manager. Its
 * stages are the core's (ingress-crds, ingress-controllers, ingress); this module brings its
 * address and what the monitoring stack reads of it.
 */
export const INGRESS_SERVICE: ServiceModule = {
  name: 'ingress',
  enabled: (spec) => spec.services.ingress.enabled,
  vipRequests: (spec) => {
    const { storageNode, standbyNode } = spec.placement;
    return [{ key: VIP_KEYS.ingress, path: 'services.ingress.vip', explicit: spec.services.ingress.vip, announcer: { node: storageNode, candidates: [storageNode, standbyNode] } }];
  },
  monitoring: () => ({
    scrapeJobs: [
      // The chart's metrics Service is named <release>-metrics.
      {
        config: staticJob('traefik', [`${TRAEFIK_RELEASE}-metrics.${INGRESS_NAMESPACE}.svc.cluster.local:${TRAEFIK_PORTS.metrics}`]),
        target: { namespace: INGRESS_NAMESPACE, port: TRAEFIK_PORTS.metrics },
      },
      // cert-manager's chart serves controller and cainjector metrics on Services of their names.
      ...['cert-manager', 'cert-manager-cainjector'].map((name) => ({
        config: staticJob(name, [`${name}.${CERT_MANAGER_NAMESPACE}.svc.cluster.local:${CERT_MANAGER_METRICS_PORT}`]),
        target: { namespace: CERT_MANAGER_NAMESPACE, port: CERT_MANAGER_METRICS_PORT },
      })),
    ],
    ruleGroups: [
      {
        name: 'ingress',
        rules: [
          alertRule('TraefikDown', 'up{job="traefik"} == 0', '2m', 'critical', 'Traefik replica {{ $labels.instance }} is down.'),
          alertRule(
            'TraefikHighErrorRate',
            'sum(rate(traefik_service_requests_total{code=~"5.."}[5m])) / sum(rate(traefik_service_requests_total[5m])) > 0.05',
            '10m',
            'warning',
            'Over 5% of requests through Traefik fail with a server error.',
          ),
        ],
      },
    ],
    dashboards: [
      {
        uid: 'homelab-ingress',
        title: 'Ingress',
        panels: [
          metricPanel('Requests by status', 'sum by (code) (rate(traefik_service_requests_total[5m]))', 'reqps'),
          metricPanel('Latency p95', 'histogram_quantile(0.95, sum by (le) (rate(traefik_service_request_duration_seconds_bucket[5m])))', 's'),
          logPanel('Access log', `{namespace="${INGRESS_NAMESPACE}", container="traefik"}`),
        ],
      },
    ],
    coverage: [
      { signal: 'Ingress metrics (Traefik)', collector: 'prometheus', stored: 'traefik_service_requests_total', dashboard: 'homelab-ingress', panel: 'Requests by status', alert: { rule: 'TraefikHighErrorRate' } },
      { signal: 'Ingress access logs', collector: 'alloy', stored: `{namespace="${INGRESS_NAMESPACE}", container="traefik"}`, dashboard: 'homelab-ingress', panel: 'Access log', alert: { none: LOGS_ARE_READ } },
    ],
  }),
};
