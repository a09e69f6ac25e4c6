import * as k8s from 'cdk8s-plus-33/lib/imports/k8s';
import { Construct } from 'constructs';
import { ExposedHttpApp } from '../../ingress/exposed-http-app';
import { HomelabNamespace } from '../../k8s/homelab-namespace';
import { HomelabWorkload } from '../../k8s/homelab-workload';
import { Placement } from '../../placement/placement';
import { storageNode } from '../../spec/nodes';
import { ClusterSpec } from '../../spec/schema';
import { DataVolume } from '../../storage/data-volume';
import { AppSpec } from './schema';

export const APPS_NAMESPACE = 'apps';

export interface SimpleAppProps {
  readonly spec: ClusterSpec;
  readonly app: AppSpec;
  readonly namespace: HomelabNamespace;
}

/**
 * One entry of `apps:`: a Deployment with the restricted defaults (non-root, read-only root
 * filesystem with scratch folders, no capabilities), its claim when it keeps data, a Service,
 * and its route through the ingress.
 */
export class SimpleApp extends Construct {
  constructor(scope: Construct, id: string, props: SimpleAppProps) {
    super(scope, id);
    const { spec, app, namespace } = props;
    const q = (v: string): k8s.Quantity => k8s.Quantity.fromString(v);
    const data = app.storage
      ? new DataVolume(this, 'Data', { spec, name: `${app.name}-data`, namespace, dataset: app.storage.dataset, sizeGiB: app.storage.sizeGiB })
      : undefined;
    const http: k8s.Probe = { httpGet: { path: app.healthPath, port: k8s.IntOrString.fromNumber(app.port) }, periodSeconds: 15 };
    const scratch = app.writableDirs.map((path, i) => ({ name: `scratch-${i}`, path }));
    const workload = new HomelabWorkload(this, 'Server', {
      kind: 'Deployment',
      name: app.name,
      namespace: namespace.name,
      component: 'app',
      priority: 'apps',
      placement: app.placement === 'storage-node' ? Placement.pinned(storageNode(spec)) : Placement.anywhere(1),
      podSecurityContext: {
        runAsNonRoot: true,
        runAsUser: app.runAsUser,
        runAsGroup: app.runAsUser,
        fsGroup: app.runAsUser,
        seccompProfile: { type: 'RuntimeDefault' },
      },
      containers: [
        {
          name: app.name,
          image: `${app.image}:${app.version}`,
          env: Object.entries(app.env)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([name, value]) => ({ name, value })),
          ports: [{ name: 'http', containerPort: app.port, protocol: 'TCP' }],
          resources: { requests: { cpu: q(app.resources.cpu), memory: q(app.resources.memory) }, limits: { memory: q(app.resources.memoryLimit) } },
          readinessProbe: http,
          livenessProbe: { ...http, periodSeconds: 30, failureThreshold: 4 },
          volumeMounts: [
            ...(data && app.storage ? [{ name: 'data', mountPath: app.storage.mountPath }] : []),
            ...scratch.map((s) => ({ name: s.name, mountPath: s.path })),
          ],
        },
      ],
      volumes: [...(data ? [data.volume('data')] : []), ...scratch.map((s) => ({ name: s.name, emptyDir: { sizeLimit: q('256Mi') } }))],
    });
    new k8s.KubeService(this, 'Service', {
      metadata: { name: app.name, namespace: namespace.name },
      spec: { selector: workload.selector, ports: [{ name: 'http', port: app.port, targetPort: k8s.IntOrString.fromNumber(app.port) }] },
    });
    new ExposedHttpApp(this, 'Route', { spec, name: app.hostname ?? app.name, namespace, serviceName: app.name, servicePort: app.port });
  }
}
