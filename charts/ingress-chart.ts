import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { Certificate, CertificateSpecPrivateKeyAlgorithm, ClusterIssuer } from '../imports/cert-manager.io';
import {
  Gateway,
  GatewaySpecListenersAllowedRoutesNamespacesFrom,
  GatewaySpecListenersTlsMode,
} from '../imports/gateway.networking.k8s.io';
import { CERT_MANAGER_NAMESPACE } from '../lib/ingress/cert-manager';
import { GATEWAY, WILDCARD_SECRET } from '../lib/ingress/gateway';
import { GATEWAY_CLASS, INGRESS_NAMESPACE, TRAEFIK_PORTS } from '../lib/ingress/traefik';
import { StageChartProps } from '../lib/stages/stage';

/**
 * How HTTPS is served: a ClusterIssuer (ACME DNS-01 when the spec configures it, else a
 * local CA), one wildcard certificate for `*.<domain>`, and the Gateway every app's
 * HTTPRoute attaches to.
 */
export class IngressChart extends Chart {
  constructor(scope: Construct, id: string, props: StageChartProps) {
    super(scope, id);
    const { spec } = props;
    const tls = spec.services.ingress.tls;
    let issuer: string;
    if (tls.issuer === 'acme') {
      issuer = 'acme';
      new ClusterIssuer(this, 'Acme', {
        metadata: { name: issuer },
        spec: {
          acme: {
            email: tls.email,
            server: tls.server,
            privateKeySecretRef: { name: 'acme-account-key' },
            solvers: [
              { dns01: { cloudflare: { apiTokenSecretRef: { name: tls.dns01.apiTokenSecret.name, key: tls.dns01.apiTokenSecret.key } } } },
            ],
          },
        },
      });
    } else {
      // A self-signed root signs a local CA, and the CA issues the certificates: one root to
      // trust on your devices (the `homelab-ca` Secret in cert-manager).
      new ClusterIssuer(this, 'SelfSigned', { metadata: { name: 'self-signed' }, spec: { selfSigned: {} } });
      new Certificate(this, 'CaCertificate', {
        metadata: { name: 'homelab-ca', namespace: CERT_MANAGER_NAMESPACE },
        spec: {
          isCa: true,
          commonName: `${spec.name} CA`,
          secretName: 'homelab-ca',
          duration: '87600h',
          privateKey: { algorithm: CertificateSpecPrivateKeyAlgorithm.ECDSA, size: 256 },
          issuerRef: { kind: 'ClusterIssuer', name: 'self-signed', group: 'cert-manager.io' },
        },
      });
      issuer = 'homelab-ca';
      new ClusterIssuer(this, 'Ca', { metadata: { name: issuer }, spec: { ca: { secretName: 'homelab-ca' } } });
    }
    new Certificate(this, 'Wildcard', {
      metadata: { name: WILDCARD_SECRET, namespace: INGRESS_NAMESPACE },
      spec: {
        secretName: WILDCARD_SECRET,
        dnsNames: [spec.domain, `*.${spec.domain}`],
        issuerRef: { kind: 'ClusterIssuer', name: issuer, group: 'cert-manager.io' },
      },
    });
    const allowedRoutes = { namespaces: { from: GatewaySpecListenersAllowedRoutesNamespacesFrom.ALL } };
    new Gateway(this, 'Gateway', {
      metadata: { name: GATEWAY.name, namespace: INGRESS_NAMESPACE },
      spec: {
        gatewayClassName: GATEWAY_CLASS,
        listeners: [
          { name: GATEWAY.httpListener, port: TRAEFIK_PORTS.web, protocol: 'HTTP', allowedRoutes },
          {
            name: GATEWAY.httpsListener,
            port: TRAEFIK_PORTS.websecure,
            protocol: 'HTTPS',
            hostname: `*.${spec.domain}`,
            tls: { mode: GatewaySpecListenersTlsMode.TERMINATE, certificateRefs: [{ name: WILDCARD_SECRET }] },
            allowedRoutes,
          },
        ],
      },
    });
  }
}
