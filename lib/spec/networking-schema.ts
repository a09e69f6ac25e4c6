import { z } from 'zod';
import { isIpv4 } from '../net/ipv4';

/*
 * The networking layer's part of cluster.yaml: services.ingress. Referenced by one line
 * in schema.ts. No secret value is ever written here: DNS-01 credentials are named by
 * Secret reference only.
 */

const ipv4 = z.string().refine(isIpv4, { message: 'must be an IPv4 address such as 192.168.1.10' });

const secretKeyRef = z
  .object({
    name: z.string().min(1).describe('Name of a Secret in the cert-manager namespace (created outside this repository).'),
    key: z.string().min(1).describe('The key inside that Secret.'),
  })
  .strict();

/** Let's Encrypt's production directory, the default ACME server. */
export const LETS_ENCRYPT_PRODUCTION = 'https://acme-v02.api.letsencrypt.org/directory';

const acmeSchema = z
  .object({
    email: z.string().email().describe('Contact address for the ACME account (expiry notices).'),
    server: z.string().url().default(LETS_ENCRYPT_PRODUCTION).describe('ACME directory URL; use the staging one while testing.'),
    dns01: z
      .object({
        provider: z.literal('cloudflare').describe('The DNS provider that answers the DNS-01 challenge.'),
        apiTokenSecretRef: secretKeyRef.describe('Cloudflare API token with Zone:DNS:Edit on the domain.'),
      })
      .strict(),
  })
  .strict();

export const ingressSchema = z
  .object({
    enabled: z.boolean().default(true),
    vip: ipv4.optional().describe('Address of the ingress; chosen from the pool (so that placement.storageNode answers) when omitted.'),
    tls: z
      .object({
        acme: acmeSchema
          .optional()
          .describe('Publicly trusted certificates by ACME DNS-01. Without it a self-signed wildcard certificate is used.'),
      })
      .strict()
      .default({}),
  })
  .strict()
  .default({ enabled: true, tls: {} });
