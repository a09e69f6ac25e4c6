/*
 * The timings that decide how long a failure takes to heal. Each is an upstream default
 * that this project does not change; the source is named so it can be re-checked when the
 * software is upgraded.
 */

/**
 * kube-controller-manager `--node-monitor-grace-period`: how long a node may stop reporting
 * before it is marked NotReady and its endpoints are removed. 50 s since Kubernetes 1.32
 * (kubernetes/kubernetes#126287); k3s does not change it.
 */
export const NODE_MONITOR_GRACE_SECONDS = 50;

/**
 * MetalLB layer 2 with memberlist: a dead speaker is declared failed after the memberlist
 * probe (1 s interval, 500 ms timeout) plus the suspicion timeout (4 × probe interval for a
 * cluster this small), then the next node announces the VIP with a gratuitous ARP.
 */
export const METALLB_FAILOVER_SECONDS = 6;

/** Time a rescheduled pod needs to pull (cached) images and pass readiness, assumed. */
export const POD_START_SECONDS = 30;
