import { KubernetesSchemaCheck } from '../../lib/checks';
import { defaultSpecText } from '../helpers';
import { clusterWithObject, SAMPLE_DEPLOYMENT } from '../helpers-render';
import { synthesize } from '../../lib/synth';


const deployment = SAMPLE_DEPLOYMENT;

describe('KubernetesSchemaCheck', () => {
  const check = new KubernetesSchemaCheck();

  test('passes a valid core object', async () => {
    expect(await check.run(clusterWithObject(deployment))).toEqual([]);
  });

  test('fails on a wrong type, naming file, object, field and value', async () => {
    const bad = { ...deployment, spec: { ...deployment.spec, replicas: 'two' } };
    expect((await check.run(clusterWithObject(bad))).map((f) => f.message)).toEqual([
      'dist/test/object.yaml: Deployment/apps/web: spec.replicas: must be integer (value: "two")',
    ]);
  });

  test('fails on a missing required field', async () => {
    const bad = { ...deployment, spec: { ...deployment.spec, selector: undefined } };
    expect((await check.run(clusterWithObject(bad))).map((f) => f.message)).toEqual([
      'dist/test/object.yaml: Deployment/apps/web: spec.selector: is required',
    ]);
  });

  test('validates Flux objects against Flux schemas', async () => {
    const kustomization = {
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: { name: 'apps', namespace: 'flux-system' },
      spec: { interval: '10m', prune: 'yes', sourceRef: { kind: 'GitRepository', name: 'flux-system' } },
    };
    expect((await check.run(clusterWithObject(kustomization))).map((f) => f.message)).toEqual([
      'dist/test/object.yaml: Kustomization/flux-system/apps: spec.prune: must be boolean (value: "yes")',
    ]);
  });

  test('fails on a kind it has no schema for, rather than letting it through', async () => {
    const unknown = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } };
    expect((await check.run(clusterWithObject(unknown))).map((f) => f.message)).toEqual([
      'dist/test/object.yaml: Widget/w: no schema is known for example.com/v1 Widget',
    ]);
  });
});

describe('synthesize with a failing check', () => {
  test('throws one UserError listing every error finding', async () => {
    const failing = {
      name: 'always',
      run: async () => [
        { severity: 'error' as const, check: 'always', message: 'first' },
        { severity: 'warning' as const, check: 'always', message: 'only a warning' },
        { severity: 'error' as const, check: 'always', message: 'second' },
      ],
    };
    await expect(synthesize(defaultSpecText(), 'cluster.yaml', { checks: [failing] })).rejects.toThrow(
      '2 checks failed; nothing was written:\n  - [always] first\n  - [always] second',
    );
  });
});

describe('KubernetesSchemaCheck on custom resources with generated validators', () => {
  const check = new KubernetesSchemaCheck();
  const pool = {
    apiVersion: 'metallb.io/v1beta1',
    kind: 'IPAddressPool',
    metadata: { name: 'lan', namespace: 'metallb-system' },
    spec: { addresses: ['192.168.10.200-192.168.10.239'] },
  };

  test('passes a valid MetalLB pool', async () => {
    expect(await check.run(clusterWithObject(pool))).toEqual([]);
  });

  test('fails on a MetalLB pool whose addresses are not a list', async () => {
    const bad = { ...pool, spec: { addresses: '192.168.10.200-192.168.10.239', autoAssign: 'yes' } };
    expect((await check.run(clusterWithObject(bad))).map((f) => f.message)).toEqual([
      'dist/test/object.yaml: IPAddressPool/metallb-system/lan: spec.addresses: must be array (value: "192.168.10.200-192.168.10.239")',
      'dist/test/object.yaml: IPAddressPool/metallb-system/lan: spec.autoAssign: must be boolean (value: "yes")',
    ]);
  });

  test('fails on a k3s HelmChart without a chart', async () => {
    const chart = { apiVersion: 'helm.cattle.io/v1', kind: 'HelmChart', metadata: { name: 'x', namespace: 'kube-system' }, spec: { bootstrap: 'true' } };
    expect((await check.run(clusterWithObject(chart))).map((f) => f.message)).toEqual([
      'dist/test/object.yaml: HelmChart/kube-system/x: spec.bootstrap: must be boolean (value: "true")',
    ]);
  });
});
