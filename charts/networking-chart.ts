import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { IpAddressPool, L2Advertisement } from '../imports/metallb.io';
import { METALLB_NAMESPACE } from '../lib/networking/metallb';
import { Ipv4Range, numberToIpv4 } from '../lib/net/ipv4';
import { StageChartProps } from '../lib/stages/stage';

/** MetalLB's address pool (the spec's) and its layer-2 announcement. */
export class NetworkingChart extends Chart {
  constructor(scope: Construct, id: string, props: StageChartProps) {
    super(scope, id);
    const pool = Ipv4Range.parse(props.spec.network.loadBalancerPool);
    new IpAddressPool(this, 'Pool', {
      metadata: { name: 'lan', namespace: METALLB_NAMESPACE },
      spec: {
        addresses: [`${numberToIpv4(pool.first)}-${numberToIpv4(pool.last)}`],
        // Every address is chosen by the VIP allocator; MetalLB must not hand out others.
        autoAssign: false,
        avoidBuggyIPs: false,
      },
    });
    new L2Advertisement(this, 'L2', {
      metadata: { name: 'lan', namespace: METALLB_NAMESPACE },
      spec: { ipAddressPools: ['lan'] },
    });
  }
}
