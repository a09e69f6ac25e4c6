import { z } from 'zod';
import { dnsLabel, ipv4 } from './primitives';
import { secretKeyRef } from './services-schema';

/* Monitoring (services.observability) and the home router it watches (router). */

export const observabilitySchema = z
  .object({
    enabled: z.boolean().default(true),
    retentionDays: z.number().int().min(1).default(30).describe('How long metrics and logs are kept.'),
    prometheusSizeGiB: z.number().int().min(1).default(50),
    lokiSizeGiB: z.number().int().min(1).default(50),
    dataset: dnsLabel.default('monitoring').describe('The storage dataset that holds metrics and logs.'),
    alertWebhookSecret: secretKeyRef
      .default({ name: 'alertmanager-webhook', key: 'url' })
      .describe('Secret key holding the URL alerts are posted to (e.g. an ntfy topic or a chat webhook).'),
    grafanaAdminSecret: secretKeyRef.default({ name: 'grafana-admin', key: 'password' }),
    ipmiConfigSecret: secretKeyRef
      .default({ name: 'ipmi-exporter', key: 'config.yml' })
      .describe('Secret key holding the ipmi_exporter configuration with the BMC user and password.'),
    syslogVip: ipv4.optional().describe('Where the router sends syslog; chosen from the pool when omitted.'),
  })
  .strict();

export const routerSchema = z
  .object({
    address: ipv4.describe("The router's LAN address."),
    syslog: z.boolean().default(true).describe('The router sends its syslog (firewall, DHCP, WiFi events) to the syslog VIP.'),
    snmp: z
      .object({
        module: z.string().min(1).default('if_mib').describe('snmp_exporter module (if_mib: interface and WiFi throughput).'),
        auth: z.string().min(1).default('public_v2').describe('snmp_exporter auth name.'),
      })
      .strict()
      .optional()
      .describe('Metrics by SNMP; omit if the router has no SNMP agent.'),
  })
  .strict();
