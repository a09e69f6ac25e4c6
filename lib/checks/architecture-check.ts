import { imageArchitectures } from '../analysis/architectures';
import { eligibleNodes, selectedNodes } from '../analysis/scheduling';
import { clusterModel } from '../analysis/workload-model';
import { ImageInfo } from '../images';
import { imageCatalog } from '../services/registry';
import { renderedKubectlImage } from '../upgrades/system-upgrade-controller';
import { describeObject, clusterObjects, RenderedCluster } from '../output/rendered';
import { NodeSpec } from '../spec/schema';
import { Check, Finding } from './check';

/**
 * Every image is catalogued in lib/images.ts with its architectures, and every node a pod
 * may be scheduled on has one of them: an amd64-only image must be kept off the Pis. The
 * upgrade Jobs count too: a Plan's images, and the controller's kubectl image that cordons
 * and drains, run on each node the Plan selects.
 */
export class ArchitectureCheck implements Check {
  public readonly name = 'architecture';

  /** @param catalog the images to know; by default lib/images.ts plus the spec's game images. */
  constructor(private readonly catalog?: Readonly<Record<string, ImageInfo>>) {}

  public async run(cluster: RenderedCluster): Promise<Finding[]> {
    const findings: Finding[] = [];
    const catalog = this.catalog ?? imageCatalog(cluster.spec);
    const runs: { where: string; images: string[]; nodes: NodeSpec[] }[] = [];
    const model = clusterModel(clusterObjects(cluster));
    for (const w of model.workloads) {
      runs.push({ where: `${w.file}: ${w.id}`, images: w.template.containers.map((c) => c.image), nodes: eligibleNodes(w.template, cluster.spec) });
    }
    const kubectl = renderedKubectlImage(cluster.objects);
    for (const { file, manifest } of cluster.objects.filter((o) => o.manifest.kind === 'Plan')) {
      const spec = manifest.spec;
      runs.push({
        where: `${file}: ${describeObject(manifest)}`,
        images: [spec.prepare?.image, spec.upgrade?.image, kubectl].filter((i): i is string => typeof i === 'string'),
        nodes: selectedNodes(spec.nodeSelector?.matchExpressions ?? [], cluster.spec),
      });
    }
    for (const run of runs) {
      for (const image of run.images) {
        const arches = imageArchitectures(image, catalog);
        if (!arches) {
          findings.push(this.error(`${run.where}: image ${image} is not in lib/images.ts; add it with the architectures it is published for`));
          continue;
        }
        for (const node of run.nodes.filter((n) => !arches.includes(n.arch))) {
          findings.push(
            this.error(
              `${run.where}: image ${image} (${arches.join(', ')}) may be scheduled on ${node.name} (${node.arch}); restrict its placement or use a multi-arch image`,
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
