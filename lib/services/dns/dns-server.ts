import { createHash } from 'node:crypto';
import { Lazy } from 'cdk8s';
import * as k8s from 'cdk8s-plus-33/lib/imports/k8s';
import { Construct } from 'constructs';
import { UserError } from '../../errors';
import { HomelabNamespace } from '../../k8s/homelab-namespace';
import { LoadBalancerService } from '../../k8s/load-balancer-service';
import { HomelabWorkload, RESTRICTED_CONTAINER } from '../../k8s/homelab-workload';
import { VIP_KEYS } from '../../net/vip-keys';
import { VIP_ANNOTATION, VIP_KEY_ANNOTATION, VipAssignments } from '../../net/vip-allocator';
import { Placement } from '../../placement/placement';
import { standbyNode, storageNode } from '../../spec/nodes';
import { ClusterSpec } from '../../spec/schema';

/** CoreDNS, multi-arch; answers from a zone file only, so it never calls the Kubernetes API. */
export const COREDNS_IMAGE = 'docker.io/coredns/coredns:1.14.7';
export const DNS_NAMESPACE = 'dns';
/** The DNS server must answer again within this many seconds of the x86 node failing. */
export const DNS_FAILOVER_SECONDS = 10;
/** The name of the DNS server itself in the zone. */
export const DNS_SERVER_LABEL = 'dns';
/** Seconds a resolver may cache an answer: short, so a moved VIP is seen within a minute. */
export const RECORD_TTL_SECONDS = 60;

/**
 * Where the rendered configuration says things are, so a test can run the real CoreDNS
 * with the same files at other paths and ports.
 */
export const DNS_PATHS = { config: '/etc/coredns' } as const;
export const DNS_PORTS = {
  /** The pod listens above 1024 (no root, no capability); the Service maps port 53 to it. */
  dns: 1053,
  health: 8080,
  ready: 8181,
  metrics: 9153,
} as const;

/** One A record of the cluster's zone, with what it was derived from (for messages). */
export interface DnsRecord {
  /** The fully qualified name without the trailing dot, e.g. `grafana.home.example.net`. */
  readonly name: string;
  readonly address: string;
  readonly source: string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Manifest = any;

/**
 * The names the cluster serves, derived from what is rendered: every HTTPRoute host name
 * under the domain points at the ingress VIP, every LoadBalancer Service at its VIP as
 * `<service>.<domain>`, every node at its address as `<node>.<domain>`, the DNS server at
 * its own VIP, and the WireGuard endpoint, when it is a name in the domain, at the VPN's VIP
 * (so devices at home dial it directly). Two sources that want one name for different
 * addresses are a user error naming both.
 */
export function dnsRecords(spec: ClusterSpec, vips: VipAssignments, manifests: readonly Manifest[]): DnsRecord[] {
  const domain = spec.domain.toLowerCase();
  const inZone = (name: string): boolean => name.toLowerCase().endsWith(`.${domain}`);
  const wanted: DnsRecord[] = [
    { name: `${DNS_SERVER_LABEL}.${domain}`, address: vips.get(VIP_KEYS.dns), source: 'services.dns' },
    ...spec.nodes.map((n) => ({ name: `${n.name}.${domain}`, address: n.ip, source: `node ${n.name}` })),
  ];
  for (const m of manifests) {
    const where = `${m.kind}/${m.metadata?.namespace ? `${m.metadata.namespace}/` : ''}${m.metadata?.name}`;
    if (m.kind === 'HTTPRoute') {
      for (const host of (m.spec?.hostnames ?? []) as string[]) {
        if (inZone(host) && !host.startsWith('*.')) {
          wanted.push({ name: host.toLowerCase(), address: vips.get(VIP_KEYS.ingress), source: where });
        }
      }
    } else if (m.kind === 'Service' && m.spec?.type === 'LoadBalancer') {
      const addresses = String(m.metadata?.annotations?.[VIP_ANNOTATION] ?? '').split(',').filter((a) => a !== '');
      if (addresses.length !== 1) {
        throw new Error(`${where} is a LoadBalancer without exactly one ${VIP_ANNOTATION} address`);
      }
      wanted.push({ name: `${m.metadata.name}.${domain}`, address: addresses[0], source: where });
    }
  }
  const wg = spec.services.wireguard;
  if (wg.enabled && wg.endpoint !== undefined && inZone(wg.endpoint)) {
    wanted.push({ name: wg.endpoint.toLowerCase(), address: vips.get(VIP_KEYS.wireguard), source: 'services.wireguard.endpoint' });
  }

  const byName = new Map<string, DnsRecord>();
  const problems: string[] = [];
  for (const r of wanted) {
    const seen = byName.get(r.name);
    if (seen === undefined) {
      byName.set(r.name, r);
    } else if (seen.address !== r.address) {
      problems.push(
        `${r.name}: ${seen.source} wants ${seen.address} and ${r.source} wants ${r.address}; ` +
          'a name in the cluster zone points at one address: rename one of them',
      );
    }
  }
  if (problems.length > 0) {
    throw new UserError(`The DNS zone of ${domain} has ${problems.length} conflicting name${problems.length > 1 ? 's' : ''}:`, problems);
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * The zone file (RFC 1035 master format). The serial is derived from the records, so it
 * changes exactly when they do: CoreDNS reloads a zone whose SOA serial differs.
 */
export function zoneFile(spec: ClusterSpec, records: readonly DnsRecord[]): string {
  const domain = spec.domain.toLowerCase();
  const body = records.map((r) => `${relativeName(r.name, domain).padEnd(24)} IN A     ${r.address}`);
  const serial = (createHash('sha256').update(body.join('\n')).digest().readUInt32BE(0) % 0x7fffffff) + 1;
  return [
    `$ORIGIN ${domain}.`,
    `$TTL ${RECORD_TTL_SECONDS}`,
    `@ IN SOA ${DNS_SERVER_LABEL}.${domain}. hostmaster.${domain}. ${serial} 3600 600 86400 ${RECORD_TTL_SECONDS}`,
    `@ IN NS ${DNS_SERVER_LABEL}.${domain}.`,
    ...body,
    '',
  ].join('\n');
}

function relativeName(name: string, domain: string): string {
  return name.slice(0, name.length - domain.length - 1);
}

/** The zone file's name inside the config folder. */
export function zoneFileName(spec: ClusterSpec): string {
  return `db.${spec.domain.toLowerCase()}`;
}

/**
 * The Corefile: authoritative for the domain from the zone file (no fallthrough: the router
 * forwards the domain here, so forwarding its unknown names back would loop), and a caching
 * forwarder to the LAN's DNS for every other name, for clients (WireGuard peers) that use
 * this server for everything.
 */
export function corefile(spec: ClusterSpec): string {
  const domain = spec.domain.toLowerCase();
  return [
    `${domain}:${DNS_PORTS.dns} {`,
    `    file ${DNS_PATHS.config}/${zoneFileName(spec)} {`,
    '        reload 30s',
    '    }',
    '    errors',
    '}',
    `.:${DNS_PORTS.dns} {`,
    `    forward . ${spec.network.lan.dns.join(' ')}`,
    '    cache 300',
    '    errors',
    `    health :${DNS_PORTS.health} {`,
    '        lameduck 5s',
    '    }',
    `    ready :${DNS_PORTS.ready}`,
    `    prometheus :${DNS_PORTS.metrics}`,
    '}',
    '',
  ].join('\n');
}

export interface DnsServerProps {
  readonly spec: ClusterSpec;
  /** The namespace it runs in: what it needs opens there. */
  readonly namespace: HomelabNamespace;
  readonly vips: VipAssignments;
  /**
   * The manifests the zone is derived from, read when the chart is rendered (every other
   * stage has been built by then).
   */
  readonly manifests: () => readonly Manifest[];
}

/**
 * The cluster's DNS server: CoreDNS answering for `<domain>` from a generated zone file in a
 * ConfigMap (no API access, so it keeps answering while the control plane is down), one
 * replica on the x86 node and a running standby on the standby Pi behind a TCP and UDP VIP
 * with `Local` traffic policy, like the ingress.
 */
export class DnsServer extends Construct {
  /** The zone's records, computed when the chart is rendered. */
  public readonly records: () => DnsRecord[];

  constructor(scope: Construct, id: string, props: DnsServerProps) {
    super(scope, id);
    const { spec, vips } = props;
    this.records = () => dnsRecords(spec, vips, props.manifests());
    new k8s.KubeConfigMap(this, 'Config', {
      metadata: { name: 'coredns', namespace: DNS_NAMESPACE },
      data: {
        Corefile: corefile(spec),
        [zoneFileName(spec)]: Lazy.any({ produce: () => zoneFile(spec, this.records()) }),
      },
    });
    const httpProbe = (path: string, port: number, periodSeconds: number): k8s.Probe => ({
      httpGet: { path, port: k8s.IntOrString.fromNumber(port) },
      periodSeconds,
      failureThreshold: 2,
    });
    const workload = new HomelabWorkload(this, 'Server', {
      kind: 'Deployment',
      name: 'coredns',
      namespace: DNS_NAMESPACE,
      component: 'dns',
      placement: Placement.hotStandby(storageNode(spec), standbyNode(spec)),
      failoverWithinSeconds: DNS_FAILOVER_SECONDS,
      stateless: true,
      containers: [
        {
          name: 'coredns',
          image: COREDNS_IMAGE,
          args: ['-conf', `${DNS_PATHS.config}/Corefile`],
          ports: [
            { name: 'dns', containerPort: DNS_PORTS.dns, protocol: 'UDP' },
            { name: 'dns-tcp', containerPort: DNS_PORTS.dns, protocol: 'TCP' },
            { name: 'metrics', containerPort: DNS_PORTS.metrics, protocol: 'TCP' },
          ],
          resources: {
            requests: { cpu: k8s.Quantity.fromString('10m'), memory: k8s.Quantity.fromString('32Mi') },
            limits: { memory: k8s.Quantity.fromString('128Mi') },
          },
          readinessProbe: httpProbe('/ready', DNS_PORTS.ready, 5),
          livenessProbe: { ...httpProbe('/health', DNS_PORTS.health, 30), failureThreshold: 3 },
          // The image's nonroot user (distroless).
          securityContext: { ...RESTRICTED_CONTAINER, runAsUser: 65532, runAsGroup: 65532 },
          volumeMounts: [{ name: 'config', mountPath: DNS_PATHS.config, readOnly: true }],
        },
      ],
      volumes: [{ name: 'config', configMap: { name: 'coredns' } }],
    });
    new LoadBalancerService(this, 'Service', {
      namespace: props.namespace,
      name: 'dns',
      annotations: { [VIP_ANNOTATION]: vips.get(VIP_KEYS.dns), [VIP_KEY_ANNOTATION]: VIP_KEYS.dns },
      spec: {
        externalTrafficPolicy: 'Local',
        selector: workload.selector,
        ports: [
          { name: 'dns', port: 53, targetPort: k8s.IntOrString.fromNumber(DNS_PORTS.dns), protocol: 'UDP' },
          { name: 'dns-tcp', port: 53, targetPort: k8s.IntOrString.fromNumber(DNS_PORTS.dns), protocol: 'TCP' },
        ],
      },
    });
  }
}
