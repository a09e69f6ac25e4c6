import { Construct } from 'constructs';
import { HomelabNamespace } from '../../k8s/homelab-namespace';
import { stringifyYaml as stringify } from '../../yaml/yaml-memo';
import { HomelabWorkload } from '../../k8s/homelab-workload';
import { OBSERVABILITY_IMAGES as IMAGES, OBSERVABILITY_NAMESPACE as NS, PORTS } from '../constants';
import { PROMETHEUS_PATHS, prometheusConfig } from '../prometheus-config';
import { Placement } from '../../placement/placement';
import { storageNode } from '../../spec/nodes';
import { ClusterSpec } from '../../spec/schema';
import { LocalDataVolume } from '../../storage/local-data-volume';
import { prometheusCredentialsFile, RuleGroup, ScrapeJob } from '../monitoring';
import { resources, nonRoot, httpProbe, serviceAccount, service, configMap } from './kit';

export interface PrometheusProps {
  /** The monitoring namespace. */
  readonly namespace: HomelabNamespace;
  readonly spec: ClusterSpec;
  /** Scrape jobs beyond the stack's own: what the service modules contribute. */
  readonly scrapeJobs: readonly ScrapeJob[];
  /** Every alert rule group (the stack's and the services'). */
  readonly ruleGroups: readonly RuleGroup[];
}

/** Prometheus on the storage node: the generated configuration and rules, its TSDB on the observability dataset. */
export class Prometheus extends Construct {
  constructor(scope: Construct, id: string, props: PrometheusProps) {
    super(scope, id);
    const { spec, namespace, scrapeJobs, ruleGroups } = props;
    const obs = spec.services.observability;
    configMap(this, 'prometheus-config', { 'prometheus.yml': stringify(prometheusConfig(spec, scrapeJobs)) });
    configMap(this, 'prometheus-rules', { 'homelab.yml': stringify({ groups: ruleGroups }) });
    const data = new LocalDataVolume(this, 'PrometheusData', {
      spec,
      name: 'prometheus-data',
      namespace,
      dataset: obs.dataset,
      folder: 'prometheus',
      uid: 65534,
      sizeGiB: obs.prometheusSizeGiB,
    });
    const sa = serviceAccount(this, 'prometheus', [
      { apiGroups: [''], resources: ['nodes/metrics'], verbs: ['get'] },
    ]);
    const credentials = scrapeJobs.filter((j) => j.credentials !== undefined);
    const w = new HomelabWorkload(this, 'Prometheus', {
      kind: 'Deployment',
      name: 'prometheus',
      namespace: NS,
      component: 'metrics',
      placement: Placement.pinned(storageNode(spec)),
      usesKubernetesApi: { reason: 'authenticates to the kubelets with its token to read their metrics', serviceAccountName: sa },
      podSecurityContext: nonRoot(65534),
      containers: [
        {
          name: 'prometheus',
          image: IMAGES.prometheus,
          args: [
            `--config.file=${PROMETHEUS_PATHS.config}`,
            '--storage.tsdb.path=/prometheus',
            `--storage.tsdb.retention.time=${obs.retentionDays}d`,
            `--storage.tsdb.retention.size=${Math.floor(obs.prometheusSizeGiB * 0.9)}GB`,
          ],
          ports: [{ name: 'http', containerPort: PORTS.prometheus }],
          resources: resources('200m', '768Mi', '2Gi'),
          readinessProbe: httpProbe(PORTS.prometheus, '/-/ready'),
          livenessProbe: httpProbe(PORTS.prometheus, '/-/healthy'),
          volumeMounts: [
            { name: 'config', mountPath: '/etc/prometheus/prometheus.yml', subPath: 'prometheus.yml' },
            { name: 'rules', mountPath: PROMETHEUS_PATHS.rules },
            { name: 'data', mountPath: '/prometheus' },
            ...credentials.map((j) => ({ name: `${j.config.job_name}-token`, mountPath: prometheusCredentialsFile(j.config.job_name).replace(/\/[^/]+$/, ''), readOnly: true })),
          ],
        },
      ],
      volumes: [
        { name: 'config', configMap: { name: 'prometheus-config' } },
        { name: 'rules', configMap: { name: 'prometheus-rules' } },
        data.volume('data'),
        ...credentials.map((j) => ({ name: `${j.config.job_name}-token`, secret: { secretName: j.credentials!.name, items: [{ key: j.credentials!.key, path: 'token' }] } })),
      ],
    });
    service(this, 'prometheus', w.selector, PORTS.prometheus);
  }
}
