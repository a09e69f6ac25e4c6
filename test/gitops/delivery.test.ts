import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../main';
import { NETWORKING, NETWORKING_CONTROLLERS, NETWORKING_CRDS } from '../../charts/stages';
import { bootstrapManifests } from '../../lib/flux/bootstrap-manifests';
import { KubernetesSchemaCheck, StageDependencyCheck } from '../../lib/checks';
import { parse } from 'yaml';
import { Stage, StageRegistry } from '../../lib/stages/stage';
import { synthesize } from '../../lib/synth';
import { defaultSpecText } from '../helpers';
import { synthesized } from '../helpers-render';

describe('Flux delivery', () => {
  test('a stage using a CRD depends on the stage installing it (the shipped registry passes)', async () => {
    const { cluster } = await synthesized();
    expect(await new StageDependencyCheck().run(cluster)).toEqual([]);
    const flux = cluster.objects.filter((o) => o.group === 'flux' && o.manifest.kind === 'Kustomization');
    const networking = flux.find((o) => o.manifest.metadata.name === 'networking')!.manifest;
    expect(networking.spec.dependsOn).toEqual([{ name: 'networking-controllers' }]);
  });

  test('fails when a stage uses MetalLB resources without depending on the stage that installs them', async () => {
    // GIVEN the networking stage registered without its dependency on the controllers
    const orphan = new Stage({ name: NETWORKING.name, layer: 'networking', purpose: 'test', chart: NETWORKING.chart });
    const stages = new StageRegistry([NETWORKING_CRDS, NETWORKING_CONTROLLERS, orphan]);
    // WHEN
    const { cluster } = await synthesize(defaultSpecText(), 'cluster.yaml', { stages, checks: [] });
    // THEN
    expect((await new StageDependencyCheck().run(cluster)).map((f) => f.message)).toEqual([
      'dist/networking/metallb-system/ipaddresspool-lan.yaml: IPAddressPool/metallb-system/lan: stage networking uses IPAddressPool of metallb.io, whose CRD is CustomResourceDefinition/ipaddresspools.metallb.io from HelmRelease/metallb-system/metallb in stage networking-controllers, but is not applied after it; make it depend on that stage',
      'dist/networking/metallb-system/l2advertisement-lan.yaml: L2Advertisement/metallb-system/lan: stage networking uses L2Advertisement of metallb.io, whose CRD is CustomResourceDefinition/l2advertisements.metallb.io from HelmRelease/metallb-system/metallb in stage networking-controllers, but is not applied after it; make it depend on that stage',
      'dist/networking/metallb-system/l2advertisement-lan-atlas.yaml: L2Advertisement/metallb-system/lan-atlas: stage networking uses L2Advertisement of metallb.io, whose CRD is CustomResourceDefinition/l2advertisements.metallb.io from HelmRelease/metallb-system/metallb in stage networking-controllers, but is not applied after it; make it depend on that stage',
    ]);
  });

  test('flux/ is not inside any Kustomization path but its own (stages and secrets only)', async () => {
    const { cluster } = await synthesized();
    const paths = cluster.objects
      .filter((o) => o.manifest.kind === 'Kustomization' && o.manifest.apiVersion.startsWith('kustomize.toolkit') && o.manifest.spec.sourceRef.name === 'flux-system')
      .map((o) => o.manifest.spec.path);
    expect(paths.filter((p: string) => p !== './flux' && p !== './secrets' && !p.startsWith('./dist/'))).toEqual([]);
    expect(paths.filter((p: string) => p === '.' || p === './' || './flux'.startsWith(`${p}/`))).toEqual([]);
  });

  const kubectl = spawnSync('kubectl', ['version', '--client']).status === 0;
  if (process.env.CI === 'true' && !kubectl) {
    test('kubectl is installed in CI', () => {
      throw new Error('kubectl is missing: the CI machine image provides it');
    });
  }
  (kubectl ? test : test.skip)('kubectl kustomize builds every stage folder and flux/', async () => {
    const out = mkdtempSync(join(tmpdir(), 'kustomize-'));
    try {
      await run(['--out', out]);
      const folders = [...readdirSync(join(out, 'dist')).map((d) => join(out, 'dist', d)), join(out, 'flux')];
      expect(folders.length).toBeGreaterThan(5);
      for (const folder of folders) {
        const r = spawnSync('kubectl', ['kustomize', folder], { encoding: 'utf8' });
        expect(`${folder.replace(out, '')}: ${r.status} ${r.stderr}`).toBe(`${folder.replace(out, '')}: 0 `);
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});

describe('Flux bootstrap', () => {
  test('k3s installs Flux from the same chart version and values as the HelmRelease that takes it over', async () => {
    const { cluster } = await synthesized();
    const manifests = bootstrapManifests(cluster.spec);
    expect(manifests.map((m) => m.fileName)).toEqual(['05-calico-crds.yaml', '10-calico.yaml', '20-flux.yaml', '30-flux-sync.yaml']);
    const chart = manifests.find((m) => m.fileName === '20-flux.yaml')!.objects[0];
    const release = cluster.objects.find((o) => o.manifest.kind === 'HelmRelease' && o.manifest.metadata.name === 'flux2')!.manifest;
    expect([chart.spec.chart, chart.spec.version, chart.spec.targetNamespace]).toEqual([release.spec.chart.spec.chart, release.spec.chart.spec.version, release.metadata.namespace]);
    expect(parse(chart.spec.valuesContent)).toEqual(release.spec.values);
  });

  test('the root sync k3s applies is the one flux/ renders, and every bootstrap object fits its schema', async () => {
    const { cluster } = await synthesized();
    const sync = bootstrapManifests(cluster.spec).find((m) => m.fileName === '30-flux-sync.yaml')!.objects;
    const rendered = cluster.objects.filter((o) => o.file.startsWith('flux/') && o.manifest.metadata.name === 'flux-system').map((o) => o.manifest);
    expect(sync).toEqual(expect.arrayContaining(rendered));
    const objects = bootstrapManifests(cluster.spec).flatMap((m) => m.objects.map((manifest) => ({ file: `bootstrap/${m.fileName}`, group: 'bootstrap', manifest })));
    expect(await new KubernetesSchemaCheck().run({ ...cluster, objects, chartObjects: [] })).toEqual([]);
  });
});
