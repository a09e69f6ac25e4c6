import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parse } from 'yaml';
import { TRAEFIK_READINESS, vipFailoverSeconds, vpnClientRecoverySeconds } from '../../lib/analysis/timings';
import { TRAEFIK_CHART } from '../../lib/upstream/charts';
import { REPO } from '../helpers';

describe('failover timings from the mechanisms', () => {
  test('GIVEN memberlist LAN defaults WHEN a speaker of 3 dies THEN the VIP moves in 5-8 s; more nodes take longer', () => {
    expect(vipFailoverSeconds(3)).toEqual({ min: 5, max: 8 });
    // 10 speakers: probed within 9 s, suspicion 4 × log10(10) = 4 s
    expect(vipFailoverSeconds(10)).toEqual({ min: 5, max: 15 });
  });

  test('GIVEN WireGuard timers WHEN the VIP moves before the 15 s re-handshake THEN a client is back after about 16 s', () => {
    expect(vpnClientRecoverySeconds(8)).toBe(16);
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
