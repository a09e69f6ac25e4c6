import { ClusterTraffic, Flow, PolicyRule } from '../analysis/flows';
import { chartsMissing, RenderedCluster } from '../output/rendered';
import { Check, Finding } from './check';

/**
 * Every flow the cluster needs (lib/analysis/flows.ts: configuration that names a Service,
 * the ingress controller to route backends, the API server to webhooks, the LAN to
 * LoadBalancer ports) is admitted by the rendered NetworkPolicies as Calico enforces them, and
 * every allow rule that names ports or callers is used by some flow. Egress is open here, so
 * every pod reaches DNS; an Egress policy would be judged the same way.
 */
export class FlowsCheck implements Check {
  public readonly name = 'flows';

  public async run(cluster: RenderedCluster): Promise<Finding[]> {
    // Webhooks, the ingress controller and scrape targets come from the charts: without their
    // renders every verdict would be wrong.
    if (chartsMissing(cluster)) return [];
    const traffic = new ClusterTraffic(cluster);
    const used = new Set<PolicyRule>();
    const findings: Finding[] = [];
    for (const flow of traffic.flows()) {
      findings.push(...this.judge(traffic, flow, used));
    }
    for (const r of traffic.rules()) {
      // The namespace's own pods (`allow-same-namespace`) is the baseline, not a caller.
      const baseline = !r.rule.ports && (r.rule.from ?? []).every((p: { podSelector?: object; namespaceSelector?: object; ipBlock?: object }) => p.podSelector && !p.namespaceSelector && !p.ipBlock);
      if (!baseline && !used.has(r)) {
        findings.push({
          severity: 'error',
          check: this.name,
          message: `${r.file}: ${r.policy}: ingress[${r.index}] allows ${describeRule(r)}, but no flow of the cluster uses it; remove the allow or add what needs it`,
        });
      }
    }
    return findings;
  }

  private judge(traffic: ClusterTraffic, flow: Flow, used: Set<PolicyRule>): Finding[] {
    const findings: Finding[] = [];
    const sources = flow.source.kind === 'pods' ? flow.source.pods.map((pod) => ({ pod, ip: pod.hostNetwork ? pod.nodeIps[0] : undefined })) : [{ ip: flow.source.ip }];
    for (const dest of flow.to) {
      for (const source of sources) {
        const blocked = traffic.judge(flow, dest, source, used);
        if (blocked) {
          const from = 'pod' in source && source.pod ? source.pod.id : flow.source.kind === 'address' ? flow.source.what : source.ip;
          findings.push({
            severity: 'error',
            check: this.name,
            message: `flow ${from} -> ${flow.target} (${dest.id}, ${flow.protocol} ${flow.port}; ${flow.why}) is blocked by ${blocked.join(', ')}: no rule admits it`,
          });
        }
      }
    }
    return findings;
  }
}

function describeRule(r: PolicyRule): string {
  const ports = r.rule.ports ? r.rule.ports.map((p: { port?: number | string; protocol?: string }) => `${p.protocol ?? 'TCP'} ${p.port ?? 'any'}`).join(', ') : 'every port';
  const from = !r.rule.from || r.rule.from.length === 0 ? 'from anywhere' : `from ${JSON.stringify(r.rule.from)}`;
  return `${ports} ${from}`;
}
