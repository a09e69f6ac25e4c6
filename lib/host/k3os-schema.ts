import { z } from 'zod';

/*
 * The k3OS config.yaml, from the configuration reference of k3OS (rancher/k3os README,
 * "Configuration Reference"; the maintained fork keeps the same schema). Unknown keys are
 * errors: k3OS ignores them silently, which hides typos until a node misbehaves.
 */

const writeFile = z
  .object({
    encoding: z.enum(['', 'b64', 'base64', 'gz', 'gzip', 'gz+base64', 'gzip+base64', 'gz+b64', 'gzip+b64']).optional(),
    content: z.string(),
    owner: z.string().optional(),
    path: z.string().regex(/^\//, { error: 'must be an absolute path' }),
    permissions: z.string().regex(/^0[0-7]{3}$/, { error: "must be an octal mode string such as '0644'" }).optional(),
  })
  .strict();

export const k3osConfigSchema = z
  .object({
    ssh_authorized_keys: z.array(z.string()).optional(),
    write_files: z.array(writeFile).optional(),
    hostname: z.string().optional(),
    init_cmd: z.array(z.string()).optional(),
    boot_cmd: z.array(z.string()).optional(),
    run_cmd: z.array(z.string()).optional(),
    k3os: z
      .object({
        data_sources: z
          .array(z.enum(['aws', 'cdrom', 'digitalocean', 'gcp', 'hetzner', 'openstack', 'packet', 'scaleway', 'vultr']))
          .optional(),
        modules: z.array(z.string()).optional(),
        sysctl: z.record(z.string(), z.string()).optional(),
        ntp_servers: z.array(z.string()).optional(),
        dns_nameservers: z.array(z.string()).optional(),
        wifi: z.array(z.object({ name: z.string(), passphrase: z.string() }).strict()).optional(),
        password: z.string().optional(),
        server_url: z.string().regex(/^https:\/\//, { error: 'must be an https:// URL' }).optional(),
        token: z.string().optional(),
        labels: z.record(z.string(), z.string()).optional(),
        k3s_args: z
          .array(z.string())
          .refine((args) => args.length === 0 || args[0] === 'server' || args[0] === 'agent', {
            error: 'must start with "server" or "agent"',
          })
          .optional(),
        environment: z.record(z.string(), z.string()).optional(),
        taints: z.array(z.string().regex(/^[^=:]+(=[^:]*)?:(NoSchedule|PreferNoSchedule|NoExecute)$/, { error: 'must be key=value:Effect' })).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();
