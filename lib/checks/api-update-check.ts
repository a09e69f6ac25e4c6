import { applyVerdicts, formatMigrations, migrations, outputObjects } from '../plan/apply-verdicts';
import { describeObject, RenderedCluster } from '../output/rendered';
import { Check, CheckContext, EMPTY_CONTEXT, Finding } from './check';

/**
 * Every push reconciles: each object that changes against the previous outputs is checked
 * against the API server's update rules (lib/plan/update-rules.ts). A change the API server
 * would refuse leaves its stage, and every stage after it, stuck, so it stops the synth with
 * the object, the field, the API server's words and the way forward. A change to a claim's
 * volume that a planned migration handles is allowed with `--migrate` (a warning; the steps
 * are in `npm run plan`).
 */
export class ApiUpdateCheck implements Check {
  public readonly name = 'api-update';

  public async run(cluster: RenderedCluster, context: CheckContext = EMPTY_CONTEXT): Promise<Finding[]> {
    if (context.previousFiles.size === 0) {
      return [];
    }
    // objects in files that did not change did not change: judge only the files that differ
    const changed = new Map([...context.previousFiles].filter(([path, content]) => cluster.files.get(path) !== content));
    const before = outputObjects(changed);
    const after = new Map(
      cluster.objects.filter((o) => context.previousFiles.get(o.file) !== cluster.files.get(o.file)).map((o) => [describeObject(o.manifest), o]),
    );
    const migrate = context.migrate ?? false;
    const verdicts = applyVerdicts(before, after, migrate, cluster.objects);
    const findings: Finding[] = [];
    for (const v of verdicts) {
      if (v.verdict.verdict === 'applies') continue;
      for (const r of v.verdict.refused) {
        const what = `${v.file}: ${v.id}: ${r.rule.field}: the API server refuses this update ("${r.message}", Kubernetes 1.33 ${r.rule.source})`;
        if (v.verdict.verdict === 'replaced') {
          findings.push({ severity: 'warning', check: this.name, message: `${what}; replaced by ${v.verdict.how}` });
        } else {
          findings.push({ severity: 'error', check: this.name, message: `${what}; the stage would stick. Way forward: ${r.rule.wayForward}` });
        }
      }
    }
    if (migrate) {
      // the steps need every object (the workloads that mount a claim, its class and volume)
      const allBefore = outputObjects(context.previousFiles);
      const allAfter = new Map(cluster.objects.map((o) => [describeObject(o.manifest), o]));
      for (const line of formatMigrations(migrations(verdicts, allBefore, allAfter))) {
        findings.push({ severity: 'warning', check: this.name, message: line });
      }
    }
    return findings;
  }
}
