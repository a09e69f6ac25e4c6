import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { PromisesCheck } from '../../lib/checks';
import { UserError } from '../../lib/errors';
import { synthesize } from '../../lib/synth';
import { FIXTURES, fixtureText } from '../helpers';

const sixNodes = fixtureText(join(FIXTURES, 'promises', 'six-nodes.yaml'));

/** The six-node fixture with the ingress and DNS promises set to `seconds`. */
function promising(seconds: number): string {
  const doc = parseDocument(sixNodes);
  doc.setIn(['services', 'ingress', 'failoverWithinSeconds'], seconds);
  doc.setIn(['services', 'dns', 'failoverWithinSeconds'], seconds);
  return doc.toString();
}

const move =
  'MetalLB moves the VIP to a node with a ready replica, 15 s at worst with 6 MetalLB speakers: detection 10 s + suspicion 4 s + announce 1 s (5 s at best); the standby is already ready';

describe('the failover promise is a setting of the service', () => {
  test('GIVEN six nodes and the default-sized 10 s promises WHEN synthesized THEN it is refused, naming each field, the modelled time and the smallest value that holds', async () => {
    // WHEN
    const run = synthesize(promising(10), 'six-nodes.yaml');
    // THEN
    await expect(run).rejects.toThrow(UserError);
    const problems = await run.catch((e: unknown) => (e instanceof UserError ? e.problems : []));
    expect(problems).toEqual([
      `[promises] dist/dns/dns/deployment-coredns.yaml: Deployment/dns/coredns: promises to serve within 10 s of any worker failing (services.dns.failoverWithinSeconds), but when big down it recovers in 15 s: ${move}. A promise holds at worst: the smallest services.dns.failoverWithinSeconds that holds is 15`,
      `[promises] dist/ingress-controllers/traefik/helmrelease-traefik.yaml [traefik/templates/deployment.yaml]: Deployment/traefik/traefik: promises to serve within 10 s of any worker failing (services.ingress.failoverWithinSeconds), but when big down it recovers in 15 s: ${move}. A promise holds at worst: the smallest services.ingress.failoverWithinSeconds that holds is 15`,
    ]);
  });

  test('GIVEN six nodes and 14 s, one short WHEN synthesized THEN still refused; AND GIVEN 15 s THEN accepted with the promise on the workloads', async () => {
    await expect(synthesize(promising(14), 'six-nodes.yaml', { checks: [new PromisesCheck()] })).rejects.toThrow(/services\.ingress\.failoverWithinSeconds\), but when big down it recovers in 15 s/);
    // WHEN
    const { cluster } = await synthesize(sixNodes, 'six-nodes.yaml');
    // THEN
    expect(await new PromisesCheck().run(cluster)).toEqual([]);
    expect(cluster.files.get('dist/dns/dns/deployment-coredns.yaml')).toContain('homelab.dev/failover-within-seconds: "15"');
    expect(cluster.files.get('dist/ingress-controllers/traefik/helmrelease-traefik.yaml')).toContain('homelab.dev/failover-within-seconds: "15"');
  });
});
