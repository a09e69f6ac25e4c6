import { Construct } from 'constructs';
import { HomelabNamespace } from '../../k8s/homelab-namespace';
import { LoadBalancerService } from '../../k8s/load-balancer-service';
import * as k8s from 'cdk8s-plus-33/lib/imports/k8s';
import { HomelabWorkload } from '../../k8s/homelab-workload';
import { VIP_KEYS } from '../../net/vip-keys';
import { VIP_ANNOTATION, VIP_KEY_ANNOTATION } from '../../net/vip-allocator';
import { alloyGatewayConfig } from '../alloy-config';
import { OBSERVABILITY_IMAGES as IMAGES, OBSERVABILITY_NAMESPACE as NS, PORTS } from '../constants';
import { Placement } from '../../placement/placement';
import { q, resources, nonRoot, httpProbe, serviceAccount, configMap } from './kit';

export interface AlloyGatewayProps {
  /** The monitoring namespace. */
  readonly namespace: HomelabNamespace;
  readonly placement: Placement;
  /** The router's syslog address, when the router sends syslog. */
  readonly syslogVip?: string;
}

/** The router's syslog on its own VIP, and the Kubernetes events. */
export class AlloyGateway extends Construct {
  constructor(scope: Construct, id: string, props: AlloyGatewayProps) {
    super(scope, id);
    const { namespace, placement, syslogVip } = props;
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
      new LoadBalancerService(this, 'syslog-svc', {
        namespace,
        name: 'syslog',
        annotations: { [VIP_ANNOTATION]: syslogVip, [VIP_KEY_ANNOTATION]: VIP_KEYS.syslog },
        spec: {
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
}
