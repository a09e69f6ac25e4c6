import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CapacityCheck, PromisesCheck, StageDependencyCheck } from '../../lib/checks';
import { UserError } from '../../lib/errors';
import { cacheLayout, helmBinaryPath } from '../../lib/helm/chart-cache';
import { HelmChartRenderer } from '../../lib/helm/chart-renderer';
import { renderChartObjects } from '../../lib/helm/cluster-charts';
import { chartReleases } from '../../lib/helm/releases';
import { chartValuesModel, unreadValues } from '../../lib/helm/unread-values';
import { readChartArchive } from '../../lib/helm/chart-cache';
import { RenderedCluster } from '../../lib/output/rendered';
import { synthesize } from '../../lib/synth';
import { METALLB_CHART, PINNED_CHARTS, TIGERA_OPERATOR_CHART } from '../../lib/upstream/charts';
import { defaultSpecText } from '../helpers';
import { renderSpec, synthesized } from '../helpers-render';

const REAL = cacheLayout();

/** A chart cache in a scratch folder: the real helm and renders, and the archives `archives` returns. */
function scratchCache(archives: (charts: string) => void): { layout: ReturnType<typeof cacheLayout>; cleanup: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'chart-cache-'));
  const layout = cacheLayout(root);
  mkdirSync(layout.charts);
  symlinkSync(REAL.helm, layout.helm);
  symlinkSync(REAL.renders, layout.renders);
  archives(layout.charts);
  return { layout, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

async function synthError(options: Parameters<typeof synthesize>[2]): Promise<string[]> {
  try {
    await synthesize(defaultSpecText(), 'cluster.yaml', options);
  } catch (e) {
    if (e instanceof UserError) return [e.message.split('\n')[0], ...e.problems];
    throw e;
  }
  throw new Error('synth succeeded');
}

function withRelease(cluster: RenderedCluster, name: string, edit: (values: Record<string, unknown>) => Record<string, unknown>): RenderedCluster {
  return {
    ...cluster,
    objects: cluster.objects.map((o) =>
      o.manifest.kind === 'HelmRelease' && o.manifest.metadata.name === name
        ? { ...o, manifest: { ...o.manifest, spec: { ...o.manifest.spec, values: edit(structuredClone(o.manifest.spec.values)) } } }
        : o,
    ),
  };
}

async function rerender(cluster: RenderedCluster): Promise<RenderedCluster> {
  const charts = await renderChartObjects(cluster, new HelmChartRenderer({ required: true }));
  expect(charts.findings).toEqual([]);
  return { ...cluster, chartObjects: charts.chartObjects, releases: charts.releases };
}

describe('the chart cache', () => {
  test('GIVEN a pinned version with no archive WHEN synth runs THEN it fails naming the archive and the command', async () => {
    const { layout, cleanup } = scratchCache((charts) => {
      for (const c of PINNED_CHARTS.filter((c) => c !== METALLB_CHART)) copyFileSync(join(REAL.charts, `${c.chart}-${c.version}.tgz`), join(charts, `${c.chart}-${c.version}.tgz`));
    });
    try {
      const lines = await synthError({ charts: new HelmChartRenderer({ layout, required: true }) });
      expect(lines).toEqual([
        '1 check failed; nothing was written:',
        `[charts] chart metallb 0.16.1 is pinned but ${join(layout.charts, 'metallb-0.16.1.tgz')} does not exist; run npm run charts (or npm run charts -- --from DIR with a folder of chart archives)`,
      ]);
    } finally {
      cleanup();
    }
  });

  test('GIVEN an archive of another version under the pinned name WHEN synth runs THEN it fails naming both versions', async () => {
    const { layout, cleanup } = scratchCache((charts) => {
      for (const c of PINNED_CHARTS) copyFileSync(join(REAL.charts, `${c.chart}-${c.version}.tgz`), join(charts, `${c.chart}-${c.version}.tgz`));
      copyFileSync(join(__dirname, '..', '..', '..', 'shared', 'charts', 'tigera-operator-v3.32.1.tgz'), join(charts, 'tigera-operator-v3.32.0.tgz'));
    });
    try {
      // A fresh spec text so that no render of the real archive's digest is cached for it.
      const lines = await synthError({ charts: new HelmChartRenderer({ layout, required: true }) });
      expect(lines).toEqual([
        '1 check failed; nothing was written:',
        `[charts] ${join(layout.charts, 'tigera-operator-v3.32.0.tgz')} holds chart tigera-operator version v3.32.1, but tigera-operator v3.32.0 is pinned; delete it and run npm run charts (or npm run charts -- --from DIR with a folder of chart archives)`,
      ]);
    } finally {
      cleanup();
    }
  });

  test('GIVEN no chart cache at all WHEN synth runs THEN it still succeeds and says which checks did not see the charts', async () => {
    const root = mkdtempSync(join(tmpdir(), 'no-cache-'));
    try {
      const { cluster, warnings } = await synthesize(defaultSpecText(), 'cluster.yaml', { charts: new HelmChartRenderer({ layout: cacheLayout(root) }) });
      expect(cluster.chartObjects).toEqual([]);
      expect(warnings.filter((w) => w.check === 'charts').map((w) => w.message)).toEqual([
        `the chart releases were not rendered: there is no chart cache (${join(root, 'charts')}); run npm run charts (or npm run charts -- --from DIR with a folder of chart archives). ` +
          "Until then these checks see only this project's own objects, not what the charts install: kubernetes-schema, security-policy, architecture, promises, capacity, data-protection, k3os-config, host-consistency, k3s-cli-flags, k3s-cis, stage-dependencies, secrets, flows, upgrade-access, api-update, node-logs, alloy-reference, first-boot, writable-dirs, home-assistant-metrics, ansible-folders, pinned-images, priority-classes, probes",
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('rendered releases', () => {
  test('every HelmRelease and bootstrap HelmChart is rendered at its pin, and every check sees their pods', async () => {
    const { cluster } = await synthesized();
    expect(cluster.releases.map((r) => `${r.release.id} ${r.release.source.chart} ${r.release.source.version} ${r.release.group}`)).toEqual([
      'HelmRelease/kube-system/calico-crds crd.projectcalico.org.v1 v3.32.0 networking-crds',
      'HelmRelease/tigera-operator/tigera-operator tigera-operator v3.32.0 networking-controllers',
      'HelmRelease/metallb-system/metallb metallb 0.16.1 networking-controllers',
      'HelmRelease/cert-manager/cert-manager cert-manager v1.21.1 ingress-controllers',
      'HelmRelease/traefik/traefik traefik 41.3.0 ingress-controllers',
      'HelmRelease/kube-system/csi-driver-nfs csi-driver-nfs 4.12.1 storage-controllers',
      'HelmRelease/flux-system/flux2 flux2 2.18.3 flux',
      'HelmChart/kube-system/calico-crds crd.projectcalico.org.v1 v3.32.0 bootstrap/05-calico-crds.yaml',
      'HelmChart/kube-system/tigera-operator tigera-operator v3.32.0 bootstrap/10-calico.yaml',
      'HelmChart/kube-system/flux2 flux2 2.18.3 bootstrap/20-flux.yaml',
    ]);
    const workloads = cluster.chartObjects.filter((o) => ['Deployment', 'DaemonSet', 'StatefulSet'].includes(o.manifest.kind)).map((o) => `${o.manifest.kind}/${o.manifest.metadata.namespace}/${o.manifest.metadata.name}`);
    expect(workloads.sort()).toEqual([
      'DaemonSet/kube-system/csi-nfs-node',
      'DaemonSet/metallb-system/metallb-speaker',
      'Deployment/cert-manager/cert-manager',
      'Deployment/cert-manager/cert-manager-cainjector',
      'Deployment/cert-manager/cert-manager-webhook',
      'Deployment/flux-system/helm-controller',
      'Deployment/flux-system/kustomize-controller',
      'Deployment/flux-system/notification-controller',
      'Deployment/flux-system/source-controller',
      'Deployment/kube-system/csi-nfs-controller',
      'Deployment/metallb-system/metallb-controller',
      'Deployment/tigera-operator/tigera-operator',
      'Deployment/traefik/traefik',
    ]);
  });

  test("every rendered object names the chart template it came from, traefik's CRDs (files that open with their own ---) included", async () => {
    const { cluster } = await synthesized();
    const traefik = cluster.releases.find((r) => r.release.id === 'HelmRelease/traefik/traefik')!;
    const template = (kind: string, name: string): string | undefined => traefik.objects.find((o) => o.manifest.kind === kind && o.manifest.metadata.name === name)?.template;
    expect(template('CustomResourceDefinition', 'ingressroutes.traefik.io')).toBe('traefik/crds/traefik.io_ingressroutes.yaml');
    expect(template('CustomResourceDefinition', 'accesscontrolpolicies.hub.traefik.io')).toBe('traefik/crds/hub.traefik.io_accesscontrolpolicies.yaml');
    expect(template('Deployment', 'traefik')).toBe('traefik/templates/deployment.yaml');
    const unattributed = cluster.releases.flatMap((r) => r.objects.filter((o) => !o.template.startsWith(`${r.release.source.chart}/`)).map((o) => `${r.release.id}: ${o.manifest.kind}/${o.manifest.metadata.name} ${o.template}`));
    expect(unattributed).toEqual([]);
  });

  test('GIVEN a values typo WHEN the release is rendered THEN the key the chart never reads is an error', async () => {
    const { cluster } = await synthesize(defaultSpecText(), 'cluster.yaml', { checks: [] });
    const typo = withRelease(cluster, 'metallb', (v) => ({ ...v, speaker: { ...(v.speaker as object), tolerateMastr: true } }));
    const charts = await renderChartObjects(typo, new HelmChartRenderer({ required: true }));
    expect(charts.findings.map((f) => f.message)).toEqual([
      'dist/networking-controllers/metallb-system/helmrelease-metallb.yaml: HelmRelease/metallb-system/metallb: values.speaker.tolerateMastr is not read by chart metallb 0.16.1 (no template uses it and its default values have no such key); fix the key or remove it',
    ]);
  });

  test('the unread-values reader accepts what templates take whole and keys they name', () => {
    const model = chartValuesModel(readChartArchive(TIGERA_OPERATOR_CHART, REAL).files());
    // installation and apiServer are passed whole into the custom resources (toYaml, omit), so
    // any field under them is read (and judged by the CRD's schema); a top-level typo is not.
    expect(unreadValues(model, { installation: { anything: 1 }, tolerations: [], nodeSelector: { a: 'b' }, typo: 1, apiServer: { enabledd: true } })).toEqual(['typo']);
  });

  test('GIVEN a values schema violation WHEN the release is rendered THEN Helm refuses it and synth names the release', async () => {
    const { cluster } = await synthesize(defaultSpecText(), 'cluster.yaml', { checks: [] });
    const bad = withRelease(cluster, 'traefik', (v) => ({ ...v, deployment: { ...(v.deployment as object), replicas: 'two' } }));
    const charts = await renderChartObjects(bad, new HelmChartRenderer({ required: true }));
    expect(charts.findings).toHaveLength(1);
    expect(charts.findings[0].message).toMatch(
      /^dist\/ingress-controllers\/traefik\/helmrelease-traefik\.yaml: HelmRelease\/traefik\/traefik: helm template of traefik 41\.3\.0 failed: .*'\/deployment\/replicas': got string, want null or integer$/,
    );
  });
});

describe('ordering from what is rendered', () => {
  test('GIVEN the v3.32.0 operator chart alone (no CRD chart) THEN its Installation has no CRD in any earlier stage or bootstrap file', async () => {
    // GIVEN the cluster without the calico-crds release: no networking-crds stage, no 05-calico-crds.yaml
    const { cluster } = await synthesize(defaultSpecText(), 'cluster.yaml', { checks: [] });
    const withoutCrds: RenderedCluster = {
      ...cluster,
      objects: cluster.objects.filter((o) => o.group !== 'networking-crds'),
      chartObjects: cluster.chartObjects.filter((o) => o.group !== 'networking-crds'),
      bootstrapObjects: cluster.bootstrapObjects.filter((o) => o.group !== 'bootstrap/05-calico-crds.yaml'),
      releases: cluster.releases.filter((r) => r.release.releaseName !== 'calico-crds'),
    };
    // WHEN
    const messages = (await new StageDependencyCheck().run(withoutCrds)).map((f) => f.message);
    // THEN
    expect(messages).toEqual([
      'host-provisioning/k3os/pi-cp.yaml (/var/lib/rancher/k3s/server/manifests/10-calico.yaml) [tigera-operator/templates/crs/custom-resources.yaml]: Installation/tigera-operator/default: in the bootstrap file 10-calico.yaml, kind Installation of operator.tigera.io: no stage, chart or bootstrap file installs its CRD',
      'dist/networking-controllers/tigera-operator/helmrelease-tigera-operator.yaml [tigera-operator/templates/crs/custom-resources.yaml]: Installation/default: in stage networking-controllers, kind Installation of operator.tigera.io: no stage, chart or bootstrap file installs its CRD',
    ]);
  });

  test('the shipped cluster installs every kind before it is used', async () => {
    const { cluster } = await synthesize(defaultSpecText(), 'cluster.yaml', { checks: [] });
    expect(await new StageDependencyCheck().run(cluster)).toEqual([]);
  });
});

describe('chart pods in the checks', () => {
  test('GIVEN the csi-driver-nfs controller with the chart default tolerations THEN it may land on the control plane, which fails', async () => {
    const { cluster } = await synthesize(defaultSpecText(), 'cluster.yaml', { checks: [] });
    const defaults = await rerender(
      withRelease(cluster, 'csi-driver-nfs', (v) => {
        const { tolerations: _dropped, ...controller } = v.controller as Record<string, unknown>;
        return { ...v, controller };
      }),
    );
    expect((await new PromisesCheck().run(defaults)).map((f) => f.message)).toEqual([
      'dist/storage-controllers/kube-system/helmrelease-csi-driver-nfs.yaml [csi-driver-nfs/templates/csi-nfs-controller.yaml]: Deployment/kube-system/csi-nfs-controller: may be scheduled on the control plane pi-cp; only node agents (DaemonSets) may run there',
    ]);
  });

  test('GIVEN a 2 GB standby Pi THEN the chart pods, not ours, push it over its memory when the x86 node is down', async () => {
    const text = defaultSpecText().replace(/memoryGiB: 8\b/, 'memoryGiB: 2');
    const { cluster } = await synthesize(text, 'cluster.yaml', { checks: [] });
    const withCharts = (await new CapacityCheck().run(cluster)).filter((f) => f.severity === 'error').map((f) => f.message);
    const oursOnly = (await new CapacityCheck().run({ ...cluster, chartObjects: [] })).filter((f) => f.severity === 'error');
    expect(oursOnly).toEqual([]);
    expect(withCharts).toEqual(['pi-worker (atlas down): memory requests 1372 MiB exceed allocatable 1280 MiB']);
  });
});

describe('the typed Calico constructs', () => {
  test('imports/ was generated from the Installation CRD the pinned CRD chart installs', async () => {
    const { parseAllDocuments } = await import('yaml');
    const { cluster } = await synthesize(defaultSpecText(), 'cluster.yaml', { checks: [] });
    const rendered = cluster.chartObjects.find((o) => o.manifest.kind === 'CustomResourceDefinition' && o.manifest.metadata.name === 'installations.operator.tigera.io')!.manifest;
    const shared = parseAllDocuments(readFileSync(join(__dirname, '..', '..', '..', 'shared', 'crds', 'calico-operator.yaml'), 'utf8'))
      .map((d) => d.toJS())
      .find((d) => d?.metadata?.name === 'installations.operator.tigera.io');
    expect(rendered.spec).toEqual(shared.spec);
  });
});

describe('renders by several processes at once', () => {
  /** A cache with the real charts and a helm that logs each release it renders, then runs the real one. */
  function loggingCache(): { layout: ReturnType<typeof cacheLayout>; helmRuns: () => string[]; cleanup: () => void } {
    const root = mkdtempSync(join(tmpdir(), 'render-lock-'));
    const layout = cacheLayout(root);
    symlinkSync(REAL.charts, layout.charts);
    const helm = helmBinaryPath(layout);
    mkdirSync(dirname(helm), { recursive: true });
    const log = join(root, 'helm.log');
    writeFileSync(helm, `#!/bin/sh\necho "$2" >> '${log}'\nexec '${helmBinaryPath(REAL)}' "$@"\n`, { mode: 0o755 });
    const helmRuns = (): string[] => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []);
    return { layout, helmRuns, cleanup: () => rmSync(root, { recursive: true, force: true }) };
  }
  const keys = (layout: ReturnType<typeof cacheLayout>): string[] => readdirSync(layout.renders).filter((f) => !f.startsWith('output-')).sort();

  const cluster = renderSpec(defaultSpecText());
  const releases = chartReleases([...cluster.objects, ...cluster.bootstrapObjects]).filter((r) => r.source === METALLB_CHART || r.source === TIGERA_OPERATOR_CHART);
  const context = { kubeVersion: cluster.spec.k3s.version, apiVersions: [] };

  test('GIVEN two renderers on one empty cache WHEN they render the same releases together THEN helm runs once per render key', async () => {
    const { layout, helmRuns, cleanup } = loggingCache();
    try {
      const [a, b] = await Promise.all([new HelmChartRenderer({ layout, required: true }).render(releases, context), new HelmChartRenderer({ layout, required: true }).render(releases, context)]);
      expect(b).toEqual(a);
      expect(keys(layout).filter((f) => f.endsWith('.json'))).toHaveLength(helmRuns().length);
      expect(keys(layout).filter((f) => !f.endsWith('.json'))).toEqual([]);
      expect(new Set(helmRuns()).size).toBeGreaterThan(1);
    } finally {
      cleanup();
    }
  });

  test('GIVEN the locks of a render killed midway WHEN a synth renders THEN it takes them over and removes them', async () => {
    const { layout, helmRuns, cleanup } = loggingCache();
    try {
      const first = await new HelmChartRenderer({ layout, required: true }).render(releases, context);
      const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
      for (const key of keys(layout)) {
        rmSync(join(layout.renders, key));
        writeFileSync(join(layout.renders, `${key}.lock`), JSON.stringify({ pid: Number(dead.stdout), host: hostname() }));
      }
      const runs = helmRuns().length;
      expect(await new HelmChartRenderer({ layout, required: true }).render(releases, context)).toEqual(first);
      expect(helmRuns()).toHaveLength(2 * runs);
      expect(readdirSync(layout.renders).filter((f) => f.endsWith('.lock'))).toEqual([]);
    } finally {
      cleanup();
    }
  });
});
