import { z } from 'zod';
import { accessSchema, ipmiWatchdogSchema } from './hosts-schema';
import { ingressSchema } from './networking-schema';
import { observabilitySchema, routerSchema } from './observability-schema';
import { ARCHITECTURES, cidr, dnsLabel, DNS_NAME, ipv4, k3osRelease, k3sVersion, range, timeOfDay } from './primitives';

export { ARCHITECTURES, K3S_VERSION } from './primitives';
import { dlnaSchema, dnsSchema, gameSchema, homeAssistantSchema, MAX_GAMES, wireguardSchema } from './services-schema';
import { storageSchema } from './storage-schema';

/*
 * The shape of cluster.yaml. This one definition gives the TypeScript types
 * (ClusterSpec), the runtime validation (load-spec.ts) and cluster.schema.json
 * (npm run schema) that editors use. Rules that relate two fields live in
 * cross-field-rules.ts, not here.
 */

const nodeSchema = z
  .object({
    name: dnsLabel.describe('Host name; also the Kubernetes node name.'),
    role: z
      .enum(['server', 'agent'])
      .describe('k3s role: exactly one node is the server (control plane); the others are agents (workers).'),
    os: z.enum(['debian', 'k3os']).describe('debian is provisioned with Ansible; k3os nodes get a generated config.yaml.'),
    arch: z.enum(ARCHITECTURES).describe('CPU architecture; images are checked to support it.'),
    debianRelease: z
      .enum(['trixie', 'bookworm'])
      .optional()
      .describe('Debian release of a debian node (default trixie, Debian 13; bookworm, Debian 12, is still accepted). Not for k3os nodes.'),
    ip: ipv4.describe('Static LAN address of the node (outside the DHCP range).'),
    hardware: z
      .object({
        model: z.string().min(1).describe('Free text, e.g. "Raspberry Pi 4B".'),
        cpuCores: z.number().int().min(1),
        memoryGiB: z.number().positive(),
        eccMemory: z.boolean().default(false),
        networkGbps: z.number().positive().default(1),
      })
      .strict(),
    ipmi: z
      .object({
        address: ipv4.describe('Address of the BMC on the LAN.'),
        watchdog: ipmiWatchdogSchema.default({ enabled: true, timeoutSeconds: 60, rebootTimeoutSeconds: 600 }),
      })
      .strict()
      .optional()
      .describe('Baseboard management controller, for sensors, the event log and the hardware watchdog.'),
    labels: z.record(z.string(), z.string()).default({}).describe('Extra Kubernetes node labels.'),
  })
  .strict();

export const clusterSchema = z
  .object({
    $schema: z.string().optional(),
    name: dnsLabel.describe('Cluster name, used in labels and the Flux source name.'),
    domain: z
      .string()
      .regex(DNS_NAME, { error: 'must be a lower-case DNS name with at least one dot, e.g. home.example.net' })
      .describe('Apps are exposed as <app>.<domain>.'),
    timezone: z.string().min(1).default('Etc/UTC').describe('IANA time zone for nodes and schedules.'),
    git: z
      .object({
        url: z
          .string()
          .regex(/^(https:\/\/|ssh:\/\/)\S+$/, { error: 'must be an https:// or ssh:// URL' })
          .describe('The repository Flux reconciles (this one).'),
        branch: z.string().min(1).default('main'),
      })
      .strict(),
    k3s: z
      .object({
        version: k3sVersion.describe(
          'The one k3s version: the Debian install, the k3OS release and the upgrade plans all follow it.',
        ),
        k3osRelease: k3osRelease
          .optional()
          .describe(
            'The petercb/k3os release the k3OS nodes run; it must carry k3s.version (v0.33.11-k3s1-rN for v1.33.11+k3s1). Required when a node runs k3OS.',
          ),
        upgradeWindow: z
          .object({
            days: z.array(z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'])).min(1),
            startTime: timeOfDay,
            endTime: timeOfDay,
          })
          .strict()
          .optional()
          .describe('When the upgrade controller may start upgrading nodes (in the cluster timezone). Default: as soon as the version changes.'),
      })
      .strict(),
    network: z
      .object({
        lan: z
          .object({
            cidr: cidr.describe('The home LAN, e.g. 192.168.10.0/24.'),
            gateway: ipv4,
            dns: z.array(ipv4).min(1),
            dhcpRange: range.describe('Addresses the router hands out; nothing static may sit here.'),
          })
          .strict(),
        podCidr: cidr.default('10.42.0.0/16'),
        serviceCidr: cidr.default('10.43.0.0/16'),
        loadBalancerPool: range.describe('MetalLB layer-2 pool on the LAN, for service VIPs.'),
      })
      .strict(),
    nodes: z.array(nodeSchema).min(1).max(100),
    access: accessSchema.describe('How the hosts are reached: SSH keys, Ansible user, time servers.'),
    router: routerSchema.optional().describe('The home router: syslog and SNMP for network monitoring.'),
    storage: storageSchema.describe('ZFS pools and datasets on placement.storageNode.'),
    placement: z
      .object({
        storageNode: dnsLabel.describe('The node that holds the data; pinned workloads run here.'),
        standbyNode: dnsLabel.describe('The worker that runs hot-standby replicas of failover services.'),
      })
      .strict(),
    services: z
      .object({
        ingress: ingressSchema.default({ enabled: true, tls: { issuer: 'self-signed' } }),
        wireguard: wireguardSchema.default({
          enabled: true,
          port: 51820,
          tunnelCidr: '10.8.0.0/24',
          peers: [],
          privateKeySecret: { name: 'wireguard', key: 'private-key' },
        }),
        dlna: dlnaSchema.default({ enabled: true, dataset: 'media' }),
        dns: dnsSchema.default({ enabled: true }),
        games: z.array(gameSchema).max(MAX_GAMES).default([]),
        homeAssistant: homeAssistantSchema.optional().describe('Where Home Assistant runs, for monitoring (and deploying it).'),
        observability: observabilitySchema.default({
          enabled: true,
          retentionDays: 30,
          prometheusSizeGiB: 50,
          lokiSizeGiB: 50,
          dataset: 'monitoring',
          alertWebhookSecret: { name: 'alertmanager-webhook', key: 'url' },
          grafanaAdminSecret: { name: 'grafana-admin', key: 'password' },
          ipmiConfigSecret: { name: 'ipmi-exporter', key: 'config.yml' },
        }),
      })
      .strict(),
  })
  .strict();

type DeepReadonly<T> = T extends (infer E)[]
  ? readonly DeepReadonly<E>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

/** The validated cluster description, defaults applied. Immutable. */
export type ClusterSpec = DeepReadonly<z.output<typeof clusterSchema>>;
export type NodeSpec = ClusterSpec['nodes'][number];
export type GameSpec = ClusterSpec['services']['games'][number];
