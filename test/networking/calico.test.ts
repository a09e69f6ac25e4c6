import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'yaml';
import { bootstrapManifests } from '../../lib/flux/bootstrap-manifests';
import { loadSpec } from '../../lib/services/registry';
import { defaultSpecText, fixtures, REPO } from '../helpers';
import { renderSpec } from '../helpers-render';
import type { Yaml } from '../../lib/yaml/yaml';

type Validate = ((m: unknown) => boolean) & { errors?: unknown[] };

/** The validator `npm run import` generated from ../shared/crds for one kind. */
async function validator(group: string, name: string): Promise<Validate> {
  const file = join(REPO, 'imports', 'validators', group, `${name}.js`);
  return ((await import(pathToFileURL(file).href)) as { validate: Validate }).validate;
}

function calicoHelmChart(text: string): Yaml {
  const manifest = bootstrapManifests(loadSpec(text, 'spec.yaml')).find((m) => m.fileName === '10-calico.yaml')!;
  return manifest.objects[0];
}

describe('Calico', () => {
  test('the bootstrap HelmChart installs the same chart, version, release and values as the Flux HelmRelease', () => {
    // GIVEN
    const helmChart = calicoHelmChart(defaultSpecText());
    const release = renderSpec(defaultSpecText()).objects.find(
      (o) => o.manifest.kind === 'HelmRelease' && o.manifest.spec.chart.spec.chart === 'tigera-operator',
    )!.manifest;
    // THEN
    expect(helmChart.spec.bootstrap).toBe(true);
    expect(helmChart.spec.createNamespace).toBe(true);
    expect([helmChart.spec.chart, helmChart.spec.version]).toEqual([release.spec.chart.spec.chart, release.spec.chart.spec.version]);
    expect([helmChart.metadata.name, helmChart.spec.targetNamespace]).toEqual([
      release.spec.releaseName ?? release.metadata.name,
      release.spec.targetNamespace ?? release.metadata.namespace,
    ]);
    expect(parse(helmChart.spec.valuesContent)).toEqual(release.spec.values);
  });

  test('the bootstrap HelmChart fits the helm.cattle.io CRD', async () => {
    const validate = await validator('helm.cattle.io', 'HelmCattleIoV1HelmChart');
    expect(validate(calicoHelmChart(defaultSpecText()))).toBe(true);
  });

  test.each([['cluster.yaml', defaultSpecText()], ...fixtures('valid')])(
    'the Installation the chart renders for %s fits the operator CRD and uses the spec pod CIDR',
    async (_name, text) => {
      // GIVEN the Installation as the chart templates it from `installation`
      const { enabled, ...installationSpec } = parse(calicoHelmChart(text).spec.valuesContent).installation;
      const installation = { apiVersion: 'operator.tigera.io/v1', kind: 'Installation', metadata: { name: 'default' }, spec: installationSpec };
      // THEN
      const validate = await validator('operator.tigera.io', 'OperatorTigeraIoV1Installation');
      expect(enabled).toBe(true);
      expect(validate(installation)).toBe(true);
      expect(installationSpec.calicoNetwork.ipPools.map((p: Yaml) => p.cidr)).toEqual([loadSpec(text, 'spec.yaml').network.podCidr]);
    },
  );

  test('fails validation when an Installation field has a value the CRD does not allow', async () => {
    const validate = await validator('operator.tigera.io', 'OperatorTigeraIoV1Installation');
    const bad = { apiVersion: 'operator.tigera.io/v1', kind: 'Installation', metadata: { name: 'default' }, spec: { calicoNetwork: { bgp: 'Sometimes' } } };
    expect(validate(bad)).toBe(false);
  });
});
