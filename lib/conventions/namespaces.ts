/** Namespaces that other namespaces' network policies refer to. */
export const INGRESS_NAMESPACE = 'traefik';
export const MONITORING_NAMESPACE = 'observability';
/** The label Kubernetes puts on every namespace with its own name. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';
/** Where the Tigera operator (Calico's installer) runs. */
export const TIGERA_NAMESPACE = 'tigera-operator';
