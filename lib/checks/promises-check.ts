import { describeOutcome, failureScenarios, Outcome, simulate } from '../analysis/failure-simulation';
import { eligibleNodes } from '../analysis/scheduling';
import { ANNOTATIONS, clusterModel, WorkloadModel } from '../analysis/workload-model';
import { clusterObjects, RenderedCluster } from '../output/rendered';
import { SERVICES } from '../services/registry';
import type { ServiceModule } from '../services/service-module';
import { Check, Finding } from './check';

/**
 * The design notes' promises, checked by simulating every single failure over the
 * rendered workloads:
 * - a workload annotated `failover-within-seconds: N` serves again within N s of any
 *   worker node failing (ingress, DNS, VPN), in the worst case the model gives; a miss names
 *   the spec field the service's module declares (its FailoverPromise) and the smallest value
 *   that holds, when one does;
 * - a workload annotated `stateless` keeps serving through storage and API outages (with its
 *   last configuration, if it reads any from the API);
 * - nothing but node agents (DaemonSets) may be scheduled on the control plane.
 */
export class PromisesCheck implements Check {
  public readonly name = 'promises';

  /** @param services the modules whose failover promises name their spec fields */
  constructor(private readonly services: readonly ServiceModule[] = SERVICES) {}

  public async run(cluster: RenderedCluster): Promise<Finding[]> {
    const { spec } = cluster;
    const model = clusterModel(clusterObjects(cluster));
    const scenarios = failureScenarios(spec);
    const findings: Finding[] = [];
    const error = (w: WorkloadModel, message: string): void => {
      findings.push({ severity: 'error', check: this.name, message: `${w.file}: ${w.id}: ${message}` });
    };

    const promises = this.services.flatMap((m) => (m.failover && m.enabled(spec) ? [m.failover] : []));
    const workers = scenarios.filter((sc) => sc.node && spec.nodes.find((n) => n.name === sc.node)?.role === 'agent');
    for (const w of model.workloads) {
      const within = w.annotations[ANNOTATIONS.failoverWithinSeconds];
      if (within !== undefined) {
        const field = promises.find((p) => p.workloads.includes(w.id))?.path;
        const outcomes = workers.map((s) => ({ s, outcome: simulate(spec, model, w, s) }));
        const late = (o: Outcome): boolean => o.status === 'recovers' && o.seconds > Number(within);
        const missed = outcomes.filter(({ outcome }) => outcome.status === 'down' || outcome.status === 'degraded' || late(outcome));
        // The smallest promise that holds in every worker failure, when one does.
        const holds = outcomes.every(({ outcome }) => outcome.status === 'serving' || outcome.status === 'recovers')
          ? Math.max(0, ...outcomes.map(({ outcome }) => (outcome.status === 'recovers' ? outcome.seconds : 0)))
          : undefined;
        for (const { s, outcome } of missed) {
          const promise = `promises to serve within ${within} s of any worker failing${field ? ` (${field})` : ''}`;
          const seen = late(outcome) && outcome.status === 'recovers' ? `recovers in ${outcome.seconds} s: ${outcome.how}` : `is ${describeOutcome(outcome)}`;
          const fix =
            holds === undefined
              ? ''
              : `. A promise holds at worst: the smallest ${field ?? 'promise'} that holds is ${holds}${field ? '' : ' s'}`;
          error(w, `${promise}, but when ${s.title} it ${seen}${fix}`);
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
