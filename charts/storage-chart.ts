import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { StageChartProps } from '../lib/stages/stage';
import { DatasetStorageClasses } from '../lib/storage/storage-classes';

/** The StorageClasses, one per dataset the storage node exports. */
export class StorageChart extends Chart {
  constructor(scope: Construct, id: string, props: StageChartProps) {
    super(scope, id);
    new DatasetStorageClasses(this, 'Classes', { spec: props.spec });
  }
}
