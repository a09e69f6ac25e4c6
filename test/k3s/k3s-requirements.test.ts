import { networkingServerConfig, serverConfigMismatches } from '../../lib/k3s/k3s-requirements';
import { loadSpec } from '../../lib/spec/load-spec';
import { defaultSpecText } from '../helpers';

const spec = loadSpec(defaultSpecText(), 'cluster.yaml');

describe('serverConfigMismatches', () => {
  test('finds nothing when the server config is the required one plus extra keys and items', () => {
    const required = networkingServerConfig(spec);
    const actual = { ...required, disable: ['traefik', 'local-storage', 'servicelb'], 'write-kubeconfig-mode': '0600' };
    expect(serverConfigMismatches(actual, required)).toEqual([]);
  });

  test('fails when flannel is on, servicelb is not disabled and the pod CIDR differs', () => {
    // GIVEN a config that forgot the networking layer's choices
    const actual = {
      'cluster-cidr': '10.52.0.0/16',
      'service-cidr': spec.network.serviceCidr,
      'disable-network-policy': true,
      disable: ['traefik'],
    };
    // WHEN / THEN
    expect(serverConfigMismatches(actual, networkingServerConfig(spec))).toEqual([
      'cluster-cidr: is "10.52.0.0/16", must be "10.42.0.0/16"',
      'disable: is ["traefik"], must include ["servicelb"]',
      'flannel-backend: is missing, must be "none"',
    ]);
  });
});
