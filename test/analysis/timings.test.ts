import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describeVipFailover, TRAEFIK_READINESS, vipFailoverSeconds, vpnClientRecoverySeconds } from '../../lib/analysis/timings';
import { TRAEFIK_CHART } from '../../lib/upstream/charts';
import { REPO } from '../helpers';

describe('failover timings from the mechanisms', () => {
  test('GIVEN memberlist LAN defaults WHEN a speaker of 3 dies THEN the VIP moves in 5-9 s: probed within 3 intervals, the probe fails, 4 s suspicion, 1 s to announce', () => {
    expect(vipFailoverSeconds(3)).toEqual({ members: 3, min: 5, max: 9, detection: 4, suspicion: 4, announce: 1 });
  });

  test('GIVEN 6 speakers WHEN one dies THEN the worst case is 15 s: up to 2 × 5 − 1 intervals until a live one probes it', () => {
    expect(vipFailoverSeconds(6)).toEqual({ members: 6, min: 5, max: 15, detection: 10, suspicion: 4, announce: 1 });
    expect(describeVipFailover(vipFailoverSeconds(6))).toBe('15 s at worst with 6 MetalLB speakers: detection 10 s + suspicion 4 s + announce 1 s (5 s at best)');
  });

  test('GIVEN 20 speakers WHEN one dies THEN the suspicion grows with log10 n, to 3 decimals as memberlist computes it', () => {
    // 4 × 1.301 (log10 20 = 1.30103) = 5.204 s
    expect(vipFailoverSeconds(20)).toEqual({ members: 20, min: 6.204, max: 44.204, detection: 38, suspicion: 5.204, announce: 1 });
  });

  test('GIVEN WireGuard timers WHEN the VIP moves before the 15 s re-handshake THEN a client is back after about 16 s', () => {
    expect(vpnClientRecoverySeconds(9)).toBe(16);
    // a VIP that moves after the first re-handshake costs a Rekey-Timeout retry
    expect(vpnClientRecoverySeconds(17)).toBe(21);
  });
});

describe("Traefik's readiness, from its chart", () => {
  test('GIVEN the packaged chart WHEN its values are read THEN the readiness probe is the one timings.ts states', () => {
    const tgz = join(REPO, '..', 'shared', 'charts', `traefik-${TRAEFIK_CHART.version}.tgz`);
    const out = spawnSync('tar', ['-xzOf', tgz, 'traefik/values.yaml'], { encoding: 'utf8' });
    expect(out.status).toBe(0);
    const probe = parse(out.stdout).readinessProbe;
    expect({ initialDelaySeconds: probe.initialDelaySeconds, periodSeconds: probe.periodSeconds, failureThreshold: probe.failureThreshold }).toEqual(
      TRAEFIK_READINESS,
    );
  });
});
