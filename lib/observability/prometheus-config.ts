import { ClusterSpec } from '../spec/schema';
import { PORTS, serviceHost } from './constants';
import type { ScrapeConfig, ScrapeJob } from './monitoring';
import { smartctlScrapeJob } from './storage-health';
import type { Yaml } from '../yaml/yaml';

/** Where the Prometheus pod finds its files. */
export const PROMETHEUS_PATHS = {
  config: '/etc/prometheus/prometheus.yml',
  rules: '/etc/prometheus/rules',
  serviceAccountToken: '/var/run/secrets/kubernetes.io/serviceaccount/token',
} as const;

/** The kubelet's authenticated port (Kubernetes' default). */
const KUBELET_PORT = 10250;

export const staticJob = (job: string, targets: string[], extra: Record<string, Yaml> = {}): ScrapeConfig => ({
  job_name: job,
  static_configs: [{ targets }],
  ...extra,
});

/** A job that asks an exporter (`exporter`) to probe `targets`: the target becomes a parameter. */
const probeJob = (job: string, exporter: string, path: string, targets: string[], params: Record<string, string[]>): Record<string, Yaml> => ({
  job_name: job,
  metrics_path: path,
  params,
  static_configs: [{ targets }],
  relabel_configs: [
    { source_labels: ['__address__'], target_label: '__param_target' },
    { source_labels: ['__param_target'], target_label: 'instance' },
    { target_label: '__address__', replacement: exporter },
  ],
});

/**
 * A job on the kubelet of every node, at its address from the spec (no API discovery: it
 * keeps working while the API server is down), authenticated with the service-account token.
 */
const kubeletJob = (job: string, path: string, nodes: Record<string, Yaml>[]): Record<string, Yaml> => ({
  job_name: job,
  metrics_path: path,
  scheme: 'https',
  static_configs: nodes,
  // The kubelet's serving certificate is self-signed by k3s.
  tls_config: { insecure_skip_verify: true },
  authorization: { credentials_file: PROMETHEUS_PATHS.serviceAccountToken },
});

/**
 * prometheus.yml, generated from the spec and the components this project deploys: the node
 * agents and the kubelets (with cAdvisor) by node address, the in-cluster exporters by Service name, the BMC and the router through
 * their exporters, and the jobs the service modules contribute (with their credentials from Secret files).
 */
export function prometheusConfig(spec: ClusterSpec, contributed: readonly ScrapeJob[]): Record<string, Yaml> {
  const nodeTargets = (port: number): Record<string, Yaml>[] =>
    spec.nodes.map((n) => ({ targets: [`${n.ip}:${port}`], labels: { node: n.name } }));
  const jobs: Record<string, Yaml>[] = [
    staticJob('prometheus', [`localhost:${PORTS.prometheus}`]),
    staticJob('alertmanager', [`${serviceHost('alertmanager')}:${PORTS.alertmanager}`]),
    { job_name: 'node', static_configs: nodeTargets(PORTS.nodeExporter) },
    { job_name: 'process', static_configs: nodeTargets(PORTS.processExporter) },
    kubeletJob('kubelet', '/metrics', nodeTargets(KUBELET_PORT)),
    kubeletJob('cadvisor', '/metrics/cadvisor', nodeTargets(KUBELET_PORT)),
    staticJob('kube-state-metrics', [`${serviceHost('kube-state-metrics')}:${PORTS.kubeStateMetrics}`]),
    staticJob('loki', [`${serviceHost('loki')}:${PORTS.loki}`]),
    staticJob('grafana', [`${serviceHost('grafana')}:${PORTS.grafana}`]),
  ];
  jobs.push(smartctlScrapeJob(spec));
  const bmcs = spec.nodes.filter((n) => n.ipmi).map((n) => n.ipmi!.address);
  if (bmcs.length > 0) {
    jobs.push(probeJob('ipmi', `${serviceHost('ipmi-exporter')}:${PORTS.ipmiExporter}`, '/ipmi', bmcs, { module: ['default'] }));
  }
  if (spec.router?.snmp) {
    jobs.push(
      probeJob('snmp', `${serviceHost('snmp-exporter')}:${PORTS.snmpExporter}`, '/snmp', [spec.router.address], {
        module: [spec.router.snmp.module],
        auth: [spec.router.snmp.auth],
      }),
    );
  }
  jobs.push(...contributed.map((j) => j.config));
  return {
    global: { scrape_interval: '30s', evaluation_interval: '30s', external_labels: { cluster: spec.name } },
    rule_files: [`${PROMETHEUS_PATHS.rules}/*.yml`],
    alerting: { alertmanagers: [{ static_configs: [{ targets: [`${serviceHost('alertmanager')}:${PORTS.alertmanager}`] }] }] },
    scrape_configs: jobs,
  };
}
