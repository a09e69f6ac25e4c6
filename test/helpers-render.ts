import { STAGES } from '../charts/stages';
import { vipRequests } from '../lib/services/registry';
import { allocateVips, VipAssignments } from '../lib/net/vip-allocator';
import { FileSet } from '../lib/output/file-set';
import { renderCluster } from '../lib/render';
import { RenderedCluster } from '../lib/output/rendered';
import { loadSpec } from '../lib/services/registry';
import { synthesize, SynthResult } from '../lib/synth';
import { markDeepFrozen } from '../lib/output/verdict-cache';
import { deepFreeze } from '../lib/yaml/yaml';
import { defaultSpecText } from './helpers';

const synths = new Map<string, Promise<SynthResult>>();

/**
 * `synthesize(text, source)` with no options, once per test file: synth is a function of its
 * input, and the shipped cluster alone was synthesized 130 times over the test files. The
 * result is shared by the file's tests, so its spec and manifests are frozen: a test that
 * would change them fails at the write (test files are strict mode) instead of changing what
 * the next test sees. A test that needs other options calls synthesize itself.
 */
export function synthesized(text: string = defaultSpecText(), source = 'cluster.yaml'): Promise<SynthResult> {
  const key = `${source}\0${text}`;
  let result = synths.get(key);
  if (!result) {
    result = synthesize(text, source).then((r) => {
      deepFreeze(r.cluster.spec);
      for (const list of [r.cluster.objects, r.cluster.bootstrapObjects]) {
        list.forEach((o) => markDeepFrozen(deepFreeze(o.manifest)));
        deepFreeze(list);
      }
      return r;
    });
    // A failed synth is not kept: the next test sees its own error.
    result.catch(() => synths.delete(key));
    synths.set(key, result);
  }
  return result;
}

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
