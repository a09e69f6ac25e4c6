/** Annotations workloads carry to state what they promise or why they are exempt. */
export const ANNOTATIONS = {
  /** The workload must keep serving through any single worker failure, within this many seconds. */
  failoverWithinSeconds: 'homelab.dev/failover-within-seconds',
  /**
   * How clients find a replica again after a failover, when it is more than reconnecting:
   * `wireguard-handshake` (the client re-handshakes on its own timers).
   */
  clientRecovery: 'homelab.dev/client-recovery',
  /** The workload must keep serving while storage and the Kubernetes API are down. */
  stateless: 'homelab.dev/stateless',
  /** Why the workload needs the Kubernetes API (and so a service-account token). */
  usesKubernetesApi: 'homelab.dev/uses-kubernetes-api',
  /** On a Flux Kustomization that applies a CRD bundle: the API group it installs. */
  installsCrds: 'homelab.dev/installs-crds',
  /** Prefix of `homelab.dev/security-exception.<rule>: <reason>`. */
  securityExceptionPrefix: 'homelab.dev/security-exception.',
} as const;
