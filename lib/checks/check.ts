import { RenderedCluster } from '../render';

/** One thing a check found. Errors stop the synth; warnings are printed in the summary. */
export interface Finding {
  readonly severity: 'error' | 'warning';
  /** The check that found it, e.g. `kubernetes-schema`. */
  readonly check: string;
  /** `file: Kind/namespace/name: field: what is wrong`. */
  readonly message: string;
}

/** What a check may know besides the rendered cluster. */
export interface CheckContext {
  /** The files of the previous synth (path -> content), to compare against. */
  readonly previousFiles: ReadonlyMap<string, string>;
  /** The user accepted that data-bearing objects go away (`--allow-data-loss`). */
  readonly allowDataLoss: boolean;
  /** The files under secrets/ (path -> content): SOPS-encrypted Secrets. */
  readonly secretFiles?: ReadonlyMap<string, string>;
  /** The user is carrying out the planned migrations `npm run plan` prints (`--migrate`). */
  readonly migrate?: boolean;
}

export const EMPTY_CONTEXT: CheckContext = { previousFiles: new Map(), allowDataLoss: false };

/** A check over everything a synth would write. Pure: reads only what it is given. */
export interface Check {
  readonly name: string;
  run(cluster: RenderedCluster, context?: CheckContext): Promise<readonly Finding[]>;
}

/** Runs every check (all of them, even after one fails) and returns their findings in order. */
export async function runChecks(
  cluster: RenderedCluster,
  checks: readonly Check[],
  context: CheckContext = EMPTY_CONTEXT,
): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const check of checks) {
    findings.push(...(await check.run(cluster, context)));
  }
  return findings;
}
