import { STAGES } from '../charts/stages';
import { vipRequests } from '../lib/services/registry';
import { allocateVips, VipAssignments } from '../lib/net/vip-allocator';
import { FileSet } from '../lib/output/file-set';
import { renderCluster } from '../lib/render';
import { RenderedCluster } from '../lib/output/rendered';
import { loadSpec } from '../lib/services/registry';
import { defaultSpecText } from './helpers';

/** Renders a spec text the way a first synth does (no previous outputs), without checks. */
export function renderSpec(text: string): RenderedCluster {
  const spec = loadSpec(text, 'spec.yaml');
  return renderCluster(spec, STAGES, allocateVips(spec.network.loadBalancerPool, vipRequests(spec)));
}

/** The shipped spec with one object in `dist/test/object.yaml`, for checks that read single objects. */
export function clusterWithObject(manifest: object): RenderedCluster {
  return {
    spec: loadSpec(defaultSpecText(), 'cluster.yaml'),
    objects: [{ file: 'dist/test/object.yaml', group: 'test', manifest }],
    bootstrapObjects: [],
    chartObjects: [],
    releases: [],
    files: new FileSet(),
    objectCounts: new Map(),
    vips: new VipAssignments(new Map()),
    stages: STAGES,
  };
}

/** A minimal valid Deployment `apps/web`. */
export const SAMPLE_DEPLOYMENT = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'apps' },
  spec: {
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } },
  },
};
