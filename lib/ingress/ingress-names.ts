/*
 * Names the ingress layer shares with the layers that expose apps through it.
 */

/** Namespace of Traefik and of the shared Gateway. */
export const INGRESS_NAMESPACE = 'traefik';
/** The GatewayClass Traefik serves. */
export const GATEWAY_CLASS = 'traefik';
/** The one Gateway every HTTPRoute attaches to. */
export const GATEWAY_NAME = 'homelab';
/** The Gateway listener for HTTPS; plain HTTP is redirected to it by Traefik. */
export const HTTPS_LISTENER = 'websecure';
/** Traefik's container ports of its web and websecure entry points (chart defaults). */
export const TRAEFIK_WEB_PORT = 8000;
export const TRAEFIK_WEBSECURE_PORT = 8443;
/** Traefik's Prometheus metrics port (chart default entry point `metrics`). */
export const TRAEFIK_METRICS_PORT = 9100;
/** Pod label the Traefik chart puts on its pods. */
export const TRAEFIK_POD_LABELS = { 'app.kubernetes.io/name': 'traefik' } as const;
/** The Secret holding the wildcard certificate for `*.<domain>`. */
export const WILDCARD_CERTIFICATE_SECRET = 'wildcard-tls';
/** The ClusterIssuer that signs the wildcard certificate. */
export const CLUSTER_ISSUER = 'homelab';
/** Namespace the monitoring layer's Prometheus runs in (allowed to scrape every namespace). */
export const MONITORING_NAMESPACE = 'monitoring';
