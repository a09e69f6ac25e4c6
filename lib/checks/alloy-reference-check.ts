import { imageTag } from '../images';
import { ALLOY_REFERENCE } from '../observability/alloy-reference';
import { AlloyBlock, parseAlloy } from '../observability/alloy-syntax';
import { OBSERVABILITY_IMAGES } from '../observability/constants';
import { RenderedCluster } from '../output/rendered';
import { Check, Finding } from './check';

interface Section {
  readonly arguments: readonly string[];
  readonly required: readonly string[];
}
interface ComponentReference extends Section {
  readonly blocks: Readonly<Record<string, Section>>;
}
export interface AlloyReference {
  readonly tag: string;
  readonly components: Readonly<Record<string, ComponentReference>>;
}

/**
 * Every rendered Alloy configuration (`config.alloy` in a ConfigMap) uses only components,
 * blocks and arguments of the component reference of the pinned Alloy release
 * (`lib/observability/alloy-reference.ts`, read from grafana/alloy's docs at that tag by
 * scripts/alloy-reference.mjs), and sets every required argument. There is no Alloy binary
 * to run in the tests; this is the upstream reference instead.
 */
export class AlloyReferenceCheck implements Check {
  public readonly name = 'alloy-reference';

  constructor(
    private readonly ref: AlloyReference = ALLOY_REFERENCE,
    private readonly pinned: string = OBSERVABILITY_IMAGES.alloy,
  ) {}

  public async run(cluster: RenderedCluster): Promise<Finding[]> {
    const messages: string[] = [];
    if (imageTag(this.pinned) !== this.ref.tag) {
      messages.push(
        `lib/observability/alloy-reference.ts describes Alloy ${this.ref.tag}, but the cluster runs ${this.pinned}; ` +
          `regenerate it: node scripts/alloy-reference.mjs <clone of grafana/alloy> ${imageTag(this.pinned)}`,
      );
    }
    for (const { file, manifest } of cluster.objects) {
      const text = manifest.kind === 'ConfigMap' ? manifest.data?.['config.alloy'] : undefined;
      if (typeof text !== 'string') continue;
      let blocks: AlloyBlock[];
      try {
        blocks = parseAlloy(text);
      } catch (e) {
        messages.push(`${file}: config.alloy: ${(e as Error).message}`);
        continue;
      }
      for (const block of blocks) {
        const component = this.ref.components[block.name];
        const where = `${file}: config.alloy line ${block.line}: ${block.name}${block.label ? ` "${block.label}"` : ''}`;
        if (!component) {
          messages.push(`${where}: not a component of Alloy ${this.ref.tag}'s reference (known: ${Object.keys(this.ref.components).join(', ')})`);
          continue;
        }
        messages.push(...this.section(where, block, component, component));
      }
    }
    return messages.map((message) => ({ severity: 'error', check: this.name, message }));
  }

  private section(where: string, block: AlloyBlock, section: Section, component: ComponentReference): string[] {
    const messages: string[] = [];
    for (const name of block.attributes.keys()) {
      if (!section.arguments.includes(name)) {
        messages.push(`${where}: argument ${name} is not in Alloy ${this.ref.tag}'s reference (allowed: ${section.arguments.join(', ') || 'none'})`);
      }
    }
    for (const name of section.required) {
      if (!block.attributes.has(name)) messages.push(`${where}: required argument ${name} is not set`);
    }
    for (const inner of block.blocks) {
      const innerSection = component.blocks[inner.name];
      const innerWhere = `${where} > ${inner.name}`;
      if (!innerSection) {
        messages.push(`${innerWhere}: not a block of ${where.split(': ').pop()!.split(' ')[0]} in Alloy ${this.ref.tag}'s reference`);
        continue;
      }
      messages.push(...this.section(innerWhere, inner, innerSection, component));
    }
    return messages;
  }
}
