import { z } from 'zod';
import { ARCHITECTURES, dnsLabel, port } from '../../spec/primitives';

/** Input limit: far above a home cluster. */
export const MAX_APPS = 200;

const quantity = (what: string): z.ZodString =>
  z.string().regex(/^[0-9]+(\.[0-9]+)?(m|Ki|Mi|Gi)?$/, { error: `must be a Kubernetes quantity for ${what}, e.g. 100m, 256Mi` });

export const appSchema = z
  .object({
    name: dnsLabel.max(40).describe('The app; its Deployment, Service, route and claim are named after it.'),
    image: z
      .string()
      .regex(/^[a-z0-9.-]+(:[0-9]+)?\/[a-z0-9._/-]+$/, { error: 'must be an image repository with its registry and without tag, e.g. docker.io/traefik/whoami' })
      .describe('Container image without tag, e.g. docker.io/traefik/whoami.'),
    version: z
      .string()
      .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, { error: 'must be an image tag' })
      .refine((v) => v !== 'latest', { error: 'must be a pinned version, not "latest"' })
      .describe('Image tag, pinned.'),
    architectures: z.array(z.enum(ARCHITECTURES)).min(1).default(['amd64', 'arm64']).describe('Architectures the image is published for.'),
    port: port.describe('The HTTP port the container listens on.'),
    hostname: dnsLabel.optional().describe('Served at https://<hostname>.<domain>; the name when omitted.'),
    healthPath: z.string().regex(/^\/\S*$/).default('/').describe('An HTTP path that answers 200 when the app is up.'),
    storage: z
      .object({
        dataset: dnsLabel.describe('The storage dataset of its claim (NFS from the storage node).'),
        sizeGiB: z.number().int().min(1).max(10240),
        mountPath: z.string().regex(/^\/\S+$/, { error: 'must be an absolute path' }),
      })
      .strict()
      .optional()
      .describe('A claim for the data the app keeps.'),
    placement: z
      .enum(['anywhere', 'storage-node'])
      .default('anywhere')
      .describe('anywhere: one replica on any node its image runs on; storage-node: pinned beside the data.'),
    resources: z
      .object({
        cpu: quantity('CPU').default('50m'),
        memory: quantity('memory').default('128Mi'),
        memoryLimit: quantity('memory').default('256Mi'),
      })
      .strict()
      .default({ cpu: '50m', memory: '128Mi', memoryLimit: '256Mi' }),
    runAsUser: z.number().int().min(1).max(2147483647).default(1000).describe('The user the app runs as (never root: the apps namespace is restricted).'),
    writableDirs: z
      .array(z.string().regex(/^\/\S+$/, { error: 'must be an absolute path' }))
      .max(20)
      .default(['/tmp'])
      .describe('Folders the app writes to besides its storage (scratch, lost on restart); the root filesystem is read-only.'),
    env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/).max(256), z.string().max(4096)).default({}).describe('Plain environment values (nothing secret).'),
  })
  .strict();

/** `apps` of cluster.yaml: simple containerized HTTP apps, no TypeScript needed. */
export const appsSchema = z
  .array(appSchema)
  .max(MAX_APPS)
  .describe('Simple HTTP apps: one container, one port, behind the ingress at https://<hostname>.<domain>, restricted pod security.');

export type AppSpec = z.output<typeof appSchema>;
