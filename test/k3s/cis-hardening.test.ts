import { withKubeletKernelParameters } from '../../lib/k3s/cis-hardening';

describe('withKubeletKernelParameters', () => {
  test('adds the kubelet settings to the others', () => {
    expect(withKubeletKernelParameters({ 'net.ipv4.ip_forward': '1', 'kernel.panic': '10' })).toEqual({
      'net.ipv4.ip_forward': '1',
      'vm.panic_on_oom': '0',
      'vm.overcommit_memory': '1',
      'kernel.panic': '10',
      'kernel.panic_on_oops': '1',
      'kernel.keys.root_maxkeys': '1000000',
      'kernel.keys.root_maxbytes': '25000000',
    });
  });

  test('refuses a setting that contradicts the kubelet instead of overwriting it', () => {
    expect(() => withKubeletKernelParameters({ 'kernel.panic': '30' })).toThrow(
      "kernel setting kernel.panic=30 contradicts the kubelet's kernel.panic=10 (protect-kernel-defaults); use 10",
    );
  });
});
