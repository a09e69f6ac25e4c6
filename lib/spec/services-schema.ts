import { z } from 'zod';
import { cidr, dnsLabel, ipv4, port, WIREGUARD_KEY } from './primitives';

/* The services of cluster.yaml: VPN, DLNA, game servers, Home Assistant. */

/** Input limits: far above a home cluster, low enough that hostile input is refused before it costs. */
export const MAX_PEERS = 2000;
export const MAX_GAMES = 500;

export const secretKeyRef = z
  .object({ name: dnsLabel, key: z.string().min(1) })
  .strict()
  .describe('A key of a Secret (created from secrets/, never written in this file).');

const loadBalancedPort = z
  .object({
    name: dnsLabel.max(15),
    port,
    protocol: z.enum(['TCP', 'UDP']),
  })
  .strict();

const pinnedVersion = z
  .string()
  .min(1)
  .refine((v) => v !== 'latest', { error: 'must be a pinned version, not "latest"' });

export const gameSchema = z
  .object({
    name: dnsLabel,
    image: z.string().min(1).describe('Container image without tag, e.g. docker.io/itzg/minecraft-server.'),
    version: pinnedVersion.describe('Image tag, pinned.'),
    architectures: z
      .array(z.enum(['amd64', 'arm64']))
      .min(1)
      .default(['amd64', 'arm64'])
      .describe('Architectures the image is published for.'),
    ports: z.array(loadBalancedPort).min(1).max(100),
    memoryMiB: z.number().int().min(256),
    worldSizeGiB: z.number().int().min(1),
    dataset: dnsLabel.default('games').describe('The storage dataset that holds the world data.'),
    vip: ipv4.optional().describe('Load-balancer address; chosen from the pool when omitted.'),
    runAsUser: z
      .number()
      .int()
      .min(0)
      .default(1000)
      .describe('User the server runs as; 0 (root) only for images that cannot run otherwise.'),
    stopSeconds: z
      .number()
      .int()
      .min(10)
      .default(120)
      .describe('How long the server may take to save the world and stop.'),
    env: z
      .record(
        z.string().max(256),
        z.union([
          z.string().max(4096),
          z.object({ secretKeyRef: secretKeyRef.describe('The Secret (in namespace games) and key the value comes from.') }).strict(),
        ]),
      )
      .default({})
      .describe('Environment of the server: a plain value, or { secretKeyRef: { name, key } } for anything secret (passwords, tokens).'),
  })
  .strict();

const wireguardPeer = z
  .object({
    name: dnsLabel,
    publicKey: z.string().regex(WIREGUARD_KEY, { error: 'must be a WireGuard public key (44 characters of base64)' }),
    address: cidr.describe('The tunnel address of the peer, e.g. 10.8.0.2/32.'),
  })
  .strict();

export const wireguardSchema = z
  .object({
    enabled: z.boolean().default(true),
    vip: ipv4.optional(),
    port: port.default(51820),
    tunnelCidr: cidr.default('10.8.0.0/24'),
    endpoint: z
      .string()
      .regex(/^[A-Za-z0-9.-]+$/, { error: 'must be a host name or address, without port' })
      .optional()
      .describe('The public name clients dial (your router forwards the port to the VIP).'),
    allowedNetworks: z
      .array(cidr)
      .optional()
      .describe('Networks peers may reach; the LAN and cluster services when omitted.'),
    clientDns: z
      .array(ipv4)
      .optional()
      .describe('DNS servers for clients; the cluster DNS server (services.dns) when omitted and the tunnel reaches it, else the LAN DNS.'),
    privateKeySecret: secretKeyRef.default({ name: 'wireguard', key: 'private-key' }),
    peers: z.array(wireguardPeer).max(MAX_PEERS).default([]),
  })
  .strict();

export const dnsSchema = z
  .object({
    enabled: z.boolean().default(true),
    vip: ipv4
      .optional()
      .describe('Load-balancer address of the DNS server; chosen from the pool (one the storage node announces) when omitted.'),
  })
  .strict()
  .describe('A DNS server for <domain> (apps, LoadBalancer services, nodes), hot standby like the ingress.');

export const dlnaSchema = z
  .object({
    enabled: z.boolean().default(true),
    dataset: dnsLabel.default('media').describe('The storage dataset served, read-only.'),
  })
  .strict();

export const homeAssistantSchema = z.discriminatedUnion('mode', [
  z
    .object({
      mode: z.literal('external'),
      address: ipv4.describe('Where Home Assistant runs on the LAN.'),
      port: port.default(8123),
      tokenSecret: secretKeyRef.describe('A long-lived access token, for the Prometheus integration.'),
    })
    .strict(),
  z
    .object({
      mode: z.literal('cluster'),
      version: pinnedVersion.describe('Home Assistant image tag.'),
      configSizeGiB: z.number().int().min(1).default(5),
      dataset: dnsLabel.default('apps').describe('The storage dataset that holds its configuration.'),
      port: port.default(8123),
      tokenSecret: secretKeyRef.describe('A long-lived access token, for the Prometheus integration.'),
    })
    .strict(),
]);
