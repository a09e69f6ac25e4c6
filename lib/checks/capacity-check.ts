import { capacity, NodeCapacity } from '../analysis/capacity';
import { formatMiB } from '../analysis/quantity';
import { clusterModel } from '../analysis/workload-model';
import { clusterObjects, RenderedCluster } from '../output/rendered';
import { Check, Finding } from './check';

/** Below this share of free allocatable memory a node is reported (a warning). */
export const MEMORY_HEADROOM = 0.2;

/**
 * Requests per node against allocatable, with every node up and with each worker down
 * (its movable pods placed on the others). Over-commit is an error, thin headroom a warning.
 */
export class CapacityCheck implements Check {
  public readonly name = 'capacity';

  public async run(cluster: RenderedCluster): Promise<Finding[]> {
    const { spec } = cluster;
    const model = clusterModel(clusterObjects(cluster));
    const findings: Finding[] = [];
    const cases: [string, string | undefined][] = [
      ['all nodes up', undefined],
      ...spec.nodes.filter((n) => n.role === 'agent').map((n): [string, string] => [`${n.name} down`, n.name]),
    ];
    for (const [title, down] of cases) {
      for (const c of capacity(spec, model, down)) {
        findings.push(...this.judge(c, title));
      }
    }
    return findings;
  }

  private judge(c: NodeCapacity, title: string): Finding[] {
    const where = `${c.node.name} (${title})`;
    const findings: Finding[] = [];
    if (c.requestedMemory > c.allocatableMemory) {
      findings.push({
        severity: 'error',
        check: this.name,
        message: `${where}: memory requests ${formatMiB(c.requestedMemory)} exceed allocatable ${formatMiB(c.allocatableMemory)}`,
      });
    } else if (c.pods.length > 0 && c.allocatableMemory - c.requestedMemory < MEMORY_HEADROOM * c.allocatableMemory) {
      findings.push({
        severity: 'warning',
        check: this.name,
        message: `${where}: only ${formatMiB(c.allocatableMemory - c.requestedMemory)} of ${formatMiB(c.allocatableMemory)} memory left (under ${MEMORY_HEADROOM * 100}%)`,
      });
    }
    if (c.requestedMillicores > c.allocatableMillicores) {
      findings.push({
        severity: 'error',
        check: this.name,
        message: `${where}: CPU requests ${c.requestedMillicores}m exceed allocatable ${c.allocatableMillicores}m`,
      });
    }
    return findings;
  }
}
