import { synthesize } from '../../lib/synth';
import { RenderedCluster } from '../../lib/output/rendered';
import { parse } from 'yaml';
import { FIXTURES, fixtureText } from '../helpers';
import { join } from 'node:path';
import { synthesized } from '../helpers-render';

/* Jellyfin (lib/services/jellyfin/): off in the shipped cluster, on in the media-apps fixture. */

const manifest = (cluster: RenderedCluster, file: string) => {
  const found = cluster.objects.find((o) => o.file === file);
  if (!found) throw new Error(`${file} is not rendered`);
  return found.manifest;
};

describe('Jellyfin', () => {
  let cluster: RenderedCluster;
  beforeAll(async () => {
    ({ cluster } = await synthesize(fixtureText(join(FIXTURES, 'valid', 'media-apps.yaml')), 'media-apps.yaml'));
  });

  test('GIVEN the shipped cluster THEN there is no jellyfin stage and nothing of it is rendered', async () => {
    const shipped = await synthesized();
    expect(shipped.cluster.stages.enabled(shipped.cluster.spec).map((s) => s.name)).not.toContain('jellyfin');
    expect(shipped.cluster.objects.filter((o) => o.file.includes('jellyfin'))).toEqual([]);
  });

  test('GIVEN the fixture THEN it runs on the storage node with the media read-only and its configuration on a local claim', () => {
    const deployment = manifest(cluster, 'dist/jellyfin/jellyfin/deployment-jellyfin.yaml');
    const pod = deployment.spec.template.spec;
    expect(pod.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([
      { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['vault'] }] },
    ]);
    expect(pod.containers[0].image).toBe('docker.io/jellyfin/jellyfin:10.11.11');
    expect(pod.containers[0].volumeMounts).toEqual([
      { name: 'config', mountPath: '/config' },
      { name: 'media', mountPath: '/media', readOnly: true },
      { name: 'cache', mountPath: '/cache' },
      { name: 'tmp', mountPath: '/tmp' },
    ]);
    expect(pod.volumes.find((v: { name: string }) => v.name === 'media')).toEqual({ name: 'media', persistentVolumeClaim: { claimName: 'jellyfin-media', readOnly: true } });
    expect(manifest(cluster, 'dist/jellyfin/persistentvolume-jellyfin-media.yaml').spec.local).toEqual({ path: '/pool0/media' });
    expect(manifest(cluster, 'dist/jellyfin/persistentvolume-jellyfin-jellyfin-config.yaml').spec.local).toEqual({ path: '/pool0/apps/jellyfin' });
    expect(manifest(cluster, 'dist/jellyfin/namespace-jellyfin.yaml').metadata.annotations).toEqual({ 'kustomize.toolkit.fluxcd.io/prune': 'disabled' });
  });

  test('GIVEN the fixture THEN it runs with the restricted defaults, the namespace is restricted, and only Traefik may reach it', () => {
    const container = manifest(cluster, 'dist/jellyfin/jellyfin/deployment-jellyfin.yaml').spec.template.spec.containers[0];
    expect(container.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(manifest(cluster, 'dist/jellyfin/namespace-jellyfin.yaml').metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    expect(
      cluster.objects
        .filter((o) => o.manifest.kind === 'NetworkPolicy' && o.manifest.metadata.namespace === 'jellyfin')
        .map((o) => o.manifest.metadata.name)
        .sort(),
    ).toEqual(['allow-from-ingress-controller', 'allow-same-namespace', 'default-deny-ingress']);
  });

  test('GIVEN the fixture THEN it is served at jellyfin.<domain> and resolves to the ingress VIP', () => {
    const route = manifest(cluster, 'dist/jellyfin/jellyfin/httproute-jellyfin.yaml');
    expect(route.spec.hostnames).toEqual(['jellyfin.plain.home.arpa']);
    expect(route.spec.rules).toEqual([{ backendRefs: [{ name: 'jellyfin', port: 8096 }] }]);
    const zone = Object.values(manifest(cluster, 'dist/dns/dns/configmap-coredns.yaml').data as Record<string, string>).join('\n');
    const ingressVip = cluster.vips.get('ingress');
    expect(zone.split('\n').filter((l) => l.startsWith('jellyfin '))).toEqual([`jellyfin                 IN A     ${ingressVip}`]);
  });

  test('GIVEN the fixture THEN its alert, its dashboard and its stage are there, the stage after storage and ingress', () => {
    const data = (name: string): Record<string, string> =>
      cluster.objects.find((o) => o.manifest.kind === 'ConfigMap' && o.manifest.metadata.name === name)!.manifest.data;
    const groups = parse(data('prometheus-rules')['homelab.yml']).groups as { name: string; rules: { alert: string; expr: string }[] }[];
    expect(groups.find((g) => g.name === 'jellyfin')?.rules.map((r) => [r.alert, r.expr])).toEqual([
      ['JellyfinDown', 'kube_deployment_status_replicas_available{namespace="jellyfin", deployment="jellyfin"} < 1'],
    ]);
    const dashboard = JSON.parse(data('grafana-dashboards')['homelab-jellyfin.json']);
    expect(dashboard.panels.map((p: { title: string }) => p.title)).toEqual(['Available replicas', 'CPU (transcoding)', 'Memory', 'Server log']);
    const stage = cluster.stages.ordered.find((s) => s.name === 'jellyfin');
    expect(stage?.dependsOn.map((d) => d.name)).toEqual(['storage', 'ingress']);
    const flux = manifest(cluster, 'flux/flux-system/kustomization-jellyfin.yaml');
    expect(flux.spec.dependsOn).toEqual([{ name: 'storage' }, { name: 'ingress' }]);
  });
});
