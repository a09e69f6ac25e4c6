import { PriorityClassCheck, ProbeCheck, unusedProbeExceptions } from '../../lib/checks/workload-health-check';
import { RenderedCluster } from '../../lib/output/rendered';
import { synthesize } from '../../lib/synth';
import { defaultSpecText, fixtures } from '../helpers';

/* PriorityClasses and probes on every long-running workload, ours and the charts'. */

let shipped: RenderedCluster;
beforeAll(async () => {
  shipped = (await synthesize(defaultSpecText(), 'cluster.yaml', { checks: [] })).cluster;
});

/** The cluster with one rendered object changed (a deep copy: the original stays). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function mutate(cluster: RenderedCluster, id: string, change: (manifest: any) => void): RenderedCluster {
  const copy = (list: RenderedCluster['objects']) =>
    list.map((o) => {
      if (`${o.manifest.kind}/${o.manifest.metadata?.namespace}/${o.manifest.metadata?.name}` !== id) return o;
      const manifest = structuredClone(o.manifest);
      change(manifest);
      return { ...o, manifest };
    });
  return { ...cluster, objects: copy(cluster.objects), chartObjects: copy(cluster.chartObjects) };
}

const messages = async (check: PriorityClassCheck | ProbeCheck, cluster: RenderedCluster) => (await check.run(cluster)).map((f) => f.message);

describe('priority classes', () => {
  test.each([['cluster.yaml', defaultSpecText()], ...fixtures('valid')])('GIVEN %s THEN every long-running pod, charts included, has an existing class in the design order', async (name, text) => {
    const { cluster } = await synthesize(text, name, { checks: [] });
    expect(await messages(new PriorityClassCheck(), cluster)).toEqual([]);
    const games = cluster.objects.find((o) => o.manifest.kind === 'Deployment' && o.manifest.metadata.namespace === 'games');
    if (games) expect(games.manifest.spec.template.spec.priorityClassName).toBe('homelab-games');
  });

  test('GIVEN a workload without a class THEN the check names it', async () => {
    const broken = mutate(shipped, 'Deployment/home/home-assistant', (m) => delete m.spec.template.spec.priorityClassName);
    expect(await messages(new PriorityClassCheck(), broken)).toEqual([
      'dist/home/home/deployment-home-assistant.yaml: Deployment/home/home-assistant: no priorityClassName; give it one of lib/k8s/priority-classes.ts (its namespace\'s tier) so eviction and preemption follow the design',
    ]);
  });

  test('GIVEN a chart pod naming a class that is not rendered THEN admission would refuse it, and the check says so', async () => {
    const broken = mutate(shipped, 'Deployment/traefik/traefik', (m) => (m.spec.template.spec.priorityClassName = 'homelab-acess'));
    const found = await messages(new PriorityClassCheck(), broken);
    expect(found).toHaveLength(1);
    expect(found[0]).toContain('Deployment/traefik/traefik: priorityClassName homelab-acess is not rendered and not built in');
  });

  test('GIVEN the game given the access class THEN the order of the design is broken, and the check names both', async () => {
    const broken = mutate(shipped, 'Deployment/games/minecraft', (m) => (m.spec.template.spec.priorityClassName = 'homelab-access'));
    const found = await messages(new PriorityClassCheck(), broken);
    expect(found).toContain('Deployment/vpn/wireguard (priority 1000000) is not above Deployment/games/minecraft (priority 1000000): remote access and names must outlast the apps and games');
    expect(found).toContain('Deployment/games/minecraft (priority 1000000) is not below Deployment/home/home-assistant (priority 1000): games are evicted first');
  });
});

describe('probes', () => {
  test.each([['cluster.yaml', defaultSpecText()], ...fixtures('valid')])('GIVEN %s THEN every long-running container has both probes or a declared reason', async (name, text) => {
    const { cluster } = await synthesize(text, name, { checks: [] });
    expect(await messages(new ProbeCheck(), cluster)).toEqual([]);
  });

  test('every exception of the table matches a container the shipped cluster renders', () => {
    expect(unusedProbeExceptions(shipped)).toEqual([]);
  });

  test('GIVEN Grafana without its liveness probe THEN the check names the container', async () => {
    const broken = mutate(shipped, 'Deployment/observability/grafana', (m) => delete m.spec.template.spec.containers[0].livenessProbe);
    expect(await messages(new ProbeCheck(), broken)).toEqual([
      'dist/observability/observability/deployment-grafana.yaml: Deployment/observability/grafana: container grafana has no livenessProbe; probe the software\'s health endpoint, or declare in lib/k8s/probe-facts.ts why it has none',
    ]);
  });

  test('GIVEN a game with a TCP port but no probes THEN the UDP-only exception does not cover it', async () => {
    const broken = mutate(shipped, 'Deployment/games/minecraft', (m) => {
      delete m.spec.template.spec.containers[0].readinessProbe;
      delete m.spec.template.spec.containers[0].livenessProbe;
    });
    expect((await messages(new ProbeCheck(), broken)).map((m) => m.split(': ').slice(1).join(': '))).toEqual([
      "Deployment/games/minecraft: container server has no readinessProbe; probe the software's health endpoint, or declare in lib/k8s/probe-facts.ts why it has none",
      "Deployment/games/minecraft: container server has no livenessProbe; probe the software's health endpoint, or declare in lib/k8s/probe-facts.ts why it has none",
    ]);
    // and with only UDP ports it does
    const udp = mutate(broken, 'Deployment/games/minecraft', (m) => (m.spec.template.spec.containers[0].ports = [{ name: 'game', containerPort: 2456, protocol: 'UDP' }]));
    expect(await messages(new ProbeCheck(), udp)).toEqual([]);
  });

  test('GIVEN a probe where the table declares none THEN the stale exception is reported', async () => {
    const broken = mutate(shipped, 'Deployment/observability/loki', (m) => (m.spec.template.spec.containers[0].livenessProbe = { httpGet: { path: '/ready', port: 3100 } }));
    const found = await messages(new ProbeCheck(), broken);
    expect(found).toHaveLength(1);
    expect(found[0]).toContain('container loki has a livenessProbe, but lib/k8s/probe-facts.ts says it has none');
  });
});
