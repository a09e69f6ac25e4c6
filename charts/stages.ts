import { Stage, StageRegistry } from '../lib/stages/stage';
import { NetworkingChart } from './networking-chart';

/*
 * The registry of stages. A layer that installs CRDs and also uses them is split into
 * two stages, the user depending on the installer; Flux ordering is derived from here.
 */

export const NETWORKING = new Stage({
  name: 'networking',
  layer: 'networking',
  purpose: 'CNI and layer-2 load balancer',
  chart: NetworkingChart,
});

export const STAGES = new StageRegistry([NETWORKING]);
