import { networkingServerConfig, serverConfigMismatches } from '../../lib/k3s/k3s-requirements';
import { SPEC } from '../analysis/fixtures';

describe('networkingServerConfig', () => {
  test('asks k3s for no flannel, no built-in network policy, load balancer or Traefik, and the spec CIDRs', () => {
    expect(networkingServerConfig(SPEC)).toEqual({
      'flannel-backend': 'none',
      'disable-network-policy': true,
      disable: ['servicelb', 'traefik'],
      'cluster-cidr': '10.42.0.0/16',
      'service-cidr': '10.43.0.0/16',
    });
  });

  test('the mismatch check passes a config that has what is required', () => {
    expect(serverConfigMismatches(networkingServerConfig(SPEC), { ...networkingServerConfig(SPEC), 'write-kubeconfig-mode': '0600' }, 'k3os/pi-cp.yaml')).toEqual([]);
  });

  test('fails on a flannel backend left on and a missing CIDR, one message each', () => {
    const actual = { ...networkingServerConfig(SPEC), 'flannel-backend': 'vxlan', 'cluster-cidr': undefined };
    expect(serverConfigMismatches(networkingServerConfig(SPEC), actual, 'k3os/pi-cp.yaml')).toEqual([
      'k3os/pi-cp.yaml: k3s flannel-backend is "vxlan", but the networking layer requires "none"',
      'k3os/pi-cp.yaml: k3s cluster-cidr is (not set), but the networking layer requires "10.42.0.0/16"',
    ]);
  });
});
