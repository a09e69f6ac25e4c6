import { imageRepository, IMAGES, ImageInfo } from '../images';
import { NodeSpec } from '../spec/schema';
import { WorkloadModel } from './workload-model';

/** The architectures an image is known to run on, or undefined when it is not catalogued. */
export function imageArchitectures(
  image: string,
  catalog: Readonly<Record<string, ImageInfo>> = IMAGES,
): readonly string[] | undefined {
  return catalog[imageRepository(image)]?.architectures;
}

/** Whether every image of the workload runs on the node's architecture. */
export function imageArchitecturesOk(
  w: WorkloadModel,
  node: NodeSpec,
  catalog: Readonly<Record<string, ImageInfo>> = IMAGES,
): boolean {
  return w.template.containers.every((c) => imageArchitectures(c.image, catalog)?.includes(node.arch) ?? true);
}
