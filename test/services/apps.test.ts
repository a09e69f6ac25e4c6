import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { RenderedCluster } from '../../lib/output/rendered';
import { loadSpec } from '../../lib/services/registry';
import { synthesize } from '../../lib/synth';
import { FIXTURES, defaultSpecText, fixtureText } from '../helpers';

/* `apps:` of cluster.yaml (lib/services/apps/): simple HTTP apps without TypeScript. */

describe('apps', () => {
  let cluster: RenderedCluster;
  beforeAll(async () => {
    ({ cluster } = await synthesize(fixtureText(join(FIXTURES, 'valid', 'media-apps.yaml')), 'media-apps.yaml'));
  });
  const manifest = (file: string) => {
    const found = cluster.objects.find((o) => o.file === file);
    if (!found) throw new Error(`${file} is not rendered`);
    return found.manifest;
  };

  test('GIVEN the shipped cluster (apps: []) THEN there is no apps stage', () => {
    const spec = loadSpec(defaultSpecText(), 'cluster.yaml');
    expect(cluster.stages.enabled(spec).map((s) => s.name)).not.toContain('apps');
  });

  test('GIVEN an app with only image, version and port THEN it runs restricted anywhere, behind the ingress at <name>.<domain>', () => {
    const pod = manifest('dist/apps/apps/deployment-whoami.yaml').spec.template.spec;
    expect(pod.affinity).toBeUndefined();
    expect(pod.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.containers.map((c: { image: string; securityContext: unknown; ports: unknown; env: unknown }) => [c.image, c.securityContext, c.ports, c.env])).toEqual([
      [
        'docker.io/traefik/whoami:v1.11.0',
        { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } },
        [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
        [{ name: 'WHOAMI_PORT_NUMBER', value: '8080' }],
      ],
    ]);
    expect(manifest('dist/apps/apps/httproute-whoami.yaml').spec.hostnames).toEqual(['whoami.plain.home.arpa']);
    expect(manifest('dist/apps/apps/service-whoami.yaml').spec.ports).toEqual([{ name: 'http', port: 8080, targetPort: 8080 }]);
  });

  test('GIVEN an app with storage on the storage node THEN its claim is in the dataset, prune-protected, and the pod is pinned', () => {
    const claim = manifest('dist/apps/apps/persistentvolumeclaim-notes-data.yaml');
    expect([claim.metadata.annotations, claim.spec.resources]).toEqual([{ 'kustomize.toolkit.fluxcd.io/prune': 'disabled' }, { requests: { storage: '1Gi' } }]);
    expect(claim.spec.storageClassName).toMatch(/^nfs-apps-/);
    const pod = manifest('dist/apps/apps/deployment-notes.yaml').spec.template.spec;
    expect(pod.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values).toEqual(['vault']);
    expect(pod.containers[0].volumeMounts).toEqual([
      { name: 'data', mountPath: '/data' },
      { name: 'scratch-0', mountPath: '/tmp' },
    ]);
    expect(manifest('dist/apps/namespace-apps.yaml').metadata.annotations).toEqual({ 'kustomize.toolkit.fluxcd.io/prune': 'disabled' });
  });

  test('GIVEN an amd64-only app placed anywhere THEN the architecture check refuses it, naming the arm64 worker', async () => {
    // GIVEN
    const doc = parseDocument(fixtureText(join(FIXTURES, 'valid', 'media-apps.yaml')));
    doc.setIn(['apps', 0, 'architectures'], ['amd64']);
    // WHEN
    const result = synthesize(doc.toString(), 'amd64.yaml');
    // THEN
    await expect(result).rejects.toMatchObject({
      problems: [
        '[architecture] dist/apps/apps/deployment-whoami.yaml: Deployment/apps/whoami: image docker.io/traefik/whoami:v1.11.0 (amd64) may be scheduled on rpi-spare (arm64); restrict its placement or use a multi-arch image',
      ],
    });
  });
});
