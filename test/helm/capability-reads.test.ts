import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiVersionReads, textReads, visibleApiVersions } from '../../lib/helm/capability-reads';
import { cacheLayout, helmBinaryPath, readChartArchive } from '../../lib/helm/chart-cache';
import { HelmChartRenderer } from '../../lib/helm/chart-renderer';
import { ChartRelease } from '../../lib/output/rendered';
import { PINNED_CHARTS } from '../../lib/upstream/charts';

const REAL = cacheLayout();
const pinned = (chart: string) => {
  const source = PINNED_CHARTS.find((c) => c.chart === chart);
  if (!source) throw new Error(`no pinned chart ${chart}`);
  return source;
};
const reads = (text: string): { ok: boolean; has: string[] } => {
  const has = new Set<string>();
  return { ok: textReads(text, has), has: [...has] };
};

describe('what a chart reads of the served APIs', () => {
  test('a template that names Capabilities only for the Kubernetes or Helm version, or not at all, reads none', () => {
    expect(reads('{{ if semverCompare ">=1.30" .Capabilities.KubeVersion.Version }}x{{ end }}')).toEqual({ ok: true, has: [] });
    expect(reads('{{ $.Capabilities.HelmVersion.Version }}')).toEqual({ ok: true, has: [] });
    // A word that only ends in the name (a PodSecurityPolicy field) is no template read.
    expect(reads('allowedCapabilities: []\nrequiredDropCapabilities: [ALL]')).toEqual({ ok: true, has: [] });
  });

  test('Has of a literal reads that one API; any other use reads them all', () => {
    expect(reads('{{- if .Capabilities.APIVersions.Has "monitoring.coreos.com/v1" }}')).toEqual({ ok: true, has: ['monitoring.coreos.com/v1'] });
    expect(reads('{{ $caps := .Capabilities }}{{ $caps.APIVersions }}').ok).toBe(false);
    expect(reads('{{ toYaml .Capabilities }}').ok).toBe(false);
    expect(reads('{{ .Capabilities.APIVersions.Has (printf "%s/v1" .Values.group) }}').ok).toBe(false);
    expect(reads('{{ include "x" (dict "caps" $.Capabilities) }}').ok).toBe(false);
    expect(reads('{{ index . "Capabilities" }}').ok).toBe(false);
  });

  test('values that tpl may evaluate count: a Capabilities read there widens the key', () => {
    const served = ['a/v1', 'monitoring.coreos.com/v1', 'policy/v1/PodDisruptionBudget'];
    const none = { all: false as const, has: [] };
    expect(visibleApiVersions(none, { replicas: 1 }, served)).toEqual([]);
    expect(visibleApiVersions(none, { extra: '{{ if .Capabilities.APIVersions.Has "a/v1" }}y{{ end }}' }, served)).toEqual(['a/v1']);
    expect(visibleApiVersions(none, { extra: '{{ toYaml .Capabilities }}' }, served)).toEqual(served);
    expect(visibleApiVersions({ all: true }, {}, served)).toEqual(served);
  });

  test('the pinned charts: traefik asks about two APIs, the others about none', () => {
    expect(apiVersionReads(readChartArchive(pinned('traefik'), REAL).files())).toEqual({
      all: false,
      has: ['monitoring.coreos.com/v1', 'policy/v1/PodDisruptionBudget'],
    });
    for (const chart of ['flux2', 'tigera-operator', 'cert-manager', 'metallb', 'csi-driver-nfs']) {
      expect([chart, apiVersionReads(readChartArchive(pinned(chart), REAL).files())]).toEqual([chart, { all: false, has: [] }]);
    }
  });
});

describe('the render key holds what helm can see, no more', () => {
  const helm = helmBinaryPath(REAL);
  const template = (chart: string, apiVersions: string[], set: string[] = []) => {
    const archive = readChartArchive(pinned(chart), REAL);
    const args = ['template', 'x', archive.path, '--namespace', 'x', ...apiVersions.flatMap((a) => ['--api-versions', a]), ...set.flatMap((s) => ['--set', s])];
    return spawnSync(helm, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  };

  test('helm itself: traefik renders otherwise when an API it asks about is served, flux2 prints the same whatever is served', () => {
    const monitor = ['metrics.prometheus.serviceMonitor.enabled=true'];
    const without = template('traefik', ['example.com/v1'], monitor);
    expect([without.status, without.stderr]).toEqual([1, expect.stringContaining('You have to deploy monitoring.coreos.com/v1 first')]);
    const served = template('traefik', ['monitoring.coreos.com/v1'], monitor);
    expect([served.status, served.stdout]).toEqual([0, expect.stringContaining('kind: ServiceMonitor')]);
    const flux = template('flux2', []);
    expect(flux.status).toBe(0);
    expect(template('flux2', ['monitoring.coreos.com/v1', 'example.com/v1']).stdout).toBe(flux.stdout);
  });

  test('one render serves clusters that differ only in APIs the chart never reads; an API it reads renders again', async () => {
    const root = mkdtempSync(join(tmpdir(), 'reads-'));
    try {
      const layout = { ...REAL, renders: join(root, 'renders') };
      const renderer = new HelmChartRenderer({ layout, required: true });
      const release = (chart: string): ChartRelease => ({
        kind: 'HelmRelease',
        id: `HelmRelease/x/${chart}`,
        file: 'test.yaml',
        group: 'test',
        releaseName: chart,
        namespace: 'x',
        values: {},
        includeCrds: false,
        source: pinned(chart),
      });
      const keys = () => readdirSync(layout.renders).filter((f) => /^[0-9a-f]{64}\.json$/.test(f)).length;
      const context = (apiVersions: string[]) => ({ kubeVersion: 'v1.33.11+k3s1', apiVersions });
      await renderer.render([release('flux2'), release('traefik')], context([]));
      expect(keys()).toBe(2);
      await renderer.render([release('flux2'), release('traefik')], context(['example.com/v1']));
      expect(keys()).toBe(2);
      await renderer.render([release('flux2'), release('traefik')], context(['example.com/v1', 'monitoring.coreos.com/v1']));
      expect(keys()).toBe(3);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
