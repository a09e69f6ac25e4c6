import { z } from 'zod';
import { Ipv4Range, isIpv4 } from '../net/ipv4';

/* Field types shared by the sections of cluster.yaml. */

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const DNS_NAME = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/;
/** A k3s release as published, e.g. `v1.33.5+k3s1`. */
export const K3S_VERSION = /^v(\d+)\.(\d+)\.(\d+)\+k3s(\d+)$/;
/** WireGuard keys are 32 bytes, base64-encoded. */
export const WIREGUARD_KEY = /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/;

/** CPU architectures that k3s ships and that this project knows how to place images on. */
export const ARCHITECTURES = ['amd64', 'arm64'] as const;

export const dnsLabel = z
  .string()
  .max(63)
  .regex(DNS_LABEL, { message: 'must be a lower-case DNS label (a-z, 0-9, "-"; at most 63 characters)' });

export const ipv4 = z
  .string()
  .refine(isIpv4, { message: 'must be an IPv4 address such as 192.168.1.10' });

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
  .regex(K3S_VERSION, { message: 'must be a k3s release such as v1.33.5+k3s1' });

export const port = z.number().int().min(1).max(65535);

