import { INGRESS_NAMESPACE } from '../conventions/namespaces';

/** The one Gateway of the cluster; every HTTPRoute attaches to its HTTPS listener. */
export const GATEWAY = { name: 'homelab', namespace: INGRESS_NAMESPACE, httpListener: 'web', httpsListener: 'websecure' } as const;
/** The Secret holding the `*.<domain>` certificate. */
export const WILDCARD_SECRET = 'wildcard-tls';
