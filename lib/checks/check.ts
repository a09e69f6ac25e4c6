import { RenderedCluster } from '../render';

/** One thing a check found. Errors stop the synth; warnings are printed in the summary. */
export interface Finding {
  readonly severity: 'error' | 'warning';
  /** The check that found it, e.g. `kubernetes-schema`. */
  readonly check: string;
  /** `file: Kind/namespace/name: field: what is wrong`. */
  readonly message: string;
}

/** A check over everything a synth would write. Pure: reads only the rendered cluster. */
export interface Check {
  readonly name: string;
  run(cluster: RenderedCluster): Promise<readonly Finding[]>;
}

/** Runs every check (all of them, even after one fails) and returns their findings in order. */
export async function runChecks(cluster: RenderedCluster, checks: readonly Check[]): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const check of checks) {
    findings.push(...(await check.run(cluster)));
  }
  return findings;
}
