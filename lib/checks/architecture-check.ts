import { imageArchitectures } from '../analysis/architectures';
import { eligibleNodes } from '../analysis/scheduling';
import { clusterModel } from '../analysis/workload-model';
import { imageCatalog, ImageInfo } from '../images';
import { RenderedCluster } from '../render';
import { Check, Finding } from './check';

/**
 * Every image is catalogued in lib/images.ts with its architectures, and every node a pod
 * may be scheduled on has one of them: an amd64-only image must be kept off the Pis.
 */
export class ArchitectureCheck implements Check {
  public readonly name = 'architecture';

  /** @param catalog the images to know; by default lib/images.ts plus the spec's game images. */
  constructor(private readonly catalog?: Readonly<Record<string, ImageInfo>>) {}

  public async run(cluster: RenderedCluster): Promise<Finding[]> {
    const findings: Finding[] = [];
    const catalog = this.catalog ?? imageCatalog(cluster.spec);
    for (const w of clusterModel(cluster.objects).workloads) {
      const nodes = eligibleNodes(w.template, cluster.spec);
      for (const c of w.template.containers) {
        const arches = imageArchitectures(c.image, catalog);
        if (!arches) {
          findings.push(this.error(`${w.file}: ${w.id}: image ${c.image} is not in lib/images.ts; add it with the architectures it is published for`));
          continue;
        }
        for (const node of nodes.filter((n) => !arches.includes(n.arch))) {
          findings.push(
            this.error(
              `${w.file}: ${w.id}: image ${c.image} (${arches.join(', ')}) may be scheduled on ${node.name} (${node.arch}); restrict its placement or use a multi-arch image`,
            ),
          );
        }
      }
    }
    return findings;
  }

  private error(message: string): Finding {
    return { severity: 'error', check: this.name, message };
  }
}
