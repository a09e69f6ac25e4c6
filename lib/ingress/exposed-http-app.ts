import { Construct } from 'constructs';
import { HttpRoute } from '../../imports/gateway.networking.k8s.io';
import { HomelabNamespace } from '../k8s/homelab-namespace';
import { ClusterSpec } from '../spec/schema';
import { GATEWAY } from './gateway';

export interface ExposedHttpAppProps {
  readonly spec: ClusterSpec;
  /** The app's name; it is served at `https://<name>.<domain>`. */
  readonly name: string;
  /** Namespace of the app and its Service: exposing the app grants the ingress controller its way in. */
  readonly namespace: HomelabNamespace;
  /** The Service in front of the app. */
  readonly serviceName: string;
  readonly servicePort: number;
}

/**
 * Publishes an HTTP app by host name under the cluster's domain, over HTTPS, and opens the
 * app's namespace to the ingress controller: a route without that allow cannot be built.
 */
export class ExposedHttpApp extends Construct {
  /** `<name>.<domain>`. */
  public readonly hostname: string;

  constructor(scope: Construct, id: string, props: ExposedHttpAppProps) {
    super(scope, id);
    this.hostname = `${props.name}.${props.spec.domain}`;
    props.namespace.allowIngressController();
    new HttpRoute(this, 'Route', {
      metadata: { name: props.name, namespace: props.namespace.name },
      spec: {
        parentRefs: [{ name: GATEWAY.name, namespace: GATEWAY.namespace, sectionName: GATEWAY.httpsListener }],
        hostnames: [this.hostname],
        rules: [{ backendRefs: [{ name: props.serviceName, port: props.servicePort }] }],
      },
    });
  }
}
