import { Chart, Testing } from 'cdk8s';
import { HomelabNamespace } from '../../lib/k8s/homelab-namespace';
import { testApp } from '../helpers';

describe('HomelabNamespace', () => {
  test('is restricted by default, with enforce, audit and warn labels', () => {
    const chart = new Chart(testApp(), 'Test');
    new HomelabNamespace(chart, 'Ns', { name: 'apps' });
    expect(Testing.synth(chart)[0].metadata).toEqual({
      name: 'apps',
      labels: {
        'pod-security.kubernetes.io/enforce': 'restricted',
        'pod-security.kubernetes.io/audit': 'restricted',
        'pod-security.kubernetes.io/warn': 'restricted',
      },
    });
  });

  test('a data namespace carries the reason of its level and Flux prune protection', () => {
    const chart = new Chart(testApp(), 'Test');
    const namespace = new HomelabNamespace(chart, 'Ns', { name: 'media', podSecurity: 'baseline', podSecurityReason: 'host network for SSDP' });
    namespace.markHoldsData();
    expect(Testing.synth(chart)[0].metadata.annotations).toEqual({
      'homelab.dev/pod-security-reason': 'host network for SSDP',
      'kustomize.toolkit.fluxcd.io/prune': 'disabled',
    });
  });

  test('fails when a level below restricted has no reason', () => {
    const chart = new Chart(testApp(), 'Test');
    expect(() => new HomelabNamespace(chart, 'Ns', { name: 'x', podSecurity: 'privileged' })).toThrow(
      'Namespace "x" is privileged: podSecurityReason must say why',
    );
  });
});
