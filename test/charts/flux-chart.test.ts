import { Chart, Testing } from 'cdk8s';
import { FluxChart } from '../../charts/flux-chart';
import { Stage } from '../../lib/stages/stage';
import { SPEC } from '../analysis/fixtures';
import { testApp } from '../helpers';

describe('FluxChart', () => {
  test('one Kustomization per stage, dependsOn taken from the stage graph', () => {
    // GIVEN
    const chart = Chart as unknown as Stage['chart'];
    const crds = new Stage({ name: 'crds', layer: 'a', purpose: 'CRDs', chart });
    const apps = new Stage({ name: 'apps', layer: 'b', purpose: 'apps', chart, dependsOn: [crds] });
    // WHEN
    const objects = Testing.synth(new FluxChart(testApp(), 'Flux', { spec: SPEC, stages: [crds, apps] }));
    // THEN
    const kustomizations = objects.filter((o) => o.kind === 'Kustomization');
    expect(kustomizations.map((k) => [k.metadata.name, k.spec.path, k.spec.dependsOn])).toEqual([
      ['flux-system', './flux', undefined],
      ['secrets', './secrets', undefined],
      ['crds', './dist/crds', undefined],
      ['apps', './dist/apps', [{ name: 'crds' }]],
    ]);
    expect(kustomizations[1].spec.decryption).toEqual({ provider: 'sops', secretRef: { name: 'sops-age' } });
    expect(kustomizations.slice(2).every((k) => k.spec.prune && k.spec.wait && k.spec.interval && k.spec.retryInterval && k.spec.timeout)).toBe(true);
  });

  test('the source points at the spec repository and branch', () => {
    const objects = Testing.synth(new FluxChart(testApp(), 'Flux', { spec: SPEC, stages: [] }));
    const source = objects.find((o) => o.kind === 'GitRepository');
    expect([source.spec.url, source.spec.ref]).toEqual([SPEC.git.url, { branch: SPEC.git.branch }]);
  });
});
