import { STAGES } from '../charts/stages';
import {
  ArchitectureCheck,
  CapacityCheck,
  Check,
  Finding,
  KubernetesSchemaCheck,
  NetworkBaselineCheck,
  PromisesCheck,
  runChecks,
  SecurityPolicyCheck,
} from './checks';
import { UserError } from './errors';
import { RenderedCluster, renderCluster } from './render';
import { loadSpec } from './spec/load-spec';
import { StageRegistry } from './stages/stage';

/** The checks every synth runs. */
export function defaultChecks(): Check[] {
  return [
    new KubernetesSchemaCheck(),
    new SecurityPolicyCheck(),
    new ArchitectureCheck(),
    new PromisesCheck(),
    new CapacityCheck(),
    new NetworkBaselineCheck(),
  ];
}

export interface SynthOptions {
  /** @default STAGES */
  readonly stages?: StageRegistry;
  /** @default defaultChecks() */
  readonly checks?: readonly Check[];
}

export interface SynthResult {
  readonly cluster: RenderedCluster;
  readonly warnings: readonly Finding[];
}

/**
 * The whole pure pipeline: spec text -> validated spec -> rendered files -> checks.
 * Throws a UserError for a bad spec or any check error; writes nothing.
 */
export async function synthesize(specText: string, source: string, options: SynthOptions = {}): Promise<SynthResult> {
  const spec = loadSpec(specText, source);
  const cluster = renderCluster(spec, options.stages ?? STAGES);
  const findings = await runChecks(cluster, options.checks ?? defaultChecks());
  const errors = findings.filter((f) => f.severity === 'error');
  if (errors.length > 0) {
    throw new UserError(
      `${errors.length} check${errors.length === 1 ? '' : 's'} failed; nothing was written:`,
      errors.map((f) => `[${f.check}] ${f.message}`),
    );
  }
  return { cluster, warnings: findings.filter((f) => f.severity === 'warning') };
}
