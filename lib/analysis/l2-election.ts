import { Ipv4Range } from '../net/ipv4';
import { L2AdvertisementModel, l2Announcer } from '../net/metallb-election';
import { ClusterSpec } from '../spec/schema';
import { nodeLabels } from './scheduling';
import { ClusterModel, LoadBalancerModel } from './workload-model';

/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * The node that announces a rendered LoadBalancer Service's VIP, by MetalLB's election
 * (lib/net/metallb-election.ts) over the rendered IPAddressPools and L2Advertisements and the
 * spec's nodes (their k3s labels). `endpointNodes`: where the Service's ready pods are;
 * `down`: a node whose speaker is gone.
 */
export function announcingNode(spec: ClusterSpec, model: ClusterModel, lb: LoadBalancerModel, endpointNodes: readonly string[], down?: string): string | undefined {
  if (!lb.vip) return undefined;
  const vip = lb.vip;
  const pool = model.objects.find(
    (o: any) => o.kind === 'IPAddressPool' && (o.spec?.addresses ?? []).some((a: string) => Ipv4Range.parse(a).contains(vip)),
  )?.metadata?.name;
  if (pool === undefined) return undefined;
  const advertisements: L2AdvertisementModel[] = model.objects.filter((o: any) => o.kind === 'L2Advertisement').map((o: any) => o.spec ?? {});
  return l2Announcer({
    ip: vip,
    pool,
    service: { labels: lb.labels, externalTrafficPolicy: lb.externalTrafficPolicy },
    advertisements,
    nodes: spec.nodes.filter((n) => n.name !== down).map((n) => ({ name: n.name, labels: nodeLabels(n) })),
    endpointNodes: endpointNodes.filter((n) => n !== down),
  });
}
/* eslint-enable @typescript-eslint/no-explicit-any */
