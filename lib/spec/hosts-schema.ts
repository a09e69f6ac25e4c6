import { z } from 'zod';

/* How the hosts are reached and kept: SSH keys, time servers. */

const SSH_PUBLIC_KEY = /^(ssh-(ed25519|rsa)|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\.com) [A-Za-z0-9+/=]+( .*)?$/;

export const accessSchema = z
  .object({
    sshAuthorizedKeys: z
      .array(z.string().regex(SSH_PUBLIC_KEY, { error: 'must be an SSH public key line such as "ssh-ed25519 AAAA… you@laptop"' }))
      .min(1)
      .describe('Public keys allowed to log in (rancher on k3OS, the Ansible user on Debian).'),
    ansibleUser: z.string().regex(/^[a-z_][a-z0-9_-]*$/, { error: 'must be a Unix user name' }).default('ansible'),
    timeServers: z.array(z.string().min(1)).min(1).default(['0.debian.pool.ntp.org', '1.debian.pool.ntp.org']),
  })
  .strict();

/*
 * The BMC's watchdog timer on a Debian node with IPMI (docs/decisions/0082-bmc-watchdog.md):
 * systemd pings it, and the BMC resets the machine when the pings stop.
 */
export const ipmiWatchdogSchema = z
  .object({
    enabled: z.boolean().default(true).describe('Arm the BMC watchdog (on Debian nodes, by the Ansible roles).'),
    timeoutSeconds: z
      .number()
      .int()
      .min(30)
      .max(600)
      .default(60)
      .describe('Seconds without a ping from systemd before the BMC resets the node (systemd RuntimeWatchdogSec; it pings every half of it).'),
    rebootTimeoutSeconds: z
      .number()
      .int()
      .min(60)
      .max(3600)
      .default(600)
      .describe('Seconds a reboot or shutdown may take before the BMC forces the reset (systemd RebootWatchdogSec).'),
  })
  .strict();
