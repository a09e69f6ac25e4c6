import { z } from 'zod';
import { ipv4 } from './primitives';

/*
 * The ingress part of cluster.yaml: its VIP and how its certificates are issued.
 */

const secretKeyRef = z
  .object({
    name: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { error: 'must be a Secret name (DNS label)' }),
    key: z.string().min(1),
  })
  .strict()
  .describe('A key of a Secret (created from secrets/, never written in this file).');

const acmeSchema = z
  .object({
    issuer: z.literal('acme'),
    email: z.string().regex(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, { error: 'must be an e-mail address' }),
    server: z
      .string()
      .regex(/^https:\/\/\S+$/, { error: 'must be an https:// URL' })
      .default('https://acme-v02.api.letsencrypt.org/directory')
      .describe("The ACME directory; Let's Encrypt production by default."),
    dns01: z
      .object({
        provider: z.literal('cloudflare'),
        apiTokenSecret: secretKeyRef.describe('Secret (namespace cert-manager) holding a Cloudflare API token with DNS edit rights.'),
      })
      .strict(),
  })
  .strict();

const selfSignedSchema = z.object({ issuer: z.literal('self-signed') }).strict();

export const ingressSchema = z
  .object({
    enabled: z.boolean().default(true),
    vip: ipv4
      .optional()
      .describe('Load-balancer address; chosen from the pool (one the storage node announces) when omitted.'),
    tls: z
      .discriminatedUnion('issuer', [selfSignedSchema, acmeSchema])
      .default({ issuer: 'self-signed' })
      .describe('self-signed: a local CA issues *.<domain>; acme: a public certificate by DNS-01.'),
  })
  .strict();
