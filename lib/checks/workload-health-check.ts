import { BUILT_IN_PRIORITY_CLASSES } from '../k8s/priority-classes';
import { probeException, PROBE_EXCEPTIONS, ProbeKind } from '../k8s/probe-facts';
import { clusterObjects, describeObject, RenderedCluster } from '../output/rendered';
import { Check, Finding } from './check';

/* eslint-disable @typescript-eslint/no-explicit-any */
const LONG_RUNNING = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);

/** Every long-running workload, ours and the charts': `Kind/namespace/name` and its pod spec. */
function longRunning(cluster: RenderedCluster): { id: string; file: string; pod: any }[] {
  return clusterObjects(cluster)
    .filter((o) => LONG_RUNNING.has(o.manifest.kind))
    .map((o) => ({ id: describeObject(o.manifest), file: o.file, pod: o.manifest.spec?.template?.spec ?? {} }));
}

/** The built-in workload namespaces the design ranks (DESIGN.md: remote access and names first, games last). */
const ACCESS_NAMESPACES = ['vpn', 'dns', 'traefik'];
const APP_NAMESPACES = ['home', 'media'];
const GAME_NAMESPACES = ['games'];

/**
 * Every long-running pod names a PriorityClass that exists (rendered, or built in), so the
 * kubelet's eviction and the scheduler's preemption follow the design: VPN, ingress and DNS
 * above every app, games below everything.
 */
export class PriorityClassCheck implements Check {
  public readonly name = 'priority-classes';

  public async run(cluster: RenderedCluster): Promise<Finding[]> {
    const values = new Map<string, number>([['system-cluster-critical', 2_000_000_000], ['system-node-critical', 2_000_001_000]]);
    for (const { manifest } of [...clusterObjects(cluster), ...cluster.bootstrapObjects]) {
      if (manifest.kind === 'PriorityClass') values.set(manifest.metadata.name, manifest.value);
    }
    const messages: string[] = [];
    const ranked: { id: string; ns: string; value: number }[] = [];
    for (const { id, file, pod } of longRunning(cluster)) {
      const name = pod.priorityClassName;
      if (!name) {
        messages.push(`${file}: ${id}: no priorityClassName; give it one of lib/k8s/priority-classes.ts (its namespace's tier) so eviction and preemption follow the design`);
      } else if (!values.has(name)) {
        messages.push(`${file}: ${id}: priorityClassName ${name} is not rendered and not built in (${BUILT_IN_PRIORITY_CLASSES.join(', ')}); admission would refuse its pods`);
      } else {
        ranked.push({ id, ns: id.split('/')[1], value: values.get(name)! });
      }
    }
    const lowest = (nss: string[]) => ranked.filter((r) => nss.includes(r.ns));
    for (const a of lowest(ACCESS_NAMESPACES)) {
      for (const b of ranked.filter((r) => APP_NAMESPACES.includes(r.ns) || GAME_NAMESPACES.includes(r.ns))) {
        if (a.value <= b.value) messages.push(`${a.id} (priority ${a.value}) is not above ${b.id} (priority ${b.value}): remote access and names must outlast the apps and games`);
      }
    }
    for (const g of lowest(GAME_NAMESPACES)) {
      for (const o of ranked.filter((r) => !GAME_NAMESPACES.includes(r.ns))) {
        if (g.value >= o.value) messages.push(`${g.id} (priority ${g.value}) is not below ${o.id} (priority ${o.value}): games are evicted first`);
      }
    }
    return messages.map((message) => ({ severity: 'error', check: this.name, message }));
  }
}

/**
 * Every container of a long-running workload has a readiness and a liveness probe, unless
 * lib/k8s/probe-facts.ts declares why it cannot (no health endpoint, a chart without the
 * value); an exception for a probe that is there is stale and reported too.
 */
export class ProbeCheck implements Check {
  public readonly name = 'probes';

  public async run(cluster: RenderedCluster): Promise<Finding[]> {
    const messages: string[] = [];
    const used = new Set<string>();
    for (const { id, file, pod } of longRunning(cluster)) {
      for (const c of pod.containers ?? []) {
        for (const kind of ['readiness', 'liveness'] as ProbeKind[]) {
          const probe = c[`${kind}Probe`];
          const exception = probeException(id, c, kind);
          if (exception) used.add(exception.container);
          if (!probe && !exception) {
            messages.push(
              `${file}: ${id}: container ${c.name} has no ${kind}Probe; probe the software's health endpoint, or declare in lib/k8s/probe-facts.ts why it has none`,
            );
          } else if (probe && exception) {
            messages.push(`${file}: ${id}: container ${c.name} has a ${kind}Probe, but lib/k8s/probe-facts.ts says it has none (${exception.reason}); remove the stale exception`);
          }
        }
      }
    }
    return messages.map((message) => ({ severity: 'error', check: this.name, message }));
  }
}

/** The exceptions of the table that match no rendered container (for tests and reviews). */
export function unusedProbeExceptions(cluster: RenderedCluster): string[] {
  const ids = new Set(longRunning(cluster).flatMap(({ id, pod }) => (pod.containers ?? []).map((c: any) => `${id}/${c.name}`)));
  return PROBE_EXCEPTIONS.map((e) => e.container).filter((p) => !p.includes('*') && !ids.has(p));
}
/* eslint-enable @typescript-eslint/no-explicit-any */
