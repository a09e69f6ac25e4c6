import { Construct } from 'constructs';
import { HttpRoute, HttpRouteSpecRulesMatchesPathType } from '../../imports/gateway.networking.k8s.io';
import { GATEWAY_NAME, HTTPS_LISTENER, INGRESS_NAMESPACE } from './ingress-names';

export interface ExposedHttpAppProps {
  /** The app's name; it is served at `<name>.<domain>`. Must be a DNS label. */
  readonly name: string;
  /** The cluster's domain (spec.domain). */
  readonly domain: string;
  /** Namespace of the app's Service (the HTTPRoute lives there too). */
  readonly namespace: string;
  /** The app's Service. */
  readonly serviceName: string;
  /** The Service port that speaks HTTP. */
  readonly servicePort: number;
}

/**
 * Exposes an HTTP app at `https://<name>.<domain>` through the shared Gateway: one
 * HTTPRoute on the HTTPS listener (whose wildcard certificate covers every app), all
 * paths to the app's Service. Plain HTTP never reaches it: Traefik redirects to HTTPS.
 */
export class ExposedHttpApp extends Construct {
  /** The host name the app answers on. */
  public readonly hostname: string;

  constructor(scope: Construct, id: string, props: ExposedHttpAppProps) {
    super(scope, id);
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(props.name) || props.name.length > 63) {
      throw new Error(`App name "${props.name}" must be a DNS label to be served as <name>.${props.domain}`);
    }
    this.hostname = `${props.name}.${props.domain}`;
    new HttpRoute(this, 'Route', {
      metadata: { name: props.name, namespace: props.namespace },
      spec: {
        parentRefs: [{ name: GATEWAY_NAME, namespace: INGRESS_NAMESPACE, sectionName: HTTPS_LISTENER }],
        hostnames: [this.hostname],
        rules: [
          {
            matches: [{ path: { type: HttpRouteSpecRulesMatchesPathType.PATH_PREFIX, value: '/' } }],
            backendRefs: [{ name: props.serviceName, port: props.servicePort }],
          },
        ],
      },
    });
  }
}
