import { Chart } from 'cdk8s';
import * as k8s from 'cdk8s-plus-33/lib/imports/k8s';
import { Construct } from 'constructs';
import { stringifyYaml as stringify } from '../lib/output/yaml-memo';
import { ExposedHttpApp } from '../lib/ingress/exposed-http-app';
import { HomelabNamespace } from '../lib/k8s/homelab-namespace';
import { HomelabWorkload, RESTRICTED_CONTAINER } from '../lib/k8s/homelab-workload';
import { VIP_KEYS } from '../lib/net/service-vips';
import { VIP_ANNOTATION, VIP_KEY_ANNOTATION } from '../lib/net/vip-allocator';
import { alertRuleGroups } from '../lib/observability/alert-rules';
import { ALERT_WEBHOOK_URL_FILE, alertmanagerConfig } from '../lib/observability/alertmanager-config';
import { alloyGatewayConfig, alloyHostPaths, alloyNodeAgentName, alloyNodeConfig } from '../lib/observability/alloy-config';
import { clusterOses, NODE_OS } from '../lib/host/node-os';
import { OBSERVABILITY_IMAGES as IMAGES, OBSERVABILITY_NAMESPACE as NS, PORTS, TEXTFILE_DIR } from '../lib/observability/constants';
import { dashboardJson, dashboardSpecs } from '../lib/observability/dashboards';
import { lokiConfig } from '../lib/observability/loki-config';
import { PROMETHEUS_PATHS, prometheusConfig } from '../lib/observability/prometheus-config';
import { Placement } from '../lib/placement/placement';
import { homeAssistantEndpoint } from '../lib/services/home-assistant';
import { storageNode } from '../lib/spec/nodes';
import { ClusterSpec } from '../lib/spec/schema';
import { StageChartProps } from '../lib/stages/stage';
import { LocalDataVolume } from '../lib/storage/local-data-volume';

const q = (v: string): k8s.Quantity => k8s.Quantity.fromString(v);
const resources = (cpu: string, memory: string, limit: string): k8s.ResourceRequirements => ({
  requests: { cpu: q(cpu), memory: q(memory) },
  limits: { memory: q(limit) },
});
const nonRoot = (uid: number): k8s.PodSecurityContext => ({
  runAsNonRoot: true,
  runAsUser: uid,
  runAsGroup: uid,
  fsGroup: uid,
  seccompProfile: { type: 'RuntimeDefault' },
});
const httpProbe = (port: number, path: string): k8s.Probe => ({
  httpGet: { path, port: k8s.IntOrString.fromNumber(port) },
  periodSeconds: 15,
});

/** A ServiceAccount bound to a ClusterRole with exactly `rules`. */
function serviceAccount(scope: Construct, name: string, rules: k8s.PolicyRule[]): string {
  new k8s.KubeServiceAccount(scope, `${name}-sa`, { metadata: { name, namespace: NS }, automountServiceAccountToken: false });
  new k8s.KubeClusterRole(scope, `${name}-role`, { metadata: { name: `homelab:${name}` }, rules });
  new k8s.KubeClusterRoleBinding(scope, `${name}-binding`, {
    metadata: { name: `homelab:${name}` },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: `homelab:${name}` },
    subjects: [{ kind: 'ServiceAccount', name, namespace: NS }],
  });
  return name;
}

function service(scope: Construct, name: string, selector: Record<string, string>, port: number): void {
  new k8s.KubeService(scope, `${name}-svc`, {
    metadata: { name, namespace: NS },
    spec: { selector, ports: [{ name: 'http', port, targetPort: k8s.IntOrString.fromNumber(port) }] },
  });
}

function configMap(scope: Construct, name: string, data: Record<string, string>): void {
  new k8s.KubeConfigMap(scope, `${name}-cm`, { metadata: { name, namespace: NS }, data });
}

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

    new HomelabNamespace(this, 'Namespace', {
      name: NS,
      podSecurity: 'privileged',
      podSecurityReason: 'node agents read the host: node-exporter uses the host network and PID namespace, Alloy reads host logs',
      holdsData: true,
      traffic: {
        fromIngressController: true,
        exposedPorts: spec.router?.syslog
          ? [
              { port: PORTS.syslogListener, protocol: 'UDP' },
              { port: PORTS.syslogListener, protocol: 'TCP' },
            ]
          : [],
      },
    });

    this.prometheus(spec);
    this.alertmanager(spec, storage);
    this.nodeAgents(spec);
    this.clusterExporters(spec);
    this.loki(spec, storage);
    this.alloyGateway(storage, vips.entries().find(([k]) => k === VIP_KEYS.syslog)?.[1]);
    this.grafana(spec);
  }

  private prometheus(spec: ClusterSpec): void {
    const obs = spec.services.observability;
    configMap(this, 'prometheus-config', { 'prometheus.yml': stringify(prometheusConfig(spec)) });
    configMap(this, 'prometheus-rules', { 'homelab.yml': stringify({ groups: alertRuleGroups(spec) }) });
    const data = new LocalDataVolume(this, 'PrometheusData', {
      spec,
      name: 'prometheus-data',
      namespace: NS,
      dataset: obs.dataset,
      folder: 'prometheus',
      uid: 65534,
      sizeGiB: obs.prometheusSizeGiB,
    });
    const sa = serviceAccount(this, 'prometheus', [
      { apiGroups: [''], resources: ['nodes/metrics'], verbs: ['get'] },
    ]);
    const ha = homeAssistantEndpoint(spec);
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
          securityContext: RESTRICTED_CONTAINER,
          volumeMounts: [
            { name: 'config', mountPath: '/etc/prometheus/prometheus.yml', subPath: 'prometheus.yml' },
            { name: 'rules', mountPath: PROMETHEUS_PATHS.rules },
            { name: 'data', mountPath: '/prometheus' },
            ...(ha ? [{ name: 'home-assistant-token', mountPath: PROMETHEUS_PATHS.homeAssistantToken.replace(/\/[^/]+$/, ''), readOnly: true }] : []),
          ],
        },
      ],
      volumes: [
        { name: 'config', configMap: { name: 'prometheus-config' } },
        { name: 'rules', configMap: { name: 'prometheus-rules' } },
        data.volume('data'),
        ...(ha ? [{ name: 'home-assistant-token', secret: { secretName: ha.tokenSecret.name, items: [{ key: ha.tokenSecret.key, path: 'token' }] } }] : []),
      ],
    });
    service(this, 'prometheus', w.selector, PORTS.prometheus);
  }

  private alertmanager(spec: ClusterSpec, placement: Placement): void {
    const secret = spec.services.observability.alertWebhookSecret;
    configMap(this, 'alertmanager-config', { 'alertmanager.yml': stringify(alertmanagerConfig()) });
    const w = new HomelabWorkload(this, 'Alertmanager', {
      kind: 'Deployment',
      name: 'alertmanager',
      namespace: NS,
      component: 'alerting',
      placement,
      podSecurityContext: nonRoot(65534),
      containers: [
        {
          name: 'alertmanager',
          image: IMAGES.alertmanager,
          args: ['--config.file=/etc/alertmanager/alertmanager.yml', '--storage.path=/alertmanager'],
          ports: [{ name: 'http', containerPort: PORTS.alertmanager }],
          resources: resources('20m', '48Mi', '128Mi'),
          readinessProbe: httpProbe(PORTS.alertmanager, '/-/ready'),
          livenessProbe: { ...httpProbe(PORTS.alertmanager, '/-/healthy'), failureThreshold: 4 },
          securityContext: RESTRICTED_CONTAINER,
          volumeMounts: [
            { name: 'config', mountPath: '/etc/alertmanager/alertmanager.yml', subPath: 'alertmanager.yml' },
            { name: 'webhook', mountPath: ALERT_WEBHOOK_URL_FILE.replace(/\/[^/]+$/, ''), readOnly: true },
            { name: 'state', mountPath: '/alertmanager' },
          ],
        },
      ],
      volumes: [
        { name: 'config', configMap: { name: 'alertmanager-config' } },
        { name: 'webhook', secret: { secretName: secret.name, items: [{ key: secret.key, path: 'webhook-url' }] } },
        { name: 'state', emptyDir: { sizeLimit: q('64Mi') } },
      ],
    });
    service(this, 'alertmanager', w.selector, PORTS.alertmanager);
  }

  /** node-exporter, process-exporter and the Alloy log agent on every node, the control plane included. */
  private nodeAgents(spec: ClusterSpec): void {
    new HomelabWorkload(this, 'NodeExporter', {
      kind: 'DaemonSet',
      name: 'node-exporter',
      namespace: NS,
      component: 'node-agent',
      placement: Placement.everyNode(),
      hostNetwork: true,
      securityExceptions: {
        hostNetwork: "reports the node's own network interfaces",
        hostPath: "reads the node's filesystems (read-only) and the textfile folder where host jobs leave metrics",
      },
      podSecurityContext: nonRoot(65534),
      containers: [
        {
          name: 'node-exporter',
          image: IMAGES.nodeExporter,
          args: [
            '--path.rootfs=/host/root',
            '--path.procfs=/host/root/proc',
            '--path.sysfs=/host/root/sys',
            `--collector.textfile.directory=${TEXTFILE_DIR}`,
            '--collector.filesystem.mount-points-exclude=^/(dev|proc|sys|run/k3s|var/lib/kubelet/.+|var/lib/rancher/k3s/agent/containerd/.+)($|/)',
          ],
          ports: [{ name: 'metrics', containerPort: PORTS.nodeExporter }],
          resources: resources('20m', '32Mi', '96Mi'),
          readinessProbe: httpProbe(PORTS.nodeExporter, '/'),
          securityContext: RESTRICTED_CONTAINER,
          volumeMounts: [
            { name: 'root', mountPath: '/host/root', readOnly: true, mountPropagation: 'HostToContainer' },
            { name: 'textfile', mountPath: TEXTFILE_DIR, readOnly: true },
          ],
        },
      ],
      volumes: [
        { name: 'root', hostPath: { path: '/' } },
        { name: 'textfile', hostPath: { path: TEXTFILE_DIR, type: 'DirectoryOrCreate' } },
      ],
    });

    configMap(this, 'process-exporter-config', {
      'config.yml': stringify({ process_names: [{ name: '{{.Comm}}', cmdline: ['.+'] }] }),
    });
    new HomelabWorkload(this, 'ProcessExporter', {
      kind: 'DaemonSet',
      name: 'process-exporter',
      namespace: NS,
      component: 'node-agent',
      placement: Placement.everyNode(),
      hostNetwork: true,
      securityExceptions: {
        hostNetwork: 'serves on the node address, like node-exporter, so Prometheus finds it without the API',
        hostPath: "reads the node's /proc (read-only) for per-process usage",
      },
      podSecurityContext: nonRoot(65534),
      containers: [
        {
          name: 'process-exporter',
          image: IMAGES.processExporter,
          args: ['-procfs', '/host/proc', '-config.path', '/config/config.yml', '-web.listen-address', `:${PORTS.processExporter}`],
          ports: [{ name: 'metrics', containerPort: PORTS.processExporter }],
          resources: resources('20m', '32Mi', '96Mi'),
          securityContext: RESTRICTED_CONTAINER,
          volumeMounts: [
            { name: 'proc', mountPath: '/host/proc', readOnly: true },
            { name: 'config', mountPath: '/config', readOnly: true },
          ],
        },
      ],
      volumes: [
        { name: 'proc', hostPath: { path: '/proc' } },
        { name: 'config', configMap: { name: 'process-exporter-config' } },
      ],
    });

    // One log agent per node OS: what each OS logs to (journal or syslog files) is in NODE_OS.
    for (const os of clusterOses(spec.nodes)) {
      const facts = NODE_OS[os];
      const name = alloyNodeAgentName(os);
      configMap(this, `${name}-config`, { 'config.alloy': alloyNodeConfig(facts) });
      const hostPaths = alloyHostPaths(facts);
      new HomelabWorkload(this, `Alloy-${os}`, {
        kind: 'DaemonSet',
        name,
        namespace: NS,
        component: 'log-agent',
        placement: Placement.everyNodeOf(spec.nodes.filter((n) => n.os === os)),
        securityExceptions: {
          runAsNonRoot: `${facts.journalDir ? 'the journal, ' : ''}/var/log/pods and the audit logs are readable by root only`,
          hostPath: `reads host logs (${hostPaths.join(', ')}, read-only) and keeps its read positions in /var/lib/alloy`,
        },
        podSecurityContext: { seccompProfile: { type: 'RuntimeDefault' } },
        containers: [
          {
            name: 'alloy',
            image: IMAGES.alloy,
            args: ['run', '/etc/alloy/config.alloy', '--storage.path=/var/lib/alloy/data', `--server.http.listen-addr=0.0.0.0:${PORTS.alloy}`],
            env: [{ name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }],
            ports: [{ name: 'http', containerPort: PORTS.alloy }],
            resources: resources('30m', '96Mi', '256Mi'),
            readinessProbe: httpProbe(PORTS.alloy, '/-/ready'),
            securityContext: { ...RESTRICTED_CONTAINER, runAsNonRoot: false, runAsUser: 0 },
            volumeMounts: [
              { name: 'config', mountPath: '/etc/alloy', readOnly: true },
              { name: 'state', mountPath: '/var/lib/alloy' },
              ...hostPaths.map((path, i) => ({ name: `host-${i}`, mountPath: path, readOnly: true })),
            ],
          },
        ],
        volumes: [
          { name: 'config', configMap: { name: `${name}-config` } },
          { name: 'state', hostPath: { path: '/var/lib/alloy', type: 'DirectoryOrCreate' } },
          ...hostPaths.map((path, i) => ({ name: `host-${i}`, hostPath: { path, type: 'DirectoryOrCreate' } })),
        ],
      });
    }
  }

  /** kube-state-metrics, and the exporters that probe the BMC and the router over the LAN. */
  private clusterExporters(spec: ClusterSpec): void {
    const resourcesWatched = ['pods', 'nodes', 'namespaces', 'services', 'persistentvolumeclaims', 'persistentvolumes'];
    const sa = serviceAccount(this, 'kube-state-metrics', [
      { apiGroups: [''], resources: resourcesWatched, verbs: ['list', 'watch'] },
      { apiGroups: ['apps'], resources: ['deployments', 'daemonsets', 'statefulsets', 'replicasets'], verbs: ['list', 'watch'] },
      { apiGroups: ['batch'], resources: ['jobs', 'cronjobs'], verbs: ['list', 'watch'] },
    ]);
    const ksm = new HomelabWorkload(this, 'KubeStateMetrics', {
      kind: 'Deployment',
      name: 'kube-state-metrics',
      namespace: NS,
      component: 'metrics',
      placement: Placement.anywhere(1),
      usesKubernetesApi: { reason: 'turns the state of Kubernetes objects into metrics', serviceAccountName: sa },
      podSecurityContext: nonRoot(65534),
      containers: [
        {
          name: 'kube-state-metrics',
          image: IMAGES.kubeStateMetrics,
          args: [
            `--resources=${[...resourcesWatched, 'deployments', 'daemonsets', 'statefulsets', 'replicasets', 'jobs', 'cronjobs'].join(',')}`,
            `--port=${PORTS.kubeStateMetrics}`,
          ],
          ports: [{ name: 'http', containerPort: PORTS.kubeStateMetrics }],
          resources: resources('20m', '64Mi', '192Mi'),
          readinessProbe: httpProbe(PORTS.kubeStateMetrics, '/healthz'),
          livenessProbe: { ...httpProbe(PORTS.kubeStateMetrics, '/healthz'), failureThreshold: 4 },
          securityContext: RESTRICTED_CONTAINER,
        },
      ],
    });
    service(this, 'kube-state-metrics', ksm.selector, PORTS.kubeStateMetrics);

    if (spec.nodes.some((n) => n.ipmi)) {
      const secret = spec.services.observability.ipmiConfigSecret;
      const ipmi = new HomelabWorkload(this, 'IpmiExporter', {
        kind: 'Deployment',
        name: 'ipmi-exporter',
        namespace: NS,
        component: 'exporter',
        placement: Placement.anywhere(1),
        podSecurityContext: nonRoot(65534),
        containers: [
          {
            name: 'ipmi-exporter',
            image: IMAGES.ipmiExporter,
            args: ['--config.file=/config/ipmi.yml'],
            ports: [{ name: 'http', containerPort: PORTS.ipmiExporter }],
            resources: resources('20m', '32Mi', '96Mi'),
            securityContext: RESTRICTED_CONTAINER,
            volumeMounts: [
              { name: 'config', mountPath: '/config', readOnly: true },
              // FreeIPMI talks through a FIFO it creates in the temp dir on every collector call.
              { name: 'tmp', mountPath: '/tmp' },
            ],
          },
        ],
        volumes: [
          { name: 'config', secret: { secretName: secret.name, items: [{ key: secret.key, path: 'ipmi.yml' }] } },
          { name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: q('16Mi') } },
        ],
      });
      service(this, 'ipmi-exporter', ipmi.selector, PORTS.ipmiExporter);
    }
    if (spec.router?.snmp) {
      const snmp = new HomelabWorkload(this, 'SnmpExporter', {
        kind: 'Deployment',
        name: 'snmp-exporter',
        namespace: NS,
        component: 'exporter',
        placement: Placement.anywhere(1),
        podSecurityContext: nonRoot(65534),
        containers: [
          {
            name: 'snmp-exporter',
            image: IMAGES.snmpExporter,
            ports: [{ name: 'http', containerPort: PORTS.snmpExporter }],
            resources: resources('20m', '32Mi', '96Mi'),
            securityContext: RESTRICTED_CONTAINER,
          },
        ],
      });
      service(this, 'snmp-exporter', snmp.selector, PORTS.snmpExporter);
    }
  }

  private loki(spec: ClusterSpec, placement: Placement): void {
    const obs = spec.services.observability;
    configMap(this, 'loki-config', { 'loki.yaml': stringify(lokiConfig(spec)) });
    const data = new LocalDataVolume(this, 'LokiData', {
      spec,
      name: 'loki-data',
      namespace: NS,
      dataset: obs.dataset,
      folder: 'loki',
      uid: 10001,
      sizeGiB: obs.lokiSizeGiB,
    });
    const w = new HomelabWorkload(this, 'Loki', {
      kind: 'Deployment',
      name: 'loki',
      namespace: NS,
      component: 'logs',
      placement,
      podSecurityContext: nonRoot(10001),
      containers: [
        {
          name: 'loki',
          image: IMAGES.loki,
          args: ['-config.file=/etc/loki/loki.yaml', '-target=all'],
          ports: [{ name: 'http', containerPort: PORTS.loki }],
          resources: resources('100m', '256Mi', '1Gi'),
          readinessProbe: httpProbe(PORTS.loki, '/ready'),
          securityContext: RESTRICTED_CONTAINER,
          volumeMounts: [
            { name: 'config', mountPath: '/etc/loki', readOnly: true },
            { name: 'data', mountPath: '/var/loki' },
          ],
        },
      ],
      volumes: [{ name: 'config', configMap: { name: 'loki-config' } }, data.volume('data')],
    });
    service(this, 'loki', w.selector, PORTS.loki);
  }

  /** The router's syslog on its own VIP, and the Kubernetes events. */
  private alloyGateway(placement: Placement, syslogVip: string | undefined): void {
    configMap(this, 'alloy-gateway-config', { 'config.alloy': alloyGatewayConfig() });
    const sa = serviceAccount(this, 'alloy-gateway', [{ apiGroups: [''], resources: ['events'], verbs: ['get', 'list', 'watch'] }]);
    const w = new HomelabWorkload(this, 'AlloyGateway', {
      kind: 'Deployment',
      name: 'alloy-gateway',
      namespace: NS,
      component: 'log-gateway',
      placement,
      usesKubernetesApi: { reason: 'collects Kubernetes events', serviceAccountName: sa },
      podSecurityContext: nonRoot(473),
      containers: [
        {
          name: 'alloy',
          image: IMAGES.alloy,
          args: ['run', '/etc/alloy/config.alloy', '--storage.path=/var/lib/alloy/data', `--server.http.listen-addr=0.0.0.0:${PORTS.alloy}`],
          ports: [
            { name: 'syslog-udp', containerPort: PORTS.syslogListener, protocol: 'UDP' },
            { name: 'syslog-tcp', containerPort: PORTS.syslogListener, protocol: 'TCP' },
          ],
          resources: resources('30m', '96Mi', '256Mi'),
          readinessProbe: httpProbe(PORTS.alloy, '/-/ready'),
          securityContext: RESTRICTED_CONTAINER,
          volumeMounts: [
            { name: 'config', mountPath: '/etc/alloy', readOnly: true },
            { name: 'state', mountPath: '/var/lib/alloy' },
          ],
        },
      ],
      volumes: [
        { name: 'config', configMap: { name: 'alloy-gateway-config' } },
        { name: 'state', emptyDir: { sizeLimit: q('256Mi') } },
      ],
    });
    if (syslogVip) {
      new k8s.KubeService(this, 'syslog-svc', {
        metadata: { name: 'syslog', namespace: NS, annotations: { [VIP_ANNOTATION]: syslogVip, [VIP_KEY_ANNOTATION]: VIP_KEYS.syslog } },
        spec: {
          type: 'LoadBalancer',
          externalTrafficPolicy: 'Local',
          selector: w.selector,
          ports: [
            { name: 'syslog-udp', port: 514, targetPort: k8s.IntOrString.fromNumber(PORTS.syslogListener), protocol: 'UDP' },
            { name: 'syslog-tcp', port: 514, targetPort: k8s.IntOrString.fromNumber(PORTS.syslogListener), protocol: 'TCP' },
          ],
        },
      });
    }
  }

  private grafana(spec: ClusterSpec): void {
    const admin = spec.services.observability.grafanaAdminSecret;
    const dashboards = dashboardSpecs(spec);
    configMap(this, 'grafana-provisioning', {
      'datasources.yaml': stringify({
        apiVersion: 1,
        datasources: [
          { name: 'Prometheus', uid: 'prometheus', type: 'prometheus', url: `http://prometheus.${NS}.svc.cluster.local:${PORTS.prometheus}`, isDefault: true },
          { name: 'Loki', uid: 'loki', type: 'loki', url: `http://loki.${NS}.svc.cluster.local:${PORTS.loki}` },
          {
            name: 'Alertmanager',
            uid: 'alertmanager',
            type: 'alertmanager',
            url: `http://alertmanager.${NS}.svc.cluster.local:${PORTS.alertmanager}`,
            jsonData: { implementation: 'prometheus' },
          },
        ],
      }),
      'dashboards.yaml': stringify({
        apiVersion: 1,
        providers: [{ name: 'homelab', type: 'file', disableDeletion: true, options: { path: '/var/lib/grafana/dashboards' } }],
      }),
    });
    configMap(
      this,
      'grafana-dashboards',
      Object.fromEntries(dashboards.map((d) => [`${d.uid}.json`, `${JSON.stringify(dashboardJson(d), null, 2)}\n`])),
    );
    const w = new HomelabWorkload(this, 'Grafana', {
      kind: 'Deployment',
      name: 'grafana',
      namespace: NS,
      component: 'dashboards',
      placement: Placement.anywhere(1),
      podSecurityContext: nonRoot(472),
      containers: [
        {
          name: 'grafana',
          image: IMAGES.grafana,
          env: [
            { name: 'GF_SECURITY_ADMIN_PASSWORD__FILE', value: '/etc/grafana/admin/password' },
            { name: 'GF_PATHS_PROVISIONING', value: '/etc/grafana/provisioning' },
            { name: 'GF_SERVER_ROOT_URL', value: `https://grafana.${spec.domain}` },
            { name: 'GF_ANALYTICS_REPORTING_ENABLED', value: 'false' },
            { name: 'GF_ANALYTICS_CHECK_FOR_UPDATES', value: 'false' },
          ],
          ports: [{ name: 'http', containerPort: PORTS.grafana }],
          resources: resources('50m', '128Mi', '384Mi'),
          readinessProbe: httpProbe(PORTS.grafana, '/api/health'),
          livenessProbe: { ...httpProbe(PORTS.grafana, '/api/health'), failureThreshold: 4 },
          securityContext: RESTRICTED_CONTAINER,
          volumeMounts: [
            { name: 'provisioning', mountPath: '/etc/grafana/provisioning/datasources/homelab.yaml', subPath: 'datasources.yaml' },
            { name: 'provisioning', mountPath: '/etc/grafana/provisioning/dashboards/homelab.yaml', subPath: 'dashboards.yaml' },
            { name: 'dashboards', mountPath: '/var/lib/grafana/dashboards', readOnly: true },
            { name: 'admin', mountPath: '/etc/grafana/admin', readOnly: true },
            { name: 'data', mountPath: '/var/lib/grafana' },
            { name: 'tmp', mountPath: '/tmp' },
          ],
        },
      ],
      volumes: [
        { name: 'provisioning', configMap: { name: 'grafana-provisioning' } },
        { name: 'dashboards', configMap: { name: 'grafana-dashboards' } },
        { name: 'admin', secret: { secretName: admin.name, items: [{ key: admin.key, path: 'password' }] } },
        { name: 'data', emptyDir: { sizeLimit: q('512Mi') } },
        { name: 'tmp', emptyDir: { sizeLimit: q('64Mi') } },
      ],
    });
    service(this, 'grafana', w.selector, PORTS.grafana);
    new ExposedHttpApp(this, 'GrafanaRoute', { spec, name: 'grafana', namespace: NS, serviceName: 'grafana', servicePort: PORTS.grafana });
  }
}
