import { describeOutcome, failureScenarios, simulate } from '../analysis/failure-simulation';
import { eligibleNodes } from '../analysis/scheduling';
import { ANNOTATIONS, clusterModel, WorkloadModel } from '../analysis/workload-model';
import { clusterObjects, RenderedCluster } from '../output/rendered';
import { Check, Finding } from './check';

/**
 * The design notes' promises, checked by simulating every single failure over the
 * rendered workloads:
 * - a workload annotated `failover-within-seconds: N` serves again within N s of any
 *   worker node failing (ingress, VPN);
 * - a workload annotated `stateless` keeps serving through storage and API outages (with its
 *   last configuration, if it reads any from the API);
 * - nothing but node agents (DaemonSets) may be scheduled on the control plane.
 */
export class PromisesCheck implements Check {
  public readonly name = 'promises';

  public async run(cluster: RenderedCluster): Promise<Finding[]> {
    const { spec } = cluster;
    const model = clusterModel(clusterObjects(cluster));
    const scenarios = failureScenarios(spec);
    const findings: Finding[] = [];
    const error = (w: WorkloadModel, message: string): void => {
      findings.push({ severity: 'error', check: this.name, message: `${w.file}: ${w.id}: ${message}` });
    };

    for (const w of model.workloads) {
      const within = w.annotations[ANNOTATIONS.failoverWithinSeconds];
      if (within !== undefined) {
        for (const s of scenarios.filter((sc) => sc.node && spec.nodes.find((n) => n.name === sc.node)?.role === 'agent')) {
          const outcome = simulate(spec, model, w, s);
          const late = outcome.status === 'recovers' && outcome.seconds > Number(within);
          if (outcome.status === 'down' || outcome.status === 'degraded' || late) {
            error(w, `promises to serve within ${within} s of any worker failing, but when ${s.title} it is ${describeOutcome(outcome)}`);
          }
        }
      }
      if (w.annotations[ANNOTATIONS.stateless] === 'true') {
        for (const s of scenarios.filter((sc) => !sc.node)) {
          const outcome = simulate(spec, model, w, s);
          if (outcome.status === 'down') {
            error(w, `is stateless and must survive "${s.title}", but it is ${describeOutcome(outcome)}`);
          }
        }
      }
      if (w.kind !== 'DaemonSet') {
        const onControlPlane = eligibleNodes(w.template, spec).filter((n) => n.role === 'server');
        for (const node of onControlPlane) {
          error(w, `may be scheduled on the control plane ${node.name}; only node agents (DaemonSets) may run there`);
        }
      }
    }
    return findings;
  }
}
