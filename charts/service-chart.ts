import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { ServiceModule } from '../lib/services/service-module';
import { StageChartClass, StageChartProps } from '../lib/stages/stage';

/** The chart of a service module's stage: what the module's build() adds, nothing else. */
export function serviceChart(module: ServiceModule): StageChartClass {
  if (!module.build) {
    throw new Error(`Service ${module.name} has a stage but no build()`);
  }
  const buildInto: NonNullable<ServiceModule['build']> = (scope, context) => module.build?.(scope, context);
  return class ServiceChart extends Chart {
    constructor(scope: Construct, id: string, props: StageChartProps) {
      super(scope, id);
      // The other stages' objects, read when this chart renders (after every chart exists).
      const otherStages = (): unknown[] =>
        scope.node.children.filter((c): c is Chart => Chart.isChart(c) && c !== this).flatMap((c) => c.toJson());
      buildInto(this, { spec: props.spec, vips: props.vips, otherStages });
    }
  };
}
