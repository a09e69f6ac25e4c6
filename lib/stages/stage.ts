import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { VipAssignments } from '../net/vip-allocator';
import { ClusterSpec } from '../spec/schema';

/** Props every stage chart takes: the validated cluster description and what is derived from it once. */
export interface StageChartProps {
  readonly spec: ClusterSpec;
  /** The load-balancer address of every service that has one. */
  readonly vips: VipAssignments;
}

/** A chart class that renders one stage. */
export type StageChartClass = new (scope: Construct, id: string, props: StageChartProps) => Chart;

export interface StageProps {
  /** Folder name under dist/ and the Flux Kustomization name, e.g. `networking-controllers`. */
  readonly name: string;
  /** The layer this stage belongs to, e.g. `networking`; a layer may have several stages. */
  readonly layer: string;
  /** One line: what the stage holds. Shown in the README tree and Flux objects. */
  readonly purpose: string;
  /** The chart that renders it. */
  readonly chart: StageChartClass;
  /**
   * Stages whose objects must be ready first (CRDs before the resources that use them).
   * Flux `dependsOn` is derived from this, never written by hand.
   * @default - none
   */
  readonly dependsOn?: readonly Stage[];
  /**
   * Whether the spec asks for this stage at all (e.g. no game servers: no games stage).
   * @default - always
   */
  readonly enabled?: (spec: ClusterSpec) => boolean;
}

const STAGE_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** One unit of delivery: a folder `dist/<name>/` and one Flux Kustomization. */
export class Stage {
  public readonly name: string;
  public readonly layer: string;
  public readonly purpose: string;
  public readonly chart: StageChartClass;
  public readonly dependsOn: readonly Stage[];
  private readonly enabledFor?: (spec: ClusterSpec) => boolean;

  constructor(props: StageProps) {
    if (!STAGE_NAME.test(props.name)) {
      throw new Error(`Stage name "${props.name}" must be a lower-case DNS label`);
    }
    this.name = props.name;
    this.layer = props.layer;
    this.purpose = props.purpose;
    this.chart = props.chart;
    this.dependsOn = props.dependsOn ?? [];
    this.enabledFor = props.enabled;
  }

  public isEnabled(spec: ClusterSpec): boolean {
    return this.enabledFor?.(spec) ?? true;
  }
}

/**
 * The stages of the cluster, in dependency order. Building one checks that names are
 * unique, that every dependency is registered, and that there is no cycle.
 */
export class StageRegistry {
  /** Stages in a deterministic dependency order: every stage after the ones it depends on. */
  public readonly ordered: readonly Stage[];

  constructor(stages: readonly Stage[]) {
    const byName = new Map<string, Stage>();
    for (const stage of stages) {
      if (byName.has(stage.name)) {
        throw new Error(`Stage "${stage.name}" is registered twice`);
      }
      byName.set(stage.name, stage);
    }
    for (const stage of stages) {
      for (const dep of stage.dependsOn) {
        if (byName.get(dep.name) !== dep) {
          throw new Error(`Stage "${stage.name}" depends on "${dep.name}", which is not registered`);
        }
      }
    }
    this.ordered = topologicalOrder(stages);
  }

  /** The stages the spec asks for, in dependency order. */
  public enabled(spec: ClusterSpec): Stage[] {
    const enabled = this.ordered.filter((s) => s.isEnabled(spec));
    for (const stage of enabled) {
      const missing = stage.dependsOn.find((d) => !d.isEnabled(spec));
      if (missing) {
        throw new Error(`Stage "${stage.name}" is enabled but depends on "${missing.name}", which is not`);
      }
    }
    return enabled;
  }

}

function topologicalOrder(stages: readonly Stage[]): Stage[] {
  const done = new Set<Stage>();
  const visiting = new Set<Stage>();
  const order: Stage[] = [];
  const visit = (stage: Stage, path: string[]): void => {
    if (done.has(stage)) {
      return;
    }
    if (visiting.has(stage)) {
      throw new Error(`Stage dependency cycle: ${[...path, stage.name].join(' -> ')}`);
    }
    visiting.add(stage);
    [...stage.dependsOn].sort((a, b) => a.name.localeCompare(b.name)).forEach((d) => visit(d, [...path, stage.name]));
    visiting.delete(stage);
    done.add(stage);
    order.push(stage);
  };
  stages.forEach((s) => visit(s, []));
  return order;
}
