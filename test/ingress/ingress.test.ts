import { Chart, Testing } from 'cdk8s';
import { parse, stringify } from 'yaml';
import { STAGES } from '../../charts/stages';
import { KubernetesSchemaCheck } from '../../lib/checks';
import { UserError } from '../../lib/errors';
import { ExposedHttpApp } from '../../lib/ingress/exposed-http-app';
import { clusterVips } from '../../lib/net/cluster-vips';
import { metallbAnnouncer } from '../../lib/net/metallb-election';
import { renderCluster } from '../../lib/render';
import { loadSpec } from '../../lib/spec/load-spec';
import { defaultSpecText } from '../helpers';

const spec = loadSpec(defaultSpecText(), 'cluster.yaml');

function withIngress(ingress: Record<string, unknown>): string {
  const doc = parse(defaultSpecText());
  doc.services.ingress = ingress;
  return stringify(doc);
}

function objects(text: string): any[] {
  return renderCluster(loadSpec(text, 'spec.yaml'), STAGES).objects.map((o) => o.manifest);
}

describe('Traefik', () => {
  const release = objects(defaultSpecText()).find((m) => m.kind === 'HelmRelease' && m.metadata.name === 'traefik');
  const values = release.spec.values;

  test('runs hot standby on the storage node and the standby node with short failover tolerations', () => {
    expect(values.deployment.replicas).toBe(2);
    expect(values.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values).toEqual([
      'atlas',
      'pi-worker',
    ]);
    expect(values.tolerations.map((t: any) => [t.key, t.tolerationSeconds])).toEqual([
      ['node.kubernetes.io/not-ready', 10],
      ['node.kubernetes.io/unreachable', 10],
    ]);
  });

  test('its Service keeps client addresses and sits on a VIP the storage node announces', () => {
    const vip = clusterVips(spec).vip('ingress');
    expect(values.service.spec.externalTrafficPolicy).toBe('Local');
    expect(values.service.annotations).toEqual({ 'metallb.io/loadBalancerIPs': vip });
    expect(metallbAnnouncer(['atlas', 'pi-worker'], vip)).toBe('atlas');
  });

  test('redirects HTTP to HTTPS and exposes Prometheus metrics', () => {
    expect(values.ports.web.redirections.entryPoint).toEqual({ to: 'websecure', scheme: 'https', permanent: true });
    expect(values.deployment.podAnnotations['prometheus.io/scrape']).toBe('true');
    expect(values.metrics.prometheus.service.enabled).toBe(true);
  });

  test('an explicit ingress VIP is used as given', () => {
    const vip = '192.168.10.200';
    expect(metallbAnnouncer(['atlas', 'pi-worker'], vip)).toBe('atlas');
    const r = objects(withIngress({ enabled: true, vip })).find((m) => m.kind === 'HelmRelease' && m.metadata.name === 'traefik');
    expect(r.spec.values.service.annotations['metallb.io/loadBalancerIPs']).toBe(vip);
  });
});

describe('TLS', () => {
  test('is self-signed by default, with a wildcard certificate for the domain', () => {
    const all = objects(defaultSpecText());
    expect(all.find((m) => m.kind === 'ClusterIssuer').spec).toEqual({ selfSigned: {} });
    expect(all.find((m) => m.kind === 'Certificate').spec.dnsNames).toEqual(['home.example.net', '*.home.example.net']);
  });

  test('uses ACME DNS-01 with the Secret reference when the spec configures it', () => {
    const text = withIngress({
      enabled: true,
      tls: { acme: { email: 'admin@example.net', dns01: { provider: 'cloudflare', apiTokenSecretRef: { name: 'cloudflare', key: 'token' } } } },
    });
    const issuer = objects(text).find((m) => m.kind === 'ClusterIssuer');
    expect(issuer.spec.acme.server).toBe('https://acme-v02.api.letsencrypt.org/directory');
    expect(issuer.spec.acme.solvers).toEqual([
      { selector: { dnsZones: ['home.example.net'] }, dns01: { cloudflare: { apiTokenSecretRef: { name: 'cloudflare', key: 'token' } } } },
    ]);
  });

  test('fails when the ACME block carries a token value instead of a reference', () => {
    const text = withIngress({ enabled: true, tls: { acme: { email: 'admin@example.net', dns01: { provider: 'cloudflare', apiToken: 'abc' } } } });
    expect(() => loadSpec(text, 'spec.yaml')).toThrow(UserError);
    try {
      loadSpec(text, 'spec.yaml');
    } catch (e) {
      expect((e as UserError).problems).toEqual([
        'services.ingress.tls.acme.dns01.apiTokenSecretRef: is required (object)',
        'services.ingress.tls.acme.dns01.apiToken: unknown field; allowed here: provider, apiTokenSecretRef',
      ]);
    }
  });
});

describe('schema check', () => {
  test('every networking and ingress object fits its CRD, the ACME issuer included', async () => {
    const text = withIngress({
      enabled: true,
      tls: { acme: { email: 'admin@example.net', dns01: { provider: 'cloudflare', apiTokenSecretRef: { name: 'cloudflare', key: 'token' } } } },
    });
    const cluster = renderCluster(loadSpec(text, 'spec.yaml'), STAGES);
    expect(await new KubernetesSchemaCheck().run(cluster)).toEqual([]);
  });

  test('fails when a Gateway listener port has the wrong type', async () => {
    const cluster = renderCluster(spec, STAGES);
    const gateway = cluster.objects.find((o) => o.manifest.kind === 'Gateway')!;
    const broken = { ...cluster, objects: [{ ...gateway, manifest: { ...gateway.manifest, spec: { ...gateway.manifest.spec, listeners: [{ ...gateway.manifest.spec.listeners[0], port: '8000' }] } } }] };
    expect((await new KubernetesSchemaCheck().run(broken)).map((f) => f.message)).toEqual([
      'dist/ingress/traefik/gateway-homelab.yaml: Gateway/traefik/homelab: spec.listeners[0].port: must be integer (value: "8000")',
    ]);
  });
});

describe('ingress disabled', () => {
  test('renders no ingress objects', () => {
    const all = renderCluster(loadSpec(withIngress({ enabled: false }), 'spec.yaml'), STAGES).objects;
    expect(all.filter((o) => o.group.startsWith('ingress'))).toEqual([]);
  });
});

describe('ExposedHttpApp', () => {
  test('routes <name>.<domain> on the HTTPS listener to the Service', () => {
    const chart = new Chart(Testing.app(), 'Test');
    const app = new ExposedHttpApp(chart, 'Grafana', { name: 'grafana', domain: 'home.example.net', namespace: 'monitoring', serviceName: 'grafana', servicePort: 3000 });
    expect(app.hostname).toBe('grafana.home.example.net');
    expect(Testing.synth(chart)).toEqual([
      {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'HTTPRoute',
        metadata: { name: 'grafana', namespace: 'monitoring' },
        spec: {
          parentRefs: [{ name: 'homelab', namespace: 'traefik', sectionName: 'websecure' }],
          hostnames: ['grafana.home.example.net'],
          rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [{ name: 'grafana', port: 3000 }] }],
        },
      },
    ]);
  });

  test('fails when the app name is not a DNS label', () => {
    const chart = new Chart(Testing.app(), 'Test');
    expect(() => new ExposedHttpApp(chart, 'Bad', { name: 'My_App', domain: 'home.example.net', namespace: 'x', serviceName: 'x', servicePort: 80 })).toThrow(
      'App name "My_App" must be a DNS label to be served as <name>.home.example.net',
    );
  });
});

describe('stages', () => {
  test('CRD-installing stages come before the stages whose objects need them', () => {
    const order = STAGES.ordered.map((s) => [s.name, s.dependsOn.map((d) => d.name)]);
    expect(order).toEqual([
      ['networking-controllers', []],
      ['networking', ['networking-controllers']],
      ['ingress-controllers', ['networking']],
      ['ingress', ['ingress-controllers']],
    ]);
  });
});
