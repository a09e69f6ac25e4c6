import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { IpAddressPool, L2Advertisement } from '../imports/metallb.io';
import { L2_ANNOUNCER_LABEL, METALLB_NAMESPACE } from '../lib/networking/metallb';
import { HOSTNAME_LABEL } from '../lib/placement/placement';
import { storageNode } from '../lib/spec/nodes';
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
    // Services without an announcer label: every node's speaker may answer (Local policy
    // narrows that to the nodes with a ready pod).
    new L2Advertisement(this, 'L2', {
      metadata: { name: 'lan', namespace: METALLB_NAMESPACE },
      spec: { ipAddressPools: ['lan'], serviceSelectors: [{ matchExpressions: [{ key: L2_ANNOUNCER_LABEL, operator: 'DoesNotExist' }] }] },
    });
    // Services pinned to the storage node (games; with a shared VIP their policy is Cluster,
    // which alone would let any node answer): only the storage node announces them.
    const storage = storageNode(props.spec).name;
    new L2Advertisement(this, 'L2-storage-node', {
      metadata: { name: `lan-${storage}`, namespace: METALLB_NAMESPACE },
      spec: {
        ipAddressPools: ['lan'],
        serviceSelectors: [{ matchLabels: { [L2_ANNOUNCER_LABEL]: storage } }],
        nodeSelectors: [{ matchLabels: { [HOSTNAME_LABEL]: storage } }],
      },
    });
  }
}
