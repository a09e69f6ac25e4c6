import { Stage, StageRegistry } from '../lib/stages/stage';
import { IngressChart } from './ingress-chart';
import { IngressControllersChart } from './ingress-controllers-chart';
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

export const INGRESS_CONTROLLERS = new Stage({
  name: 'ingress-controllers',
  layer: 'ingress',
  purpose: 'Gateway API CRDs, cert-manager and Traefik releases',
  chart: IngressControllersChart,
  dependsOn: [NETWORKING],
});

export const INGRESS = new Stage({
  name: 'ingress',
  layer: 'ingress',
  purpose: 'GatewayClass, Gateway, ClusterIssuer and wildcard certificate',
  chart: IngressChart,
  dependsOn: [INGRESS_CONTROLLERS],
});

export const STAGES = new StageRegistry([NETWORKING_CONTROLLERS, NETWORKING, INGRESS_CONTROLLERS, INGRESS]);
