import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'yaml';
import { bootstrapManifests } from '../../charts/bootstrap-manifests';
import { renderCluster } from '../../lib/render';
import { loadSpec } from '../../lib/spec/load-spec';
import { STAGES } from '../../charts/stages';
import { defaultSpecText, fixtures, REPO } from '../helpers';

type Validate = ((m: unknown) => boolean) & { errors?: unknown[] };

async function validator(group: string, name: string): Promise<Validate> {
  const file = join(REPO, 'imports', 'validators', group, `${name}.js`);
  return ((await import(pathToFileURL(file).href)) as { validate: Validate }).validate;
}

describe('Calico', () => {
  const spec = loadSpec(defaultSpecText(), 'cluster.yaml');
  const helmChart = bootstrapManifests(spec)[0].objects[0];
  const release = renderCluster(spec, STAGES).objects.find(
    (o) => o.manifest.kind === 'HelmRelease' && o.manifest.spec.chart.spec.chart === 'tigera-operator',
  )!.manifest;

  test('the bootstrap HelmChart installs the same chart version and values as the Flux release', () => {
    expect(helmChart.kind).toBe('HelmChart');
    expect(helmChart.spec.bootstrap).toBe(true);
    expect(helmChart.spec.createNamespace).toBe(true);
    expect(helmChart.spec.targetNamespace).toBe(release.metadata.namespace);
    expect(helmChart.spec.version).toBe(release.spec.chart.spec.version);
    expect(parse(helmChart.spec.valuesContent)).toEqual(release.spec.values);
  });

  test('the bootstrap HelmChart fits the helm.cattle.io CRD', async () => {
    const validate = await validator('helm.cattle.io', 'HelmCattleIoV1HelmChart');
    expect(validate(helmChart)).toBe(true);
  });

  test.each([['cluster.yaml', defaultSpecText()], ...fixtures('valid')])(
    'the Installation the chart renders for %s fits the operator CRD, with the spec pod CIDR',
    async (_name, text) => {
      const s = loadSpec(text, 'spec.yaml');
      const values = parse(bootstrapManifests(s)[0].objects[0].spec.valuesContent);
      const { enabled: _enabled, ...installationSpec } = values.installation;
      const installation = { apiVersion: 'operator.tigera.io/v1', kind: 'Installation', metadata: { name: 'default' }, spec: installationSpec };
      const validate = await validator('operator.tigera.io', 'OperatorTigeraIoV1Installation');
      expect(validate(installation)).toBe(true);
      expect(installationSpec.calicoNetwork.ipPools[0].cidr).toBe(s.network.podCidr);
    },
  );

  test('fails validation when an Installation field has the wrong type', async () => {
    const validate = await validator('operator.tigera.io', 'OperatorTigeraIoV1Installation');
    const bad = { apiVersion: 'operator.tigera.io/v1', kind: 'Installation', metadata: { name: 'default' }, spec: { calicoNetwork: { bgp: 'Sometimes' } } };
    expect(validate(bad)).toBe(false);
  });
});
