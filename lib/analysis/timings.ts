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
 * MetalLB's speakers find each other with hashicorp/memberlist: MetalLB v0.16.1
 * (internal/speakerlist/speakerlist.go) uses `memberlist.DefaultLANConfig()` unless a
 * memberlist config file is mounted (none is). Its defaults (memberlist config.go):
 */
export const MEMBERLIST = {
  /** Each member probes one other member per interval, round robin. */
  probeIntervalSeconds: 1,
  /** A direct probe fails after this; indirect probes then run to the end of the interval. */
  probeTimeoutSeconds: 0.5,
  /** Suspicion lasts SuspicionMult × max(1, log10(n)) × interval (util.go suspicionTimeout). */
  suspicionMult: 4,
} as const;

/**
 * How long a VIP takes to move when the node announcing it dies, in a cluster of `members`
 * speakers (one per node): the dead member is probed by some live one within (n − 1)
 * intervals (round robin), suspected at the end of that interval, declared dead after the
 * suspicion timeout (with n − 2 < SuspicionMult − 2 nobody is asked to confirm, so it is the
 * minimum, state.go suspectNode), then the speakers resync and the new announcer sends a
 * gratuitous ARP (1 s allowed for that, an estimate).
 */
export function vipFailoverSeconds(members: number): { readonly min: number; readonly max: number } {
  const m = MEMBERLIST;
  const suspicion = m.suspicionMult * Math.max(1, Math.log10(Math.max(1, members))) * m.probeIntervalSeconds;
  const announce = 1;
  return {
    min: m.probeTimeoutSeconds + m.probeIntervalSeconds / 2 + suspicion,
    max: Math.max(1, members - 1) * m.probeIntervalSeconds + m.probeIntervalSeconds + suspicion + announce,
  };
}

/** The worst VIP move in the shipped cluster's size (3 nodes): 2 + 1 + 4 + 1 = 8 s. */
export const METALLB_FAILOVER_SECONDS = vipFailoverSeconds(3).max;

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
