import type { Finding } from '../output/finding';
import { RenderedCluster } from '../output/rendered';

export type { Finding };

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
