import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { capabilityReads, CapabilityReads, newTally, rangeMet, rootContextEscape, textReads, visibleCapabilities } from '../../lib/helm/capability-reads';
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
const reads = (text: string) => {
  const tally = newTally();
  textReads(text, tally);
  return { kubeVersion: tally.kubeVersion, allApis: tally.allApis, has: [...tally.has] };
};
const NONE = { kubeVersion: false, allApis: false, has: [] };

describe('what a chart reads of the served APIs', () => {
  test('a template that names Capabilities only for the Helm version, or not at all, reads nothing', () => {
    expect(reads('{{ $.Capabilities.HelmVersion.Version }}')).toEqual(NONE);
    // A word that only ends in the name (a PodSecurityPolicy field) is no template read.
    expect(reads('allowedCapabilities: []\nrequiredDropCapabilities: [ALL]')).toEqual(NONE);
  });

  test('the Kubernetes version is read by name; Has of a literal reads that one API; any other use reads everything', () => {
    expect(reads('{{ if semverCompare ">=1.30" .Capabilities.KubeVersion.Version }}x{{ end }}')).toEqual({ ...NONE, kubeVersion: true });
    expect(reads('{{- if .Capabilities.APIVersions.Has "monitoring.coreos.com/v1" }}')).toEqual({ ...NONE, has: ['monitoring.coreos.com/v1'] });
    const everything = { kubeVersion: true, allApis: true, has: [] };
    expect(reads('{{ $caps := .Capabilities }}{{ $caps.APIVersions }}')).toEqual(everything);
    expect(reads('{{ toYaml .Capabilities }}')).toEqual(everything);
    expect(reads('{{ .Capabilities.APIVersions.Has (printf "%s/v1" .Values.group) }}')).toEqual(everything);
    expect(reads('{{ include "x" (dict "caps" $.Capabilities) }}')).toEqual(everything);
    expect(reads('{{ index . "Capabilities" }}')).toEqual(everything);
  });

  // Go templates that hand the root context on without naming Capabilities, and ones that do not.
  test.each([
    ['toYaml $', ['{{ toYaml $ }}'], true],
    ['toYaml . at the top', ['{{ toYaml . }}'], true],
    ['. | toJson', ['{{ . | toJson }}'], true],
    ['index $ "x"', ['{{ index $ "Capab" }}'], true],
    ['list $ to a template', ['{{ include "x" (list $ 1) }}'], true],
    ['a variable bound to the root, serialized', ['{{- $root := . }}{{ toYaml $root }}'], true],
    ['range over the root', ['{{ range $k, $v := $ }}{{ $k }}{{ end }}'], true],
    ['with $ and toYaml inside', ['{{ with $ }}{{ toYaml . }}{{ end }}'], true],
    ['the else branch of a range sees the outer root', ['{{ range .Values.x }}{{ toYaml . }}{{ else }}{{ toYaml . }}{{ end }}'], true],
    ['a define invoked with the root, in another file', ['{{ include "a" $ }}', '{{ define "a" }}{{ toYaml . }}{{ end }}'], true],
    ['a dict key carrying the root, serialized in the define', ['{{ include "x" (dict "root" $ "v" 1) }}{{ define "x" }}{{ toYaml .root }}{{ end }}'], true],
    ['a template invoked with the root under a computed name', ['{{ include (printf "%s" .Values.n) . }}{{ define "a" }}{{ toYaml . }}{{ end }}'], true],
    ['include "x" .', ['{{ include "x" . | nindent 4 }}'], false],
    ['toYaml of a with block over values', ['{{- with .Values.resources }}{{ toYaml . | nindent 8 }}{{ end }}'], false],
    ['field chains', ['{{ $.Values.x }} {{ .Release.Name }}'], false],
    ['a dict key carrying the root, read by field', ['{{ include "x" (dict "root" $) }}{{ define "x" }}{{ .root.Release.Name }}{{ end }}'], false],
    ['the root in a variable, handed to a template', ['{{- $root := . }}{{ range .Values.list }}{{ include "x" $root }}{{ end }}'], false],
    ['tpl with the root', ['{{ tpl (toYaml .Values.extra) . }}'], false],
    ['a define invoked with values only', ['{{ define "a" }}{{ toYaml . }}{{ end }}{{ include "a" .Values.x }}'], false],
    ['a template file included by its path', ['{{ include (print $.Template.BasePath "/cm.yaml") . | sha256sum }}{{ define "a" }}{{ toYaml . }}{{ end }}'], false],
    ['a comment', ['{{/* toYaml . */}}'], false],
  ])('the root context: %s', (_name, texts, escapes) => {
    expect(rootContextEscape(...texts) !== undefined).toBe(escapes);
  });

  test('a chart that hands its root context to toYaml reads everything, though it never names Capabilities', () => {
    const files = new Map([
      ['c/Chart.yaml', Buffer.from('name: c\nversion: 1.0.0\n')],
      ['c/templates/cm.yaml', Buffer.from('data:\n  all: {{ toYaml $ | quote }}\n')],
    ]);
    expect(capabilityReads(files)).toEqual({ kubeVersion: true, kubeVersionRanges: [], apiVersions: { all: true } });
  });

  test('values that tpl may evaluate count: a values string with a template action makes the render read everything', () => {
    const served = ['a/v1', 'monitoring.coreos.com/v1', 'policy/v1/PodDisruptionBudget'];
    const none: CapabilityReads = { kubeVersion: false, kubeVersionRanges: [], apiVersions: { all: false, has: [] } };
    const see = (values: unknown, reads = none) => visibleCapabilities(reads, values, 'v1.33.11+k3s1', served);
    const everything = { kubeVersion: 'v1.33.11+k3s1', apiVersions: served };
    expect(see({ replicas: 1, name: 'Capabilities' })).toEqual({ kubeVersion: { rangesMet: [] }, apiVersions: [] });
    // `tpl` runs it with the root: it may ask anything, or invoke a named template with the root.
    expect(see({ extra: '{{ if .Capabilities.APIVersions.Has "a/v1" }}y{{ end }}' })).toEqual(everything);
    expect(see({ extra: ['{{ include "chart.labels" . }}'] })).toEqual(everything);
    expect(see({}, { ...none, apiVersions: { all: true } })).toEqual({ kubeVersion: { rangesMet: [] }, apiVersions: served });
    expect(see({}, { ...none, apiVersions: { all: false, has: ['a/v1', 'b/v1'] } })).toEqual({ kubeVersion: { rangesMet: [] }, apiVersions: ['a/v1'] });
    expect(see({}, { ...none, kubeVersionRanges: ['>= 1.22.0-0'] })).toEqual({ kubeVersion: { rangesMet: [true] }, apiVersions: [] });
    expect(see({}, { ...none, kubeVersionRanges: ['>= 1.22.0-0', '~1.33'] })).toEqual({ kubeVersion: 'v1.33.11+k3s1', apiVersions: [] });
  });

  test('the pinned charts: traefik asks about two APIs, none reads the Kubernetes version, three have a kubeVersion range', () => {
    const of = (chart: string) => capabilityReads(readChartArchive(pinned(chart), REAL).files());
    expect(of('traefik')).toEqual({ kubeVersion: false, kubeVersionRanges: ['>=1.25.0-0'], apiVersions: { all: false, has: ['monitoring.coreos.com/v1', 'policy/v1/PodDisruptionBudget'] } });
    expect(of('cert-manager').kubeVersionRanges).toEqual(['>= 1.22.0-0']);
    // MetalLB's own range and its frr-k8s subchart's.
    expect(of('metallb').kubeVersionRanges).toEqual(['>= 1.19.0-0', '>= 1.19.0-0']);
    for (const chart of ['flux2', 'tigera-operator', 'cert-manager', 'metallb', 'csi-driver-nfs']) {
      expect([chart, of(chart).kubeVersion, of(chart).apiVersions]).toEqual([chart, false, { all: false, has: [] }]);
    }
  });

  test('a kubeVersion range as Helm reads it: comparators joined by spaces or commas; anything else keeps the exact version', () => {
    expect(rangeMet('>= 1.22.0-0', 'v1.33.11+k3s1')).toBe(true);
    expect(rangeMet('>= 1.22.0-0', 'v1.21.14+k3s1')).toBe(false);
    expect(rangeMet('>= 1.22.0-0', 'v1.22.0+k3s1')).toBe(true);
    expect(rangeMet('>=1.25.0-0 <1.34.0', 'v1.33.11+k3s1')).toBe(true);
    expect(rangeMet('>=1.25.0-0, <1.33.0', 'v1.33.11+k3s1')).toBe(false);
    expect(rangeMet('< 1.33.0-0', 'v1.33.0+k3s1')).toBe(false);
    expect(rangeMet('>= 1.25', 'v1.25.0+k3s1')).toBe(true);
    for (const range of ['~1.33', '^1.30', '1.33.x', '>= 1.20 || < 1.10', '> 1.32', '<= 1.33', '1.20 - 1.30', '= 1.33']) {
      expect([range, rangeMet(range, 'v1.33.11+k3s1')]).toEqual([range, undefined]);
    }
    expect(rangeMet('>= 1.22.0-0', 'v1.34.0-rc.1+k3s1')).toBeUndefined();
  });
});

describe('the render key holds what helm can see, no more', () => {
  const helm = helmBinaryPath(REAL);
  const template = (chart: string, apiVersions: string[], set: string[] = []) => {
    const archive = readChartArchive(pinned(chart), REAL);
    const args = ['template', 'x', archive.path, '--namespace', 'x', ...apiVersions.flatMap((a) => ['--api-versions', a]), ...set.flatMap((s) => ['--set', s])];
    return spawnSync(helm, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  };

  test('helm itself: cert-manager refuses a Kubernetes version below its range, as rangeMet says', () => {
    const archive = readChartArchive(pinned('cert-manager'), REAL);
    for (const kube of ['v1.21.14+k3s1', 'v1.22.0+k3s1', 'v1.33.11+k3s1']) {
      const r = spawnSync(helm, ['template', 'x', archive.path, '--namespace', 'x', '--kube-version', kube], { encoding: 'utf8', maxBuffer: 64 << 20 });
      expect([kube, r.status === 0]).toEqual([kube, rangeMet('>= 1.22.0-0', kube)]);
    }
  });

  test('helm itself: traefik renders otherwise when an API it asks about is served, flux2 prints the same whatever is served', () => {
    const monitor = ['metrics.prometheus.serviceMonitor.enabled=true'];
    const without = template('traefik', ['example.com/v1'], monitor);
    expect([without.status, without.stderr]).toEqual([1, expect.stringContaining('You have to deploy monitoring.coreos.com/v1 first')]);
    const served = template('traefik', ['monitoring.coreos.com/v1'], monitor);
    expect([served.status, served.stdout]).toEqual([0, expect.stringContaining('kind: ServiceMonitor')]);
    const flux = template('flux2', []);
    expect(flux.status).toBe(0);
    expect(template('flux2', ['monitoring.coreos.com/v1', 'example.com/v1']).stdout).toBe(flux.stdout);
    const kube = (version: string) => spawnSync(helm, ['template', 'x', readChartArchive(pinned('flux2'), REAL).path, '--namespace', 'x', '--kube-version', version], { encoding: 'utf8' });
    expect(kube('v1.30.2+k3s1').stdout).toBe(kube('v1.33.11+k3s1').stdout);
  });

  test('one render serves clusters that differ only in what the chart never reads; an API it reads renders again', async () => {
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
      const context = (apiVersions: string[], kubeVersion = 'v1.33.11+k3s1') => ({ kubeVersion, apiVersions });
      await renderer.render([release('flux2'), release('traefik')], context([]));
      expect(keys()).toBe(2);
      await renderer.render([release('flux2'), release('traefik')], context(['example.com/v1'], 'v1.32.5+k3s1'));
      expect(keys()).toBe(2);
      await renderer.render([release('flux2'), release('traefik')], context(['example.com/v1', 'monitoring.coreos.com/v1']));
      expect(keys()).toBe(3);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
