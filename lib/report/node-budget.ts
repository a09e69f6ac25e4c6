import { capacity } from '../analysis/capacity';
import { formatMiB } from '../analysis/quantity';
import { clusterModel } from '../analysis/workload-model';
import { clusterObjects, RenderedCluster } from '../output/rendered';

/** Requests per node with every node up, as a Markdown table (README and docs/cluster.md). */
export function nodeBudgetMarkdown(cluster: RenderedCluster): string {
  const lines = ['| node | pods | memory requested / allocatable | CPU requested / allocatable |', '|---|---|---|---|'];
  for (const c of capacity(cluster.spec, clusterModel(clusterObjects(cluster)))) {
    lines.push(
      `| ${c.node.name} | ${c.pods.length} | ${formatMiB(c.requestedMemory)} / ${formatMiB(c.allocatableMemory)} | ${c.requestedMillicores}m / ${c.allocatableMillicores}m |`,
    );
  }
  return `${lines.join('\n')}\n`;
}
