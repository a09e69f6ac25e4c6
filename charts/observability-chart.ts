import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { HomelabNamespace } from '../lib/k8s/homelab-namespace';
import { VIP_KEYS } from '../lib/net/vip-keys';
import { alertRuleGroups } from '../lib/observability/alert-rules';
import { OBSERVABILITY_NAMESPACE as NS } from '../lib/observability/constants';
import { dashboardSpecs } from '../lib/observability/dashboards';
import { AlloyGateway } from '../lib/observability/stack/alloy-gateway';
import { Alertmanager } from '../lib/observability/stack/alertmanager';
import { ClusterExporters } from '../lib/observability/stack/cluster-exporters';
import { Grafana } from '../lib/observability/stack/grafana';
import { Loki } from '../lib/observability/stack/loki';
import { NodeAgents } from '../lib/observability/stack/node-agents';
import { Prometheus } from '../lib/observability/stack/prometheus';
import { Placement } from '../lib/placement/placement';
import { serviceMonitoring } from '../lib/services/registry';
import { storageNode } from '../lib/spec/nodes';
import { StageChartProps } from '../lib/stages/stage';

/**
 * Metrics, logs, dashboards and alerts for every signal of the design notes: Prometheus
 * (our own configuration, checked by promtool), Alertmanager, Loki, Grafana Alloy as node
 * agent and as syslog/event gateway, the exporters, and Grafana with generated dashboards.
 * Heavy parts run on the storage node; the Pis only get node agents.
 */
export class ObservabilityChart extends Chart {
  constructor(scope: Construct, id: string, props: StageChartProps) {
    super(scope, id);
    const { spec, vips } = props;
    const storage = Placement.pinned(storageNode(spec));

    // Its volumes mark it as holding data, Grafana's route grants the ingress controller, the
    // syslog LoadBalancer opens its ports.
    const namespace = new HomelabNamespace(this, 'Namespace', {
      name: NS,
      podSecurity: 'privileged',
      podSecurityReason: 'node agents read the host: node-exporter uses the host network and PID namespace, Alloy reads host logs',
    });
    // What the services add (lib/services/registry.ts): the stack itself knows none of them.
    const services = serviceMonitoring(spec);
    new Prometheus(this, 'Prometheus', { spec, namespace, scrapeJobs: services.scrapeJobs, ruleGroups: alertRuleGroups(spec, services.ruleGroups) });
    new Alertmanager(this, 'Alertmanager', { spec, placement: storage });
    new NodeAgents(this, 'NodeAgents', { spec });
    new ClusterExporters(this, 'ClusterExporters', { spec });
    new Loki(this, 'Loki', { spec, namespace, placement: storage });
    new AlloyGateway(this, 'AlloyGateway', { namespace, placement: storage, syslogVip: vips.entries().find(([k]) => k === VIP_KEYS.syslog)?.[1] });
    new Grafana(this, 'Grafana', { spec, namespace, dashboards: dashboardSpecs(spec, services.dashboards) });
  }
}
