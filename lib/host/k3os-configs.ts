import { Construct } from 'constructs';
import { stringifyYaml as stringify } from '../yaml/yaml-memo';
import { admissionConfiguration, ADMISSION_CONFIG_PATH, hardenedNodeConfig, withKubeletKernelParameters } from '../k3s/cis-hardening';
import { agentConfig, auditPolicy, CONTROL_PLANE_TAINT_FLAG, serverConfig, toK3sArgs } from '../k3s/k3s-flags';
import { AUDIT_POLICY_PATH } from '../k3s/k3s-requirements';
import { GeneratedFile } from '../output/generated-file';
import { ClusterSpec, NodeSpec } from '../spec/schema';
import { bootstrapFiles } from './bootstrap-files';
import { KERNEL_MODULES, SYSCTLS } from './host-settings';
import { nodeOs } from './node-os';

/** Replaced by the real token when the image is flashed (README, "Bootstrapping"). */
export const TOKEN_PLACEHOLDER = 'REPLACE_WITH_K3S_TOKEN';

export interface K3osConfigsProps {
  readonly spec: ClusterSpec;
}

/** Where connman (k3OS's network manager) reads provisioning files; names are letters and digits only. */
export const CONNMAN_CONFIG_PATH = '/var/lib/connman/homelab.config';

/**
 * The node's own static address on its (only) wired interface, as a connman provisioning
 * file: without `MAC`, connman applies it to the first Ethernet interface it finds.
 */
export function connmanConfig(spec: ClusterSpec, node: NodeSpec): string {
  const prefix = spec.network.lan.cidr.split('/')[1];
  return [
    '[service_lan]',
    'Type = ethernet',
    `IPv4 = ${node.ip}/${prefix}/${spec.network.lan.gateway}`,
    'IPv6 = off',
    `Nameservers = ${spec.network.lan.dns.join(',')}`,
    `Timeservers = ${spec.access.timeServers.join(',')}`,
    '',
  ].join('\n');
}

/** The k3OS config of one node, as data (rendered to YAML, validated by K3osConfigCheck). */
export function k3osConfig(spec: ClusterSpec, node: NodeSpec): Record<string, unknown> {
  const server = node.role === 'server';
  const k3sArgs = server ? ['server', ...toK3sArgs(serverConfig(spec, node))] : ['agent', ...toK3sArgs({ 'node-ip': node.ip, ...hardenedNodeConfig() })];
  const network = { path: CONNMAN_CONFIG_PATH, content: connmanConfig(spec, node), owner: 'root', permissions: '0644' };
  const writeFiles = server
    ? [
        network,
        { path: AUDIT_POLICY_PATH, content: stringify(auditPolicy()), owner: 'root', permissions: '0600' },
        { path: ADMISSION_CONFIG_PATH, content: stringify(admissionConfiguration()), owner: 'root', permissions: '0600' },
        ...bootstrapFiles(spec).map((f) => ({ path: f.path, content: f.content, owner: 'root', permissions: '0600' })),
      ]
    : [network];
  return {
    hostname: node.name,
    ssh_authorized_keys: [...spec.access.sshAuthorizedKeys],
    ...(writeFiles.length > 0 ? { write_files: writeFiles } : {}),
    k3os: {
      modules: [...KERNEL_MODULES],
      // Applied at boot, before k3s starts: protect-kernel-defaults needs the kubelet's values.
      sysctl: withKubeletKernelParameters(SYSCTLS),
      ntp_servers: [...spec.access.timeServers],
      dns_nameservers: [...spec.network.lan.dns],
      ...(server ? {} : { server_url: agentConfig(spec, node).server as string }),
      token: TOKEN_PLACEHOLDER,
      ...(Object.keys(node.labels).length > 0 ? { labels: { ...node.labels } } : {}),
      ...(server ? { taints: [CONTROL_PLANE_TAINT_FLAG] } : {}),
      k3s_args: k3sArgs,
    },
  };
}

/** The k3OS images to flash: the maintained fork, one release line per k3s version. */
export const K3OS_RELEASES = 'https://github.com/petercb/k3os/releases';

/**
 * The file to write to a node's boot medium, from the fork's release assets: the Raspberry Pi 4
 * disk image for arm64 (boot partition with UEFI firmware and GRUB, then K3OS_STATE), the ISO
 * otherwise (the fork's `Dockerfile` at the release tag builds both).
 */
export function k3osImageUrl(release: string, arch: string): string {
  return `${K3OS_RELEASES}/download/${release}/${arch === 'arm64' ? `k3os-rpi4-${arch}.img` : `k3os-${arch}.iso`}`;
}

/**
 * `host-provisioning/k3os/<node>.yaml` for every k3OS node, and `images.txt`: which release
 * of the k3OS fork (`k3s.k3osRelease`, the one that carries `k3s.version`) and which
 * architecture's image each Pi is flashed with. The upgrade plans move the Pis to the same release.
 */
export class K3osConfigs extends Construct {
  constructor(scope: Construct, id: string, props: K3osConfigsProps) {
    super(scope, id);
    const pis = props.spec.nodes.filter((n) => nodeOs(n).provisioning === 'k3os-config');
    if (pis.length > 0) {
      new GeneratedFile(this, 'Images', {
        path: 'host-provisioning/k3os/images.txt',
        content:
          '# node release architecture download\n' +
          pis.map((n) => `${n.name} ${props.spec.k3s.k3osRelease} ${n.arch} ${k3osImageUrl(props.spec.k3s.k3osRelease!, n.arch)}\n`).join(''),
      });
    }
    for (const node of pis) {
      new GeneratedFile(this, node.name, {
        path: `host-provisioning/k3os/${node.name}.yaml`,
        content: stringify(k3osConfig(props.spec, node), { lineWidth: 0 }),
      });
    }
  }
}
