import { HomelabNamespace } from '../../k8s/homelab-namespace';
import { alertRule, logPanel, LOGS_ARE_READ, metricPanel } from '../../observability/monitoring';
import { ServiceModule } from '../service-module';
import { HOME_NAMESPACE, HomeAssistant, homeAssistantScrapeJob } from './home-assistant';

/**
 * Home Assistant (services.homeAssistant): monitored wherever it runs, deployed when it runs in
 * the cluster (on the storage node, host network for discovery, its configuration on a claim).
 */
export const HOME_ASSISTANT_SERVICE: ServiceModule = {
  name: 'home-assistant',
  enabled: (spec) => spec.services.homeAssistant !== undefined,
  stage: {
    name: 'home',
    layer: 'home',
    purpose: 'Home Assistant, when it runs in the cluster',
    dependsOn: ['storage'],
    when: (spec) => spec.services.homeAssistant?.mode === 'cluster',
  },
  datasets: (spec) => {
    const ha = spec.services.homeAssistant;
    return ha?.mode === 'cluster' ? [{ dataset: ha.dataset, path: 'services.homeAssistant.dataset' }] : [];
  },
  monitoring: (spec) => {
    const job = homeAssistantScrapeJob(spec);
    const inCluster = spec.services.homeAssistant?.mode === 'cluster';
    return {
      scrapeJobs: job ? [job] : [],
      ruleGroups: [{ name: 'home-assistant', rules: [alertRule('HomeAssistantDown', 'up{job="home-assistant"} == 0', '10m', 'warning', 'Home Assistant metrics are unreachable.')] }],
      dashboards: [
        {
          uid: 'homelab-home-assistant',
          title: 'Home Assistant',
          panels: [
            metricPanel('Sensors', '{__name__=~"homeassistant_sensor_.*"}'),
            ...(inCluster ? [logPanel('Event log', `{namespace="${HOME_NAMESPACE}", container="home-assistant"}`)] : []),
          ],
        },
      ],
      coverage: [
        { signal: 'Home Assistant sensor metrics', collector: 'prometheus', stored: 'homeassistant_sensor_', dashboard: 'homelab-home-assistant', panel: 'Sensors', alert: { rule: 'HomeAssistantDown' } },
        ...(inCluster
          ? [{ signal: 'Home Assistant event logs', collector: 'alloy', stored: `{namespace="${HOME_NAMESPACE}", container="home-assistant"}`, dashboard: 'homelab-home-assistant', panel: 'Event log', alert: { none: LOGS_ARE_READ } }]
          : []),
      ],
    };
  },
  build(scope, { spec }) {
    const namespace = new HomelabNamespace(scope, 'Namespace', {
      name: HOME_NAMESPACE,
      podSecurity: 'privileged',
      podSecurityReason: 'Home Assistant needs the host network for device discovery',
    });
    new HomeAssistant(scope, 'HomeAssistant', { spec, namespace });
  },
};
