import { Chart, Testing } from 'cdk8s';
import { NetworkPolicyBaseline } from '../../lib/k8s/network-policy-baseline';

describe('NetworkPolicyBaseline', () => {
  test('denies all ingress, then allows the ingress controller and Prometheus on metrics ports', () => {
    // GIVEN
    const chart = new Chart(Testing.app(), 'Test');
    // WHEN
    new NetworkPolicyBaseline(chart, 'Net', { namespace: 'apps' });
    // THEN
    const policies = Testing.synth(chart);
    expect(policies.map((p) => [p.metadata.namespace, p.metadata.name, p.spec.policyTypes, p.spec.podSelector])).toEqual([
      ['apps', 'default-deny-ingress', ['Ingress'], {}],
      ['apps', 'allow-from-ingress-controller', ['Ingress'], {}],
      ['apps', 'allow-prometheus-metrics', ['Ingress'], {}],
    ]);
    expect(policies[0].spec.ingress).toEqual([]);
    expect(policies[1].spec.ingress).toEqual([{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'traefik' } } }] }]);
    expect(policies[2].spec.ingress).toEqual([
      { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }], ports: [{ port: 'metrics', protocol: 'TCP' }] },
    ]);
  });

  test('opens only the declared ports to every source', () => {
    const chart = new Chart(Testing.app(), 'Test');
    new NetworkPolicyBaseline(chart, 'Net', { namespace: 'edge', fromAnywhere: [{ port: 8443, protocol: 'TCP' }, { port: 'dns', protocol: 'UDP' }] });
    const policies = Testing.synth(chart);
    expect(policies.map((p) => p.metadata.name)).toEqual([
      'default-deny-ingress',
      'allow-from-ingress-controller',
      'allow-prometheus-metrics',
      'allow-declared-ports',
    ]);
    expect(policies[3].spec.ingress).toEqual([
      { from: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ port: 8443, protocol: 'TCP' }, { port: 'dns', protocol: 'UDP' }] },
    ]);
  });
});
