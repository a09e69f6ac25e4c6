import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { Certificate } from '../imports/cert-manager.io';
import {
  Gateway,
  GatewayClass,
  GatewaySpecListenersAllowedRoutesNamespacesFrom,
} from '../imports/gateway.networking.k8s.io';
import { HomelabClusterIssuer } from '../lib/ingress/cluster-issuer';
import {
  CLUSTER_ISSUER,
  GATEWAY_CLASS,
  GATEWAY_NAME,
  HTTPS_LISTENER,
  INGRESS_NAMESPACE,
  TRAEFIK_WEB_PORT,
  TRAEFIK_WEBSECURE_PORT,
  WILDCARD_CERTIFICATE_SECRET,
} from '../lib/ingress/ingress-names';
import { StageChartProps } from '../lib/stages/stage';

/** Traefik's Gateway API controller name. */
const TRAEFIK_CONTROLLER = 'traefik.io/gateway-controller';

/**
 * Ingress configuration: the GatewayClass and the one Gateway (HTTP and HTTPS listeners on
 * Traefik's entry points, routes from every namespace), the ClusterIssuer and the wildcard
 * certificate for `*.<domain>` the HTTPS listener serves. Empty when ingress is disabled.
 */
export class IngressChart extends Chart {
  constructor(scope: Construct, id: string, props: StageChartProps) {
    super(scope, id);
    const { spec } = props;
    if (!spec.services.ingress.enabled) {
      return;
    }
    new GatewayClass(this, 'GatewayClass', {
      metadata: { name: GATEWAY_CLASS },
      spec: { controllerName: TRAEFIK_CONTROLLER },
    });
    const allowedRoutes = { namespaces: { from: GatewaySpecListenersAllowedRoutesNamespacesFrom.ALL } };
    new Gateway(this, 'Gateway', {
      metadata: { name: GATEWAY_NAME, namespace: INGRESS_NAMESPACE },
      spec: {
        gatewayClassName: GATEWAY_CLASS,
        listeners: [
          { name: 'web', port: TRAEFIK_WEB_PORT, protocol: 'HTTP', allowedRoutes },
          {
            name: HTTPS_LISTENER,
            port: TRAEFIK_WEBSECURE_PORT,
            protocol: 'HTTPS',
            hostname: `*.${spec.domain}`,
            tls: { certificateRefs: [{ name: WILDCARD_CERTIFICATE_SECRET }] },
            allowedRoutes,
          },
        ],
      },
    });
    new HomelabClusterIssuer(this, 'Issuer', { spec });
    new Certificate(this, 'Wildcard', {
      metadata: { name: WILDCARD_CERTIFICATE_SECRET, namespace: INGRESS_NAMESPACE },
      spec: {
        secretName: WILDCARD_CERTIFICATE_SECRET,
        dnsNames: [spec.domain, `*.${spec.domain}`],
        issuerRef: { kind: 'ClusterIssuer', name: CLUSTER_ISSUER },
      },
    });
  }
}
