import * as k8s from 'cdk8s-plus-33/lib/imports/k8s';
import { Construct } from 'constructs';
import { HomelabNamespace } from '../../k8s/homelab-namespace';
import { LoadBalancerService } from '../../k8s/load-balancer-service';
import { HomelabWorkload } from '../../k8s/homelab-workload';
import { VIP_KEYS } from '../../net/vip-keys';
import { VIP_ANNOTATION, VIP_KEY_ANNOTATION, VipAssignments } from '../../net/vip-allocator';
import { Ipv4Range, numberToIpv4 } from '../../net/ipv4';
import { Placement } from '../../placement/placement';
import { standbyNode, storageNode } from '../../spec/nodes';
import { ClusterSpec } from '../../spec/schema';

/** Multi-arch image with wireguard-tools and iptables; we run wg-quick ourselves, not its init. */
export const WIREGUARD_IMAGE = 'lscr.io/linuxserver/wireguard:1.0.20250521-r1-ls110';
export const VPN_NAMESPACE = 'vpn';
/** Where the server's private key is mounted (beside, not inside, the read-only config). */
const KEYS_DIR = '/etc/wireguard-keys';
/**
 * The VPN must answer again within this many seconds of the x86 node failing, as a client
 * sees it: the VIP moves in about 5-8 s, but a client re-handshakes only 15 s after its first
 * unanswered packet (lib/analysis/timings.ts): about 16 s.
 */
export const VPN_FAILOVER_SECONDS = 20;

type Wireguard = ClusterSpec['services']['wireguard'];

/** What peers may reach: the spec's list, or the LAN and the cluster's services. */
export function peerNetworks(spec: ClusterSpec): string[] {
  return [...(spec.services.wireguard.allowedNetworks ?? [spec.network.lan.cidr, spec.network.serviceCidr])];
}

/** The server's tunnel address: the first host of the tunnel network. */
export function serverTunnelAddress(wg: Wireguard): string {
  const tunnel = Ipv4Range.fromCidr(wg.tunnelCidr);
  return `${numberToIpv4(tunnel.first + 1)}/${wg.tunnelCidr.split('/')[1]}`;
}

/**
 * The server's wg-quick configuration, without its private key: `PostUp` loads the key from
 * the mounted Secret, lets peers reach only the allowed networks, and masquerades their
 * traffic behind the pod (whose own traffic Calico NATs onto the LAN).
 */
export function wireguardServerConfig(spec: ClusterSpec): string {
  const wg = spec.services.wireguard;
  const lines = [
    '[Interface]',
    `Address = ${serverTunnelAddress(wg)}`,
    `ListenPort = ${wg.port}`,
    `PostUp = wg set %i private-key ${KEYS_DIR}/${wg.privateKeySecret.key}`,
    ...peerNetworks(spec).map((cidr) => `PostUp = iptables -A FORWARD -i %i -d ${cidr} -j ACCEPT`),
    'PostUp = iptables -A FORWARD -i %i -j DROP',
    `PostUp = iptables -t nat -A POSTROUTING -s ${wg.tunnelCidr} -o eth0 -j MASQUERADE`,
  ];
  for (const peer of wg.peers) {
    lines.push('', '[Peer]', `# ${peer.name}`, `PublicKey = ${peer.publicKey}`, `AllowedIPs = ${peer.address}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The DNS servers peers use: the spec's `clientDns`, else the cluster's DNS server when the
 * tunnel reaches its VIP (it answers for the domain and forwards everything else), else the
 * LAN's DNS.
 */
export function peerDns(spec: ClusterSpec, vips: VipAssignments): string[] {
  const wg = spec.services.wireguard;
  if (wg.clientDns !== undefined) {
    return [...wg.clientDns];
  }
  if (spec.services.dns.enabled) {
    const vip = vips.get(VIP_KEYS.dns);
    if (peerNetworks(spec).some((cidr) => Ipv4Range.fromCidr(cidr).contains(vip))) {
      return [vip];
    }
  }
  return [...spec.network.lan.dns];
}

/** A client configuration to complete on the peer's device (its private key never leaves it). */
export function wireguardClientTemplate(spec: ClusterSpec, vips: VipAssignments, peerName: string): string {
  const wg = spec.services.wireguard;
  const peer = wg.peers.find((p) => p.name === peerName);
  if (!peer) {
    throw new Error(`No WireGuard peer "${peerName}"`);
  }
  const endpoint = wg.endpoint ?? `${vips.get(VIP_KEYS.wireguard)} (the VIP; from outside, your router's public address forwarded to it)`;
  return [
    '[Interface]',
    `# ${peer.name}: paste the private key generated on this device (wg genkey); its public key is in cluster.yaml`,
    'PrivateKey = <private key of this device>',
    `Address = ${peer.address}`,
    `DNS = ${peerDns(spec, vips).join(', ')}`,
    '',
    '[Peer]',
    '# The server: wg pubkey < (the private key in the Secret ' + `${wg.privateKeySecret.name}/${wg.privateKeySecret.key})`,
    'PublicKey = <public key of the server>',
    `Endpoint = ${endpoint.includes(' ') ? endpoint.replace(' ', `:${wg.port} `) : `${endpoint}:${wg.port}`}`,
    `AllowedIPs = ${[wg.tunnelCidr, ...peerNetworks(spec)].join(', ')}`,
    'PersistentKeepalive = 25',
    '',
  ].join('\n');
}

export interface WireguardServerProps {
  readonly spec: ClusterSpec;
  /** The namespace it runs in: what it needs opens there. */
  readonly namespace: HomelabNamespace;
  readonly vips: VipAssignments;
}

const START = `set -eu
if [ "$(cat /proc/sys/net/ipv4/ip_forward)" != 1 ]; then
  echo "net.ipv4.ip_forward is 0 in this pod: the node must enable IPv4 forwarding (host provisioning does)" >&2
  exit 1
fi
wg-quick up /etc/wireguard/wg0.conf
trap 'wg-quick down /etc/wireguard/wg0.conf; exit 0' TERM INT
while true; do sleep 3600 & wait $!; done
`;

/**
 * The WireGuard server: stateless (peers from a ConfigMap, the key from a Secret, nothing
 * else), one replica on the x86 node and a running standby on the standby Pi, behind a UDP
 * VIP with `Local` traffic policy. IPv4 forwarding comes from the node: a pod's network
 * namespace inherits the host's `net.ipv4.ip_forward` (unsafe sysctls need kubelet flags),
 * and the container refuses to start without it.
 */
export class WireguardServer extends Construct {
  constructor(scope: Construct, id: string, props: WireguardServerProps) {
    super(scope, id);
    const { spec, vips } = props;
    const wg = spec.services.wireguard;
    new k8s.KubeConfigMap(this, 'Config', {
      metadata: { name: 'wireguard', namespace: VPN_NAMESPACE },
      data: { 'wg0.conf': wireguardServerConfig(spec) },
    });
    const probe: k8s.Probe = { exec: { command: ['wg', 'show', 'wg0'] }, periodSeconds: 5, failureThreshold: 2 };
    const workload = new HomelabWorkload(this, 'Server', {
      kind: 'Deployment',
      name: 'wireguard',
      namespace: VPN_NAMESPACE,
      component: 'vpn',
      placement: Placement.hotStandby(storageNode(spec), standbyNode(spec)),
      failoverWithinSeconds: VPN_FAILOVER_SECONDS,
      clientRecovery: 'wireguard-handshake',
      stateless: true,
      securityExceptions: {
        runAsNonRoot: 'creating wg0 and its NAT rules needs CAP_NET_ADMIN in the effective set, which Kubernetes grants only to root (no ambient capabilities)',
        addCapabilities: 'NET_ADMIN, to create the WireGuard interface and its forwarding and NAT rules; nothing else',
      },
      podSecurityContext: { seccompProfile: { type: 'RuntimeDefault' } },
      containers: [
        {
          name: 'wireguard',
          image: WIREGUARD_IMAGE,
          command: ['/bin/bash', '-c', START],
          ports: [{ name: 'wireguard', containerPort: wg.port, protocol: 'UDP' }],
          resources: {
            requests: { cpu: k8s.Quantity.fromString('10m'), memory: k8s.Quantity.fromString('32Mi') },
            limits: { memory: k8s.Quantity.fromString('128Mi') },
          },
          readinessProbe: probe,
          livenessProbe: { ...probe, periodSeconds: 30, failureThreshold: 3 },
          securityContext: {
            runAsUser: 0,
            runAsNonRoot: false,
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ['ALL'], add: ['NET_ADMIN'] },
            seccompProfile: { type: 'RuntimeDefault' },
          },
          volumeMounts: [
            { name: 'config', mountPath: '/etc/wireguard', readOnly: true },
            { name: 'keys', mountPath: KEYS_DIR, readOnly: true },
            { name: 'tmp', mountPath: '/tmp' },
          ],
        },
      ],
      volumes: [
        { name: 'config', configMap: { name: 'wireguard' } },
        {
          name: 'keys',
          secret: {
            secretName: wg.privateKeySecret.name,
            defaultMode: 0o400,
            items: [{ key: wg.privateKeySecret.key, path: wg.privateKeySecret.key }],
          },
        },
        { name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: k8s.Quantity.fromString('16Mi') } },
      ],
    });
    new LoadBalancerService(this, 'Service', {
      namespace: props.namespace,
      name: 'wireguard',
      annotations: { [VIP_ANNOTATION]: vips.get(VIP_KEYS.wireguard), [VIP_KEY_ANNOTATION]: VIP_KEYS.wireguard },
      spec: {
        externalTrafficPolicy: 'Local',
        selector: workload.selector,
        ports: [{ name: 'wireguard', port: wg.port, targetPort: k8s.IntOrString.fromNumber(wg.port), protocol: 'UDP' }],
      },
    });
  }
}
