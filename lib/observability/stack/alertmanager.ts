import { Construct } from 'constructs';
import { stringifyYaml as stringify } from '../../yaml/yaml-memo';
import { HomelabWorkload } from '../../k8s/homelab-workload';
import { ALERT_WEBHOOK_URL_FILE, alertmanagerConfig } from '../alertmanager-config';
import { OBSERVABILITY_IMAGES as IMAGES, OBSERVABILITY_NAMESPACE as NS, PORTS } from '../constants';
import { Placement } from '../../placement/placement';
import { ClusterSpec } from '../../spec/schema';
import { q, resources, nonRoot, httpProbe, service, configMap } from './kit';

export interface AlertmanagerProps {
  readonly spec: ClusterSpec;
  readonly placement: Placement;
}

/** Alertmanager: routes the alerts to the webhook in the Secret the spec names; its state is disposable. */
export class Alertmanager extends Construct {
  constructor(scope: Construct, id: string, props: AlertmanagerProps) {
    super(scope, id);
    const { spec, placement } = props;
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
}
