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
 * MetalLB's speakers find a dead speaker with hashicorp/memberlist. MetalLB v0.16.1 (the chart
 * this project pins) requires memberlist v0.5.1 (go.mod), and internal/speakerlist/speakerlist.go
 * starts from `memberlist.DefaultLANConfig()`; it replaces the whole config only when a ConfigMap
 * `metallb-memberlist-config` is mounted at /etc/metallb/memberlist/config.json (the chart's
 * speaker.yaml mounts it `optional: true`; this project ships none), so these defaults of
 * memberlist config.go (v0.5.1) apply:
 */
export const MEMBERLIST = {
  /** state.go probe(): one member probed per interval, in order over the member list. */
  probeIntervalSeconds: 1,
  /** probeNode(): the direct UDP ping gets this long, then indirect and TCP pings run to the interval's end. */
  probeTimeoutSeconds: 0.5,
  /** util.go suspicionTimeout(): the shortest suspicion is SuspicionMult × max(1, log10 n) intervals. */
  suspicionMult: 4,
  /** The longest suspicion, while confirmations are missing, is SuspicionMaxTimeoutMult × the shortest. */
  suspicionMaxTimeoutMult: 6,
} as const;

/** How a VIP moves when the node announcing it dies, in a cluster of `members` speakers. */
export interface VipFailover {
  /** MetalLB speakers, one per node. */
  readonly members: number;
  /** The best case, seconds: a probe starts as the node dies, every confirmation comes at once. */
  readonly min: number;
  /** The worst case, seconds: detection + suspicion + announce. */
  readonly max: number;
  /** Worst case until a live speaker's probe of the dead one has failed, seconds. */
  readonly detection: number;
  /** The suspicion timeout that then runs before the node is declared dead, seconds. */
  readonly suspicion: number;
  /** Allowed for the news to reach the other speakers and for the new announcer's gratuitous ARP, seconds. */
  readonly announce: number;
}

/**
 * The VIP move, from memberlist v0.5.1's state.go, suspicion.go and util.go:
 * - detection: each member probes the others one per interval, over its node list shuffled at
 *   every wrap-around (probe(), resetNodes()). A member that probed the node just before it died
 *   may have it last in its next round: 2 (n − 1) − 1 intervals until its next probe, and all
 *   n − 1 live members can be in that position at once. That probe fails 1 interval after it
 *   starts (the ack handler's deadline), and the member suspects the node (suspectNode()).
 * - suspicion: with n < 4 no confirmations are expected (k = 0) and the timer runs the shortest
 *   suspicion timeout; with n ≥ 4 it starts at the longest and reaches the shortest after
 *   k = SuspicionMult − 2 = 2 confirmations from other members. Those come from their own
 *   failed probes, which the detection bound covers too, so the timer fires no later than the
 *   detection bound + the shortest timeout.
 * - announce: the dead node leaves every member's list (the dead message is gossiped every
 *   200 ms, and each member's own timer is running), MetalLB forces a sync on the NodeLeave
 *   event (speakerlist.go memberlistWatchEvents) and the next speaker in the election sends a
 *   gratuitous ARP: 1 s allowed for all of it, an estimate.
 * MetalLB reacts to nothing faster: a suspect member still counts (Members() drops only dead
 * ones), and the layer-2 election (speaker/layer2_controller.go) otherwise looks only at ready
 * endpoints (with `Local` policy) and at NodeNetworkUnavailable, which change after the node is
 * NotReady (NODE_MONITOR_GRACE_SECONDS). Not modelled: memberlist's awareness, which stretches a
 * member's probe interval up to 8× while it misses its own acks (a degraded network).
 */
export function vipFailoverSeconds(members: number): VipFailover {
  const m = MEMBERLIST;
  const n = Math.max(2, members);
  const interval = m.probeIntervalSeconds;
  // util.go keeps 3 decimals of log10(n): time.Duration(nodeScale*1000) * interval / 1000
  const suspicion = (m.suspicionMult * Math.floor(Math.max(1, Math.log10(n)) * 1000) * interval) / 1000;
  const detection = (2 * (n - 1) - 1) * interval + interval;
  const announce = 1;
  return { members, min: interval + suspicion, max: detection + suspicion + announce, detection, suspicion, announce };
}

/** "15 s at worst with 6 MetalLB speakers: detection 10 s + suspicion 4 s + announce 1 s (5 s at best)". */
export function describeVipFailover(v: VipFailover): string {
  return `${v.max} s at worst with ${v.members} MetalLB speakers: detection ${v.detection} s + suspicion ${v.suspicion} s + announce ${v.announce} s (${v.min} s at best)`;
}

/**
 * WireGuard's timers (wireguard-go device/constants.go and timers.go, read at its current
 * head; the whitepaper's protocol constants, which every implementation shares): a peer that sent data and
 * heard nothing back for Keepalive-Timeout + Rekey-Timeout (+ up to 334 ms jitter) starts a
 * new handshake, and retries every Rekey-Timeout (+ jitter) until one is answered. The new
 * server replica has no session, so it drops the client's packets until that handshake.
 */
export const WIREGUARD = {
  rekeyTimeoutSeconds: 5,
  keepaliveTimeoutSeconds: 10,
  jitterMaxSeconds: 0.334,
} as const;

/**
 * How long a VPN user, sending when the server's node dies, waits for the tunnel: the first
 * re-handshake that goes out after the VIP has moved, plus a round trip. Whole seconds, up.
 */
export function vpnClientRecoverySeconds(vipMoveSeconds: number): number {
  const w = WIREGUARD;
  let t = w.keepaliveTimeoutSeconds + w.rekeyTimeoutSeconds + w.jitterMaxSeconds;
  while (t < vipMoveSeconds) {
    t += w.rekeyTimeoutSeconds + w.jitterMaxSeconds;
  }
  return Math.ceil(t + 0.1);
}

/**
 * Traefik's readiness probe as its chart sets it (traefik 41.3.0 values.yaml; this project
 * does not override it): a started Traefik is ready 2-12 s later, and a failing one leaves
 * the endpoints after one failed probe, within 10 s. The standby replica is already ready, so
 * a failover waits only for the VIP; the move back to a returning x86 node waits for this.
 */
export const TRAEFIK_READINESS = { initialDelaySeconds: 2, periodSeconds: 10, failureThreshold: 1 } as const;

/** Time a rescheduled pod needs to pull (cached) images and pass readiness, assumed. */
export const POD_START_SECONDS = 30;
