import { Construct } from 'constructs';
import { HomelabNamespace } from '../../k8s/homelab-namespace';
import { stringifyYaml as stringify } from '../../yaml/yaml-memo';
import { ExposedHttpApp } from '../../ingress/exposed-http-app';
import { HomelabWorkload } from '../../k8s/homelab-workload';
import { OBSERVABILITY_IMAGES as IMAGES, OBSERVABILITY_NAMESPACE as NS, PORTS } from '../constants';
import { dashboardJson } from '../dashboards';
import { Placement } from '../../placement/placement';
import { ClusterSpec } from '../../spec/schema';
import { DashboardSpec } from '../monitoring';
import { q, resources, nonRoot, httpProbe, service, configMap } from './kit';

export interface GrafanaProps {
  /** The monitoring namespace. */
  readonly namespace: HomelabNamespace;
  readonly spec: ClusterSpec;
  /** Every dashboard (the stack's and the services'). */
  readonly dashboards: readonly DashboardSpec[];
}

/** Grafana with Prometheus, Loki and Alertmanager as data sources and the generated dashboards, at grafana.<domain>. */
export class Grafana extends Construct {
  constructor(scope: Construct, id: string, props: GrafanaProps) {
    super(scope, id);
    const { spec, namespace, dashboards } = props;
    const admin = spec.services.observability.grafanaAdminSecret;
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
    new ExposedHttpApp(this, 'GrafanaRoute', { spec, name: 'grafana', namespace, serviceName: 'grafana', servicePort: PORTS.grafana });
  }
}
