import { z } from 'zod';
import type { ClusterSpec } from '../spec/schema';

/*
 * A hot-standby service's failover promise: `services.<section>.failoverWithinSeconds` of
 * cluster.yaml, declared by the service's module (the registry adds the field to the module's
 * built-in section), written on its workloads as the `failover-within-seconds` annotation, and
 * checked by the promises check against the modelled failover of the cluster's size.
 */

/** The built-in sections of `services` (lib/spec/schema.ts) a module may add fields to. */
export type BuiltInSection = 'ingress' | 'wireguard' | 'dns';

/** The values a promise may take: whole seconds, from 1 s to 10 minutes. */
export const FAILOVER_PROMISE_BOUNDS = { min: 1, max: 600 } as const;

export interface FailoverPromise {
  readonly section: BuiltInSection;
  /** `services.<section>.failoverWithinSeconds`, for messages. */
  readonly path: string;
  readonly defaultSeconds: number;
  /** The workloads that carry the promise, as `Kind/namespace/name` (WorkloadModel.id). */
  readonly workloads: readonly string[];
  /** The schema of the field the module adds to its section (FAILOVER_FIELD). */
  readonly schema: z.ZodType;
  /** The promise of a validated spec (the default for a spec built without the schema). */
  seconds(spec: ClusterSpec): number;
}

/** The field's name in its section. */
export const FAILOVER_FIELD = 'failoverWithinSeconds';

/**
 * The promise of the service in `services.<section>`: `serves` says what happens within the
 * promised time, e.g. "the DNS server answers".
 */
export function failoverPromise(section: BuiltInSection, defaultSeconds: number, workloads: readonly string[], serves: string): FailoverPromise {
  const { min, max } = FAILOVER_PROMISE_BOUNDS;
  return {
    section,
    path: `services.${section}.${FAILOVER_FIELD}`,
    defaultSeconds,
    workloads,
    schema: z
      .number()
      .int()
      .min(min)
      .max(max)
      .default(defaultSeconds)
      .describe(
        `Seconds within which ${serves} again after any worker node fails (${min}-${max}). Checked at synth against the modelled ` +
          `failover, whose worst case grows with the node count (MetalLB's memberlist): synth names the smallest value that holds.`,
      ),
    seconds: (spec) => (spec.services[section] as { readonly [FAILOVER_FIELD]?: number })[FAILOVER_FIELD] ?? defaultSeconds,
  };
}
