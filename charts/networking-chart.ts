import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { IpAddressPool, L2Advertisement } from '../imports/metallb.io';
import { METALLB } from '../lib/networking/charts';
import { StageChartProps } from '../lib/stages/stage';

/** Name of the one MetalLB address pool. */
export const LOAD_BALANCER_POOL = 'lan';

/**
 * Networking configuration: MetalLB's layer-2 pool from network.loadBalancerPool. Only
 * addresses Services ask for by annotation are handed out (autoAssign off), so every VIP
 * comes from the allocator in lib/net, which knows which node will answer for it.
 */
export class NetworkingChart extends Chart {
  constructor(scope: Construct, id: string, props: StageChartProps) {
    super(scope, id, { namespace: METALLB.namespace });
    new IpAddressPool(this, 'Pool', {
      metadata: { name: LOAD_BALANCER_POOL },
      spec: { addresses: [props.spec.network.loadBalancerPool], autoAssign: false, avoidBuggyIPs: false },
    });
    new L2Advertisement(this, 'L2', {
      metadata: { name: LOAD_BALANCER_POOL },
      spec: { ipAddressPools: [LOAD_BALANCER_POOL] },
    });
  }
}
