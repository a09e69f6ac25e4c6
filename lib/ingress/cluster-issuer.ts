import { Construct } from 'constructs';
import { ClusterIssuer, ClusterIssuerSpec } from '../../imports/cert-manager.io';
import { ClusterSpec } from '../spec/schema';
import { CLUSTER_ISSUER } from './ingress-names';

export interface HomelabClusterIssuerProps {
  readonly spec: ClusterSpec;
}

/**
 * The cert-manager ClusterIssuer of the cluster: ACME with a DNS-01 solver when
 * services.ingress.tls.acme is set (the DNS provider's credentials by Secret reference
 * only), otherwise a self-signed issuer, so HTTPS works with no account anywhere.
 */
export class HomelabClusterIssuer extends Construct {
  public readonly kind: 'acme' | 'selfSigned';

  constructor(scope: Construct, id: string, props: HomelabClusterIssuerProps) {
    super(scope, id);
    const acme = props.spec.services.ingress.tls.acme;
    this.kind = acme ? 'acme' : 'selfSigned';
    const spec: ClusterIssuerSpec = acme
      ? {
          acme: {
            email: acme.email,
            server: acme.server,
            privateKeySecretRef: { name: `${CLUSTER_ISSUER}-acme-account` },
            solvers: [
              {
                selector: { dnsZones: [props.spec.domain] },
                dns01: {
                  cloudflare: {
                    apiTokenSecretRef: { name: acme.dns01.apiTokenSecretRef.name, key: acme.dns01.apiTokenSecretRef.key },
                  },
                },
              },
            ],
          },
        }
      : { selfSigned: {} };
    new ClusterIssuer(this, 'Resource', { metadata: { name: CLUSTER_ISSUER }, spec });
  }
}
