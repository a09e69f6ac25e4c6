/**
 * A file the control plane's k3s applies from its auto-deploy folder at start
 * (`K3S_MANIFESTS_DIR`), before any pod network or Flux exists: the CNI first, then Flux.
 * The producers are listed in charts/bootstrap-manifests.ts; host provisioning writes
 * the files into the server's k3OS config.
 */
export interface BootstrapManifest {
  /** File name inside the auto-deploy folder; k3s applies them in name order. */
  readonly fileName: string;
  /** The Kubernetes objects in the file. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly objects: readonly any[];
  /** The pod network itself: without it (and `flannel-backend: none`) no pod starts. */
  readonly cni?: boolean;
}
