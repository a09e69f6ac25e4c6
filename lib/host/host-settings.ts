/*
 * Kernel settings every node needs, the same on Debian (Ansible) and k3OS: the modules
 * WireGuard and Kubernetes networking use, and the forwarding that both require (pods
 * inherit IPv4 forwarding from the node; see docs/decisions/0006-wireguard-in-a-pod.md).
 */

export const KERNEL_MODULES = ['wireguard', 'br_netfilter', 'overlay'] as const;

export const SYSCTLS: Readonly<Record<string, string>> = {
  'net.ipv4.ip_forward': '1',
  'net.bridge.bridge-nf-call-iptables': '1',
  'net.bridge.bridge-nf-call-ip6tables': '1',
  'fs.inotify.max_user_instances': '512',
  'fs.inotify.max_user_watches': '524288',
};
