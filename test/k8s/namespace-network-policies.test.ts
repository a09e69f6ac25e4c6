import { Chart, Testing } from 'cdk8s';
import { NamespaceNetworkPolicies } from '../../lib/k8s/namespace-network-policies';
import { renderSpec } from '../helpers-render';
import { defaultSpecText, testApp } from '../helpers';

describe('NamespaceNetworkPolicies', () => {
  test('with nothing granted: deny all ingress except from the namespace itself', () => {
    const chart = new Chart(testApp(), 'Test');
    new NamespaceNetworkPolicies(chart, 'Net', { namespace: 'apps' });
    expect(Testing.synth(chart).map((p) => [p.metadata.name, p.spec])).toEqual([
      ['default-deny-ingress', { podSelector: {}, policyTypes: ['Ingress'] }],
      ['allow-same-namespace', { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: {} }] }] }],
    ]);
  });

  test('allows exactly the callers it is granted, on their ports, each once', () => {
    const chart = new Chart(testApp(), 'Test');
    const net = new NamespaceNetworkPolicies(chart, 'Net', { namespace: 'edge' });
    net.allowIngressController();
    net.allowPrometheus(9100);
    net.allowControlPlane('10.0.0.2');
    net.exposePort({ port: 8443, protocol: 'TCP' });
    // asked twice: one allow, one port
    net.allowPrometheus(9100);
    net.exposePort({ port: 8443, protocol: 'TCP' });
    net.exposePort({ port: 8443, protocol: 'UDP' });
    const byName = Object.fromEntries(Testing.synth(chart).map((p) => [p.metadata.name, p.spec.ingress]));
    expect(byName).toEqual({
      'default-deny-ingress': undefined,
      'allow-same-namespace': [{ from: [{ podSelector: {} }] }],
      'allow-from-ingress-controller': [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'traefik' } } }] }],
      'allow-prometheus': [
        { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'observability' } } }], ports: [{ port: 9100, protocol: 'TCP' }] },
      ],
      'allow-control-plane': [{ from: [{ ipBlock: { cidr: '10.0.0.2/32' } }] }],
      'allow-exposed-ports': [{ ports: [{ port: 8443, protocol: 'TCP' }, { port: 8443, protocol: 'UDP' }] }],
    });
  });

  test('every namespace the cluster renders has its default-deny-ingress policy', () => {
    const objects = renderSpec(defaultSpecText()).objects.map((o) => o.manifest);
    const namespaces = objects.filter((m) => m.kind === 'Namespace').map((m) => m.metadata.name).sort();
    const denied = objects
      .filter((m) => m.kind === 'NetworkPolicy' && m.metadata.name === 'default-deny-ingress' && m.spec.ingress === undefined)
      .map((m) => m.metadata.namespace)
      .sort();
    expect(namespaces.length).toBeGreaterThan(0);
    // flux-system is k3s's (created by the bootstrap HelmChart), and flux/ carries its baseline.
    expect(denied).toEqual([...namespaces, 'flux-system'].sort());
  });
});
