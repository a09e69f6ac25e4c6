import { Chart, Testing } from 'cdk8s';
import { parse, stringify } from 'yaml';
import { STAGES } from '../../charts/stages';
import { FlowsCheck, KubernetesSchemaCheck } from '../../lib/checks';
import { UserError } from '../../lib/errors';
import { ExposedHttpApp } from '../../lib/ingress/exposed-http-app';
import { HomelabNamespace } from '../../lib/k8s/homelab-namespace';
import { synthesize } from '../../lib/synth';
import { metallbAnnouncer } from '../../lib/net/metallb-election';
import { loadSpec } from '../../lib/services/registry';
import { defaultSpecText, testApp } from '../helpers';
import { renderSpec } from '../helpers-render';
import type { Yaml } from '../../lib/yaml/yaml';

const spec = loadSpec(defaultSpecText(), 'cluster.yaml');

function withIngress(ingress: Record<string, unknown>): string {
  const doc = parse(defaultSpecText());
  doc.services.ingress = ingress;
  return stringify(doc);
}

function manifests(text: string): Yaml[] {
  return renderSpec(text).objects.map((o) => o.manifest);
}

const ACME = {
  issuer: 'acme',
  email: 'admin@example.net',
  dns01: { provider: 'cloudflare', apiTokenSecret: { name: 'cloudflare-api-token', key: 'token' } },
};

describe('Traefik', () => {
  const release = manifests(defaultSpecText()).find((m) => m.kind === 'HelmRelease' && m.spec.chart.spec.chart === 'traefik');
  const values = release.spec.values;

  test('runs hot standby: one replica on the storage node, one on the standby node, short failover tolerations', () => {
    expect(values.deployment.replicas).toBe(2);
    expect(values.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values).toEqual([
      spec.placement.storageNode,
      spec.placement.standbyNode,
    ]);
    expect(values.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey).toBe('kubernetes.io/hostname');
    expect(values.tolerations.map((t: Yaml) => [t.key, t.effect, t.tolerationSeconds])).toEqual([
      ['node.kubernetes.io/not-ready', 'NoExecute', 10],
      ['node.kubernetes.io/unreachable', 'NoExecute', 10],
    ]);
  });

  test('sits on its own VIP, announced by the storage node, with client addresses kept', () => {
    const vip = values.service.annotations['metallb.io/loadBalancerIPs'];
    expect(values.service.spec.externalTrafficPolicy).toBe('Local');
    expect(metallbAnnouncer([spec.placement.storageNode, spec.placement.standbyNode], vip)).toBe(spec.placement.storageNode);
  });

  test('redirects HTTP to HTTPS permanently and serves Prometheus metrics', () => {
    expect(values.ports.web.http.redirections.entryPoint).toEqual({ to: 'websecure', scheme: 'https', permanent: true });
    expect(values.metrics.prometheus.service.enabled).toBe(true);
  });

  test('an explicit ingress VIP the storage node wins is used as given', () => {
    const vip = '192.168.10.200';
    expect(metallbAnnouncer([spec.placement.storageNode, spec.placement.standbyNode], vip)).toBe(spec.placement.storageNode);
    const r = manifests(withIngress({ enabled: true, vip })).find((m) => m.kind === 'HelmRelease' && m.spec.chart.spec.chart === 'traefik');
    expect(r.spec.values.service.annotations['metallb.io/loadBalancerIPs']).toBe(vip);
  });
});

describe('TLS', () => {
  test('without ACME, a self-signed root signs a local CA that issues the wildcard certificate', () => {
    const all = manifests(defaultSpecText());
    const issuers = all.filter((m) => m.kind === 'ClusterIssuer').map((m) => [m.metadata.name, Object.keys(m.spec)]);
    expect(issuers).toEqual(expect.arrayContaining([['self-signed', ['selfSigned']], ['homelab-ca', ['ca']]]));
    const wildcard = all.find((m) => m.kind === 'Certificate' && m.metadata.name === 'wildcard-tls');
    expect(wildcard.spec.dnsNames).toEqual([spec.domain, `*.${spec.domain}`]);
    expect(wildcard.spec.issuerRef.name).toBe('homelab-ca');
  });

  test('with ACME, one DNS-01 ClusterIssuer that names the token Secret and holds no secret value', () => {
    const all = manifests(withIngress({ enabled: true, tls: ACME }));
    const issuers = all.filter((m) => m.kind === 'ClusterIssuer');
    expect(issuers.map((m) => m.metadata.name)).toEqual(['acme']);
    expect(issuers[0].spec.acme.server).toBe('https://acme-v02.api.letsencrypt.org/directory');
    expect(issuers[0].spec.acme.solvers).toEqual([
      { dns01: { cloudflare: { apiTokenSecretRef: { name: 'cloudflare-api-token', key: 'token' } } } },
    ]);
    expect(all.find((m) => m.kind === 'Certificate' && m.metadata.name === 'wildcard-tls').spec.issuerRef.name).toBe('acme');
    expect(all.some((m) => m.kind === 'Secret')).toBe(false);
  });

  test('fails when the ACME block carries a token instead of a Secret reference', () => {
    const text = withIngress({ enabled: true, tls: { ...ACME, dns01: { provider: 'cloudflare', apiToken: 'abc' } } });
    let problems: readonly string[] = [];
    try {
      loadSpec(text, 'spec.yaml');
    } catch (e) {
      problems = (e as UserError).problems;
    }
    expect(problems).toEqual([
      'services.ingress.tls.dns01.apiTokenSecret: is required (object)',
      'services.ingress.tls.dns01.apiToken: unknown field; allowed here: provider, apiTokenSecret',
    ]);
  });
});

test('fails with the fields of the chosen issuer when a self-signed TLS block has ACME fields', () => {
  let problems: readonly string[] = [];
  try {
    loadSpec(withIngress({ enabled: true, tls: { issuer: 'self-signed', email: 'admin@example.net' } }), 'spec.yaml');
  } catch (e) {
    problems = (e as UserError).problems;
  }
  expect(problems).toEqual(['services.ingress.tls.email: unknown field; allowed here: issuer']);
});

describe('schema check', () => {
  test('every networking and ingress object fits its CRD, the ACME issuer included', async () => {
    const cluster = renderSpec(withIngress({ enabled: true, tls: ACME }));
    expect(await new KubernetesSchemaCheck().run(cluster)).toEqual([]);
  });

  test('fails when a Gateway listener port is a string', async () => {
    const cluster = renderSpec(defaultSpecText());
    const gateway = cluster.objects.find((o) => o.manifest.kind === 'Gateway')!;
    const listeners = [{ ...gateway.manifest.spec.listeners[0], port: '8000' }, ...gateway.manifest.spec.listeners.slice(1)];
    const broken = { ...cluster, objects: [{ ...gateway, manifest: { ...gateway.manifest, spec: { ...gateway.manifest.spec, listeners } } }] };
    expect((await new KubernetesSchemaCheck().run(broken)).map((f) => f.message)).toEqual([
      `${gateway.file}: Gateway/traefik/homelab: spec.listeners[0].port: must be integer (value: "8000")`,
    ]);
  });
});

describe('ExposedHttpApp', () => {
  test('routes https://<name>.<domain> through the shared Gateway to the Service', () => {
    const chart = new Chart(testApp(), 'Test');
    const namespace = new HomelabNamespace(chart, 'Namespace', { name: 'observability' });
    const app = new ExposedHttpApp(chart, 'Grafana', { spec, name: 'grafana', namespace, serviceName: 'grafana', servicePort: 3000 });
    expect(app.hostname).toBe(`grafana.${spec.domain}`);
    expect(Testing.synth(chart).filter((o) => o.kind === 'HTTPRoute')).toEqual([
      {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'HTTPRoute',
        metadata: { name: 'grafana', namespace: 'observability' },
        spec: {
          parentRefs: [{ name: 'homelab', namespace: 'traefik', sectionName: 'websecure' }],
          hostnames: [`grafana.${spec.domain}`],
          rules: [{ backendRefs: [{ name: 'grafana', port: 3000 }] }],
        },
      },
    ]);
  });
});

describe('the ingress grant', () => {
  const policies = (chart: Chart): string[] =>
    Testing.synth(chart)
      .filter((o) => o.kind === 'NetworkPolicy')
      .map((o) => o.metadata.name)
      .sort();

  test('GIVEN an app exposed through the ingress THEN its namespace admits the ingress controller, and only it', () => {
    // GIVEN
    const chart = new Chart(testApp(), 'Test');
    const namespace = new HomelabNamespace(chart, 'Namespace', { name: 'media' });
    // WHEN
    new ExposedHttpApp(chart, 'App', { spec, name: 'jellyfin', namespace, serviceName: 'jellyfin', servicePort: 8096 });
    // THEN
    expect(policies(chart)).toEqual(['allow-from-ingress-controller', 'allow-same-namespace', 'default-deny-ingress']);
    const allow = Testing.synth(chart).find((o) => o.metadata.name === 'allow-from-ingress-controller');
    expect(allow.spec.ingress).toEqual([{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'traefik' } } }] }]);
  });

  test('GIVEN a namespace nothing is exposed from THEN it keeps the baseline alone', () => {
    const chart = new Chart(testApp(), 'Test');
    new HomelabNamespace(chart, 'Namespace', { name: 'media' });
    expect(policies(chart)).toEqual(['allow-same-namespace', 'default-deny-ingress']);
  });

  test('GIVEN a route written without the construct (no grant) THEN the flows check catches the blocked backend', async () => {
    // GIVEN the shipped cluster with Grafana's ingress allow taken away, as a hand-written route would leave it
    const { cluster } = await synthesize(defaultSpecText(), 'cluster.yaml', { checks: [] });
    const withoutGrant = {
      ...cluster,
      objects: cluster.objects.filter((o) => !(o.manifest.kind === 'NetworkPolicy' && o.manifest.metadata.namespace === 'observability' && o.manifest.metadata.name === 'allow-from-ingress-controller')),
    };
    // WHEN
    const messages = (await new FlowsCheck().run(withoutGrant)).map((f) => f.message);
    // THEN Traefik's way to Grafana is reported blocked
    expect(messages).toEqual([
      'flow Deployment/traefik/traefik -> Service/observability/grafana:3000/TCP (Deployment/observability/grafana, TCP 3000; backend of HTTPRoute/observability/grafana) is blocked by NetworkPolicy/observability/default-deny-ingress, NetworkPolicy/observability/allow-same-namespace, NetworkPolicy/observability/allow-exposed-ports: no rule admits it',
    ]);
  });
});

describe('stages', () => {
  test('the networking and ingress stages that install CRDs come before the stages that use them', () => {
    const ours = STAGES.ordered.filter((s) => s.name.startsWith('networking') || s.name.startsWith('ingress'));
    expect(ours.map((s) => [s.name, s.dependsOn.map((d) => d.name).sort()])).toEqual([
      ['networking-crds', []],
      ['networking-controllers', ['networking-crds']],
      ['networking', ['networking-controllers']],
      ['ingress-crds', []],
      ['ingress-controllers', ['ingress-crds', 'networking']],
      ['ingress', ['ingress-controllers']],
    ]);
  });
});
