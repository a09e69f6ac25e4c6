import { STAGES } from '../../charts/stages';
import { NetworkBaselineCheck } from '../../lib/checks';
import { renderCluster } from '../../lib/render';
import { loadSpec } from '../../lib/spec/load-spec';
import { defaultSpecText } from '../helpers';

describe('NetworkBaselineCheck', () => {
  const cluster = renderCluster(loadSpec(defaultSpecText(), 'cluster.yaml'), STAGES);

  test('finds nothing when every namespace carries the baseline', async () => {
    expect(await new NetworkBaselineCheck().run(cluster)).toEqual([]);
  });

  test('fails when a namespace lacks its default-deny policy', async () => {
    // GIVEN the traefik namespace's default deny removed
    const objects = cluster.objects.filter((o) => !(o.manifest.kind === 'NetworkPolicy' && o.manifest.metadata.namespace === 'traefik' && o.manifest.metadata.name === 'default-deny-ingress'));
    // WHEN
    const findings = await new NetworkBaselineCheck('error').run({ ...cluster, objects });
    // THEN
    expect(findings).toEqual([
      {
        severity: 'error',
        check: 'network-baseline',
        message:
          'dist/ingress-controllers/namespace-traefik.yaml: Namespace/traefik: has no default-deny-ingress NetworkPolicy; ' +
          'add a NetworkPolicyBaseline (lib/k8s/network-policy-baseline.ts) for it',
      },
    ]);
  });
});
