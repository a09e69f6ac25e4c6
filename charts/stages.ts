import { Stage, StageRegistry } from '../lib/stages/stage';
import { NetworkingChart } from './networking-chart';
import { NetworkingControllersChart } from './networking-controllers-chart';

/*
 * The registry of stages. A layer that installs CRDs and also uses them is split into
 * two stages, the user depending on the installer; Flux ordering is derived from here.
 */

export const NETWORKING_CONTROLLERS = new Stage({
  name: 'networking-controllers',
  layer: 'networking',
  purpose: 'Calico (tigera-operator) and MetalLB releases',
  chart: NetworkingControllersChart,
});

export const NETWORKING = new Stage({
  name: 'networking',
  layer: 'networking',
  purpose: 'MetalLB layer-2 address pool',
  chart: NetworkingChart,
  dependsOn: [NETWORKING_CONTROLLERS],
});

export const STAGES = new StageRegistry([NETWORKING_CONTROLLERS, NETWORKING]);
