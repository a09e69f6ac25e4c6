// What a first boot would send to the API server, read from a rendered tree (dist/, flux/,
// host-provisioning/): each stage as Flux's kustomize-controller builds it, the k3s
// auto-deploy manifests, each Helm chart as its HelmRelease or HelmChart would render it, and
// the CRDs that the charts, the Git-published bundles and k3s itself install.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { SHARED } from './paths.mjs';

const AUTO_DEPLOY = '/var/lib/rancher/k3s/server/manifests/';

export class InputError extends Error {}

function docs(text, where) {
  return parseAllDocuments(text)
    .map((d) => {
      if (d.errors.length) throw new InputError(`${where}: not YAML: ${d.errors[0].message}`);
      return d.toJS();
    })
    .filter((o) => o && typeof o === 'object');
}

/** `kubectl kustomize DIR`, as kustomize-controller builds a Kustomization's path. */
function kustomize(kubectl, dir) {
  const r = spawnSync(kubectl, ['kustomize', dir], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new InputError(`kustomize build ${dir} failed: ${r.stderr.trim()}`);
  return docs(r.stdout, dir);
}

/** The stages of dist/ in name order, then flux/. Each: { name, kind: 'stage', objects }. */
export function stageGroups(root, kubectl) {
  const dist = join(root, 'dist');
  if (!existsSync(dist)) throw new InputError(`${dist} does not exist: run npm run synth first`);
  const groups = readdirSync(dist, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(dist, e.name, 'kustomization.yaml')))
    .map((e) => e.name)
    .sort()
    .map((name) => ({ name: `dist/${name}`, kind: 'stage', objects: kustomize(kubectl, join(dist, name)) }));
  groups.push({ name: 'flux', kind: 'stage', objects: kustomize(kubectl, join(root, 'flux')) });
  return groups;
}

/**
 * The manifests host provisioning writes to k3s's auto-deploy folder, in the order k3s
 * applies them (file name order), from the k3OS configs (write_files).
 */
export function autoDeployGroups(root) {
  const dir = join(root, 'host-provisioning', 'k3os');
  const files = new Map();
  if (existsSync(dir)) {
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.yaml')).sort()) {
      const config = parse(readFileSync(join(dir, f), 'utf8')) ?? {};
      for (const w of config.write_files ?? []) {
        if (typeof w.path === 'string' && w.path.startsWith(AUTO_DEPLOY)) {
          files.set(w.path, { name: `auto-deploy ${w.path.slice(AUTO_DEPLOY.length)} (${f})`, kind: 'auto-deploy', objects: docs(w.content ?? '', w.path) });
        }
      }
    }
  }
  return [...files.keys()].sort().map((k) => files.get(k));
}

/** Folder of chart archives: the project's chart cache if present, else ../shared/charts. */
export function chartsDir(root) {
  const cache = join(root, '.cache', 'charts');
  return existsSync(cache) ? cache : join(SHARED, 'charts');
}

/** Each Helm install the boot would run: Flux HelmReleases and k3s HelmCharts. */
export function helmInstalls(groups) {
  const installs = [];
  for (const g of groups) {
    for (const o of g.objects) {
      if (o.kind === 'HelmRelease' && o.apiVersion?.startsWith('helm.toolkit.fluxcd.io/')) {
        const s = o.spec ?? {};
        installs.push({
          by: `HelmRelease ${o.metadata.namespace}/${o.metadata.name} (${g.name})`,
          release: s.releaseName ?? o.metadata.name,
          namespace: s.targetNamespace ?? o.metadata.namespace,
          chart: s.chart?.spec?.chart,
          version: s.chart?.spec?.version,
          values: s.values ?? {},
          crds: (s.install?.crds ?? 'Create') !== 'Skip',
        });
      } else if (o.kind === 'HelmChart' && o.apiVersion?.startsWith('helm.cattle.io/')) {
        const s = o.spec ?? {};
        installs.push({
          by: `HelmChart ${o.metadata.namespace}/${o.metadata.name} (${g.name})`,
          release: o.metadata.name,
          namespace: s.targetNamespace ?? o.metadata.namespace ?? 'kube-system',
          chart: s.chart,
          version: s.version,
          values: parse(s.valuesContent ?? '') ?? {},
          crds: true,
          createNamespace: s.createNamespace === true,
        });
      }
    }
  }
  return installs;
}

/**
 * Renders each install with `helm template` (the pinned archive, its values, the cluster's
 * Kubernetes version and, once a cluster runs, its API versions: offline Helm knows only
 * group/versions, so a chart asking for "policy/v1/PodDisruptionBudget" would fall back). Returns { crds: [{ source, objects }], groups: [{ name, objects }] }.
 */
export function renderCharts(installs, { helm, root, kubeVersion, apiVersions = [] }) {
  const dir = chartsDir(root);
  const tmp = mkdtempSync(join(tmpdir(), 'homelab-charts-'));
  const crds = [];
  const groups = [];
  const seen = new Set();
  try {
    for (const i of installs) {
      // k3s's HelmChart and the HelmRelease that takes it over install the same release.
      const key = `${i.namespace}/${i.release}/${i.chart}/${i.version}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const archive = join(dir, `${i.chart}-${i.version}.tgz`);
      if (!existsSync(archive)) {
        throw new InputError(`${i.by}: chart ${i.chart} ${i.version} is not in ${dir} (expected ${i.chart}-${i.version}.tgz)`);
      }
      const values = join(tmp, `${groups.length}.yaml`);
      writeFileSync(values, stringify(i.values));
      const r = spawnSync(
        helm,
        [
          'template', i.release, archive, '--namespace', i.namespace, '--values', values, '--include-crds', '--kube-version', kubeVersion,
          ...apiVersions.flatMap((v) => ['--api-versions', v]),
        ],
        { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env: { ...process.env, HELM_CACHE_HOME: tmp, HELM_CONFIG_HOME: tmp, HELM_DATA_HOME: tmp } },
      );
      if (r.status !== 0) throw new InputError(`${i.by}: helm template ${i.chart} ${i.version} failed: ${r.stderr.trim()}`);
      const all = docs(r.stdout, `${i.chart}-${i.version}`);
      const isCrd = (o) => o.kind === 'CustomResourceDefinition';
      if (i.crds) crds.push({ source: `chart ${i.chart} ${i.version} (${i.by})`, objects: all.filter(isCrd) });
      groups.push({
        name: `chart ${i.chart} ${i.version} → ${i.namespace}/${i.release}`,
        kind: 'chart',
        namespace: i.namespace,
        objects: all.filter((o) => !isCrd(o)),
      });
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return { crds, groups };
}

/** The rows of ../shared/crds/SOURCES.md's table: file, project, tag. */
function sharedCrdBundles() {
  const text = readFileSync(join(SHARED, 'crds', 'SOURCES.md'), 'utf8');
  const rows = [];
  for (const line of text.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    if (cells.length > 6 && cells[1].endsWith('.yaml')) rows.push({ file: cells[1], project: cells[4], tag: cells[5] });
  }
  return rows;
}

/**
 * CRDs that Flux Kustomizations apply from Git repositories (e.g. Gateway API). No network
 * here, so each comes from the offline bundle of the same repository and tag in
 * ../shared/crds; a repository or tag without one is an input error, not a silent skip.
 */
export function gitCrds(groups) {
  const repos = new Map();
  for (const g of groups) {
    for (const o of g.objects) {
      if (o.kind === 'GitRepository' && o.metadata?.name !== 'flux-system') repos.set(`${o.metadata.namespace}/${o.metadata.name}`, o);
    }
  }
  const bundles = sharedCrdBundles();
  const out = [];
  for (const g of groups) {
    for (const k of g.objects) {
      if (k.kind !== 'Kustomization' || !k.apiVersion?.startsWith('kustomize.toolkit.fluxcd.io/')) continue;
      const ref = k.spec?.sourceRef;
      if (ref?.kind !== 'GitRepository' || ref.name === 'flux-system') continue;
      const repo = repos.get(`${ref.namespace ?? k.metadata.namespace}/${ref.name}`);
      if (!repo) throw new InputError(`Kustomization ${k.metadata.name} (${g.name}): its GitRepository ${ref.name} is not in the tree`);
      const slug = new URL(repo.spec.url).pathname.replace(/^\/|\.git$/g, '');
      const tag = repo.spec.ref?.tag;
      const bundle = bundles.find((b) => b.project.split(' ')[0] === slug && b.tag === tag);
      if (!bundle) {
        throw new InputError(
          `GitRepository ${repo.metadata.name}: no offline copy of ${slug} at tag ${tag ?? '(no tag)'} in ${join(SHARED, 'crds')} (SOURCES.md lists the bundles)`,
        );
      }
      const objects = docs(readFileSync(join(SHARED, 'crds', bundle.file), 'utf8'), bundle.file).filter((o) => o.kind === 'CustomResourceDefinition');
      out.push({ source: `${slug} ${tag} ${k.spec.path} (Kustomization ${k.metadata.name}, offline copy ${bundle.file})`, objects });
    }
  }
  return out;
}

/** The CRDs k3s itself installs: its helm-controller's HelmChart and HelmChartConfig. */
export function k3sCrds() {
  const file = 'helm-controller-k3s.yaml';
  const objects = docs(readFileSync(join(SHARED, 'crds', file), 'utf8'), file).filter((o) => o.kind === 'CustomResourceDefinition');
  return [{ source: `k3s helm-controller (offline copy ${file})`, objects }];
}

/** "Kind group/namespace/name" of an object, as reports name it. */
export function objectId(o) {
  const group = (o.apiVersion ?? '').includes('/') ? `.${o.apiVersion.split('/')[0]}` : '';
  const ns = o.metadata?.namespace ? `${o.metadata.namespace}/` : '';
  return `${o.kind}${group} ${ns}${o.metadata?.name}`;
}
