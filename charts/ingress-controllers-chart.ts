import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { HomelabNamespace } from '../lib/k8s/homelab-namespace';
import { NetworkPolicyBaseline } from '../lib/k8s/network-policy-baseline';
import { TRAEFIK_WEB_PORT, TRAEFIK_WEBSECURE_PORT } from '../lib/ingress/ingress-names';
import { GatewayApiCrds } from '../lib/ingress/gateway-api-crds';
import { traefikValues } from '../lib/ingress/traefik-values';
import { clusterVips } from '../lib/net/cluster-vips';
import { CERT_MANAGER, TRAEFIK } from '../lib/networking/charts';
import { PinnedHelmRelease } from '../lib/networking/pinned-helm-release';
import { StageChartProps } from '../lib/stages/stage';

/** cert-manager's admission webhook port (chart default `webhook.securePort`); the API server calls it. */
const CERT_MANAGER_WEBHOOK_PORT = 10250;

/**
 * Ingress controllers: the Gateway API CRDs, cert-manager (with its CRDs) and Traefik.
 * Empty when services.ingress is disabled.
 */
export class IngressControllersChart extends Chart {
  constructor(scope: Construct, id: string, props: StageChartProps) {
    super(scope, id);
    if (!props.spec.services.ingress.enabled) {
      return;
    }
    new GatewayApiCrds(this, 'GatewayApiCrds');
    new HomelabNamespace(this, 'CertManagerNamespace', { name: CERT_MANAGER.namespace });
    new PinnedHelmRelease(this, 'CertManager', { chart: CERT_MANAGER, values: { crds: { enabled: true, keep: true } } });
    new NetworkPolicyBaseline(this, 'CertManagerNetwork', {
      namespace: CERT_MANAGER.namespace,
      fromAnywhere: [{ port: CERT_MANAGER_WEBHOOK_PORT, protocol: 'TCP' }],
    });
    new HomelabNamespace(this, 'TraefikNamespace', { name: TRAEFIK.namespace });
    new NetworkPolicyBaseline(this, 'TraefikNetwork', {
      namespace: TRAEFIK.namespace,
      fromAnywhere: [
        { port: TRAEFIK_WEB_PORT, protocol: 'TCP' },
        { port: TRAEFIK_WEBSECURE_PORT, protocol: 'TCP' },
      ],
    });
    new PinnedHelmRelease(this, 'Traefik', { chart: TRAEFIK, values: traefikValues(props.spec, clusterVips(props.spec)) });
  }
}
