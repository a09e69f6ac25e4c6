import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { FluxHelmRelease } from '../lib/flux/flux-helm-release';
import { CERT_MANAGER_NAMESPACE, certManagerValues } from '../lib/ingress/cert-manager';
import { INGRESS_NAMESPACE, TRAEFIK_PORTS, TRAEFIK_RELEASE, TRAEFIK_RELEASE_ANNOTATIONS, traefikValues } from '../lib/ingress/traefik';
import { HomelabNamespace } from '../lib/k8s/homelab-namespace';
import { serverNode } from '../lib/spec/nodes';
import { StageChartProps } from '../lib/stages/stage';
import { CERT_MANAGER_CHART, TRAEFIK_CHART } from '../lib/upstream/charts';

/** cert-manager and Traefik (with its GatewayClass), each from its chart. */
export class IngressControllersChart extends Chart {
  constructor(scope: Construct, id: string, props: StageChartProps) {
    super(scope, id);
    const { spec, vips } = props;
    const controlPlaneIp = serverNode(spec).ip;
    // The metrics ports open to Prometheus from its scrape jobs (lib/services/ingress/).
    const certManager = new HomelabNamespace(this, 'CertManagerNamespace', { name: CERT_MANAGER_NAMESPACE });
    // cert-manager's webhook, called by the API server.
    certManager.allowControlPlane(controlPlaneIp);
    const traefik = new HomelabNamespace(this, 'TraefikNamespace', { name: INGRESS_NAMESPACE });
    // The chart's LoadBalancer Service (traefikValues) forwards both entry points to the pods.
    traefik.exposePort({ port: TRAEFIK_PORTS.web, protocol: 'TCP' });
    traefik.exposePort({ port: TRAEFIK_PORTS.websecure, protocol: 'TCP' });
    new FluxHelmRelease(this, 'CertManager', {
      chart: CERT_MANAGER_CHART,
      name: 'cert-manager',
      namespace: CERT_MANAGER_NAMESPACE,
      values: certManagerValues(),
    });
    new FluxHelmRelease(this, 'Traefik', {
      chart: TRAEFIK_CHART,
      name: TRAEFIK_RELEASE,
      namespace: INGRESS_NAMESPACE,
      values: traefikValues(spec, vips),
      annotations: TRAEFIK_RELEASE_ANNOTATIONS,
    });
  }
}
