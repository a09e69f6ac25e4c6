import { Construct } from 'constructs';
import { HomelabWorkload } from '../../k8s/homelab-workload';
import { OBSERVABILITY_IMAGES as IMAGES, OBSERVABILITY_NAMESPACE as NS, PORTS } from '../constants';
import { Placement } from '../../placement/placement';
import { ClusterSpec } from '../../spec/schema';
import { q, resources, nonRoot, httpProbe, serviceAccount, service } from './kit';

export interface ClusterExportersProps {
  readonly spec: ClusterSpec;
}

/** kube-state-metrics, and the exporters that probe the BMC and the router over the LAN. */
export class ClusterExporters extends Construct {
  constructor(scope: Construct, id: string, props: ClusterExportersProps) {
    super(scope, id);
    const { spec } = props;
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
          },
        ],
      });
      service(this, 'snmp-exporter', snmp.selector, PORTS.snmpExporter);
    }
  }
}
