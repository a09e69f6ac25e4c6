import { z } from 'zod';
import { Ipv4Range, isIpv4 } from '../net/ipv4';

/* Field types shared by the sections of cluster.yaml. */

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const DNS_NAME = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/;
/** A k3s release as published, e.g. `v1.33.5+k3s1`. */
export const K3S_VERSION = /^v(\d+)\.(\d+)\.(\d+)\+k3s(\d+)$/;
/**
 * A release of the maintained k3OS fork (github.com/petercb/k3os): `v0.33.11-k3s1-r4` is
 * revision 4 of the image that carries k3s `v1.33.11+k3s1` (the fork's scripts/version).
 */
export const K3OS_RELEASE = /^v0\.(\d+)\.(\d+)-k3s(\d+)-r(\d+)$/;
/** WireGuard keys are 32 bytes, base64-encoded. */
export const WIREGUARD_KEY = /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/;

/** CPU architectures that k3s ships and that this project knows how to place images on. */
export const ARCHITECTURES = ['amd64', 'arm64'] as const;

export const dnsLabel = z
  .string()
  .max(63)
  .regex(DNS_LABEL, { error: 'must be a lower-case DNS label (a-z, 0-9, "-"; at most 63 characters)' });

export const ipv4 = z
  .string()
  .refine(isIpv4, { error: 'must be an IPv4 address such as 192.168.1.10' });

export const cidr = z.string().superRefine((value, ctx) => {
  try {
    Ipv4Range.fromCidr(value);
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: (e as Error).message });
  }
});

export const range = z.string().superRefine((value, ctx) => {
  try {
    Ipv4Range.parse(value);
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: (e as Error).message });
  }
});

export const k3sVersion = z
  .string()
  .regex(K3S_VERSION, { error: 'must be a k3s release such as v1.33.5+k3s1' });

export const k3osRelease = z.string().regex(K3OS_RELEASE, {
  error: 'must be a petercb/k3os release such as v0.33.11-k3s1-r4 (release candidates, -rcN, are not accepted)',
});

/** The k3s version a k3OS fork release carries (`v0.33.11-k3s1-r4` -> `v1.33.11+k3s1`). */
export function k3sVersionInK3osRelease(release: string): string | undefined {
  const m = K3OS_RELEASE.exec(release);
  return m ? `v1.${m[1]}.${m[2]}+k3s${m[3]}` : undefined;
}

/** A time of day, 24-hour `HH:MM`. */
export const timeOfDay = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'must be a 24-hour time such as 03:00' });

export const port = z.number().int().min(1).max(65535);

