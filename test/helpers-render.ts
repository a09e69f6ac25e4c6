import { STAGES } from '../charts/stages';
import { vipRequests } from '../lib/services/registry';
import { allocateVips } from '../lib/net/vip-allocator';
import { renderCluster } from '../lib/render';
import { RenderedCluster } from '../lib/output/rendered';
import { loadSpec } from '../lib/services/registry';

/** Renders a spec text the way a first synth does (no previous outputs), without checks. */
export function renderSpec(text: string): RenderedCluster {
  const spec = loadSpec(text, 'spec.yaml');
  return renderCluster(spec, STAGES, allocateVips(spec.network.loadBalancerPool, vipRequests(spec)));
}
