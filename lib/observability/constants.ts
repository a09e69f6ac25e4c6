import { MONITORING_NAMESPACE } from '../conventions/namespaces';



export const OBSERVABILITY_NAMESPACE = MONITORING_NAMESPACE;

/** Pinned, multi-arch images of the monitoring stack. */
export const OBSERVABILITY_IMAGES = {
  prometheus: 'quay.io/prometheus/prometheus:v3.14.0',
  alertmanager: 'quay.io/prometheus/alertmanager:v0.34.0',
  nodeExporter: 'quay.io/prometheus/node-exporter:v1.12.1',
  processExporter: 'docker.io/ncabatoff/process-exporter:0.8.7',
  kubeStateMetrics: 'registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.17.0',
  ipmiExporter: 'quay.io/prometheuscommunity/ipmi-exporter:v1.10.1',
  snmpExporter: 'quay.io/prometheus/snmp-exporter:v0.30.1',
  loki: 'docker.io/grafana/loki:3.7.6',
  alloy: 'docker.io/grafana/alloy:v1.18.1',
  grafana: 'docker.io/grafana/grafana:12.0.2',
} as const;

/** Ports, the software's defaults. */
export const PORTS = {
  prometheus: 9090,
  alertmanager: 9093,
  nodeExporter: 9100,
  processExporter: 9256,
  kubeStateMetrics: 8080,
  ipmiExporter: 9290,
  snmpExporter: 9116,
  loki: 3100,
  alloy: 12345,
  grafana: 3000,
  /** Alloy listens for syslog here (unprivileged); the Service maps 514 to it. */
  syslogListener: 5514,
} as const;

/** In-cluster DNS name of a Service in the monitoring namespace. */
export function serviceHost(name: string): string {
  return `${name}.${OBSERVABILITY_NAMESPACE}.svc.cluster.local`;
}
