import { App, Chart, Testing } from 'cdk8s';
import * as k8s from 'cdk8s-plus-33/lib/imports/k8s';
import { HomelabNamespace, SCRAPE_TARGETS_CONTEXT } from '../../lib/k8s/homelab-namespace';
import { LoadBalancerService } from '../../lib/k8s/load-balancer-service';
import { loadSpec } from '../../lib/services/registry';
import { DataVolume } from '../../lib/storage/data-volume';
import { renderSpec } from '../helpers-render';
import { defaultSpecText, testApp } from '../helpers';

/* What runs in a namespace opens what it needs: each grant, and nothing without one. */

const policy = (chart: Chart, name: string) => Testing.synth(chart).find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === name);

describe('grants', () => {
  test('GIVEN a scrape target in the namespace THEN Prometheus alone may reach that port; another namespace stays closed', () => {
    // GIVEN the app's scrape targets (the renderer sets them from the cluster's scrape jobs)
    const app = testApp();
    app.node.setContext(SCRAPE_TARGETS_CONTEXT, [{ namespace: 'edge', port: 9100 }]);
    const chart = new Chart(app, 'Test');
    // WHEN
    new HomelabNamespace(chart, 'Edge', { name: 'edge' });
    new HomelabNamespace(chart, 'Other', { name: 'other' });
    // THEN
    const allows = Testing.synth(chart).filter((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'allow-prometheus');
    expect(allows.map((o) => [o.metadata.namespace, o.spec.ingress])).toEqual([
      ['edge', [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'observability' } } }], ports: [{ port: 9100, protocol: 'TCP' }] }]],
    ]);
  });

  test('GIVEN the shipped cluster THEN the scrape jobs open Traefik and cert-manager to Prometheus, and without monitoring they do not', () => {
    const allow = (text: string): Record<string, unknown> =>
      Object.fromEntries(
        renderSpec(text)
          .objects.filter((o) => o.manifest.kind === 'NetworkPolicy' && o.manifest.metadata.name === 'allow-prometheus')
          .map((o) => [o.manifest.metadata.namespace, o.manifest.spec.ingress[0].ports]),
      );
    expect(allow(defaultSpecText())).toEqual({ traefik: [{ port: 9100, protocol: 'TCP' }], 'cert-manager': [{ port: 9402, protocol: 'TCP' }] });
    const unmonitored = defaultSpecText().replace(/\n {2}observability:\n {4}enabled: true\n/, '\n  observability:\n    enabled: false\n');
    expect(unmonitored).toContain('enabled: false\n    retentionDays');
    expect(allow(unmonitored)).toEqual({});
  });

  test('GIVEN a LoadBalancer THEN its target ports open themselves, each once, and a named target port is refused', () => {
    const chart = new Chart(testApp(), 'Test');
    const namespace = new HomelabNamespace(chart, 'Ns', { name: 'games' });
    const port = (name: string, n: number, protocol: string): k8s.ServicePort => ({ name, port: n, targetPort: k8s.IntOrString.fromNumber(n), protocol });
    new LoadBalancerService(chart, 'A', { namespace, name: 'a', spec: { selector: { app: 'a' }, ports: [port('tcp', 25565, 'TCP'), port('udp', 25565, 'UDP')] } });
    new LoadBalancerService(chart, 'B', { namespace, name: 'b', spec: { selector: { app: 'b' }, ports: [port('tcp', 25565, 'TCP')] } });
    expect(policy(chart, 'allow-exposed-ports')?.spec.ingress).toEqual([{ ports: [{ port: 25565, protocol: 'TCP' }, { port: 25565, protocol: 'UDP' }] }]);
    expect(() => new LoadBalancerService(chart, 'C', { namespace, name: 'c', spec: { ports: [{ name: 'web', port: 80, targetPort: k8s.IntOrString.fromString('http') }] } })).toThrow(
      'LoadBalancer games/c: port web names its target port; give the number, so that the network policy can open it',
    );
  });

  test('GIVEN a claim in a namespace THEN the namespace is marked as holding data; without one it is not', () => {
    const spec = loadSpec(defaultSpecText(), 'cluster.yaml');
    const chart = new Chart(new App(), 'Test');
    const data = new HomelabNamespace(chart, 'Data', { name: 'data' });
    new HomelabNamespace(chart, 'Empty', { name: 'empty' });
    new DataVolume(chart, 'Claim', { spec, name: 'x', namespace: data, dataset: 'apps', sizeGiB: 1 });
    const annotations = Object.fromEntries(Testing.synth(chart).filter((o) => o.kind === 'Namespace').map((o) => [o.metadata.name, o.metadata.annotations]));
    expect(annotations).toEqual({ data: { 'kustomize.toolkit.fluxcd.io/prune': 'disabled' }, empty: undefined });
  });
});
