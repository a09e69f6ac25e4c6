// The API server as judge: every object of a rendered tree, sent to a real kube-apiserver
// (built from source at the cluster's Kubernetes minor) after the CRDs the boot would install
// exist, with server-side apply in dry-run mode and strict field validation — its schema
// validation, defaulting and admission (Pod Security included) decide, nothing reimplemented.
import { openSync, closeSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startControlPlane } from './control-plane.mjs';
import { withoutPodServers } from './webhooks.mjs';
import { autoDeployGroups, gitCrds, helmInstalls, k3sCrds, objectId, renderCharts, stageGroups } from './objects.mjs';

/** How kubectl names an object in its apply output: "deployment.apps/minecraft". */
function resourceName(o) {
  const group = (o.apiVersion ?? '').includes('/') ? `.${o.apiVersion.split('/')[0]}` : '';
  return `${o.kind.toLowerCase()}${group}/${o.metadata?.name}`;
}

/** "Kind.group" of an object or of an API resource. */
const kindKey = (o) => `${o.kind}.${(o.apiVersion ?? '').includes('/') ? o.apiVersion.split('/')[0] : ''}`;

/**
 * What the API server serves (after the CRDs): the cluster-scoped kinds as "Kind.group", and
 * the API versions as Helm reads them from a cluster ("group/version" and
 * "group/version/Kind"), for rendering charts as an install would.
 */
async function discovery(cp) {
  const clusterScoped = new Set();
  const apiVersions = new Set();
  const add = (groupVersion, list) => {
    apiVersions.add(groupVersion);
    for (const res of list.resources ?? []) {
      if (res.name.includes('/')) continue;
      apiVersions.add(`${groupVersion}/${res.kind}`);
      if (!res.namespaced) clusterScoped.add(kindKey({ kind: res.kind, apiVersion: groupVersion }));
    }
  };
  add('v1', JSON.parse((await cp.get('/api/v1')).body));
  for (const g of JSON.parse((await cp.get('/apis')).body).groups ?? []) {
    for (const v of g.versions) {
      const r = await cp.get(`/apis/${v.groupVersion}`);
      if (r.status === 200) add(v.groupVersion, JSON.parse(r.body));
    }
  }
  return { clusterScoped, apiVersions: [...apiVersions].sort() };
}

const toYaml = (objects) => objects.map((o) => stringify(o)).join('---\n');

/**
 * kubectl apply with stdout and stderr into one file, so each warning stays just before the
 * line of the object it was sent for. Returns the lines.
 */
function apply(cp, objects, args, file) {
  writeFileSync(`${file}.yaml`, toYaml(objects));
  const fd = openSync(`${file}.out`, 'w');
  const r = cp.kubectl(['apply', '--server-side', '--force-conflicts', '--validate=strict', ...args, '-f', `${file}.yaml`], {
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  return { status: r.status, lines: readFileSync(`${file}.out`, 'utf8').split('\n').filter((l) => l.trim() !== '') };
}

/** Namespaces whose Pod Security level is enforced, by name (from the created Namespaces). */
function enforcedLevels(namespaces) {
  const levels = new Map();
  for (const n of namespaces) {
    const level = n.metadata?.labels?.['pod-security.kubernetes.io/enforce'];
    if (level) levels.set(n.metadata.name, level);
  }
  return levels;
}

/**
 * Sends one group's objects; returns one result per object:
 * { id, accepted, errors: [...], warnings: [...], podSecurity: [...] }.
 */
function judgeGroup(cp, group, file, enforced, clusterScoped) {
  const args = ['--dry-run=server', '--field-manager=kustomize-controller'];
  // Helm puts a chart's namespaced objects without a namespace into the release's.
  const objects = group.objects.map((o) =>
    group.namespace && !o.metadata?.namespace && !clusterScoped.has(kindKey(o)) ? { ...o, metadata: { ...o.metadata, namespace: group.namespace } } : o,
  );
  const results = objects.map((o) => ({ id: objectId(o), object: o, accepted: false, errors: [], warnings: [] }));
  if (results.length === 0) return [];
  const { lines } = apply(cp, objects, args, file);
  const pending = new Map();
  for (const r of results) {
    const key = resourceName(r.object);
    if (!pending.has(key)) pending.set(key, []);
    pending.get(key).push(r);
  }
  let warnings = [];
  for (const line of lines) {
    const ok = /^(\S+) serverside-applied \(server dry run\)$/.exec(line);
    if (ok) {
      const r = pending.get(ok[1])?.shift();
      if (r) {
        r.accepted = true;
        r.warnings = warnings;
      }
      warnings = [];
    } else if (line.startsWith('Warning: ')) {
      warnings.push(line.slice('Warning: '.length));
    }
  }
  // Each refused object again on its own, so its error is its own.
  results
    .filter((r) => !r.accepted)
    .forEach((r, i) => {
      const single = apply(cp, [r.object], args, `${file}-refused-${i}`);
      r.warnings = single.lines.filter((l) => l.startsWith('Warning: ')).map((l) => l.slice('Warning: '.length));
      r.errors = single.lines.filter((l) => !l.startsWith('Warning: ') && !/serverside-applied/.test(l));
      if (single.status === 0) r.accepted = true;
    });
  for (const r of results) {
    const ns = r.object.metadata?.namespace ?? group.namespace ?? 'default';
    r.podSecurity = r.warnings.filter((w) => w.includes('would violate PodSecurity')).map((w) => {
      const level = enforced.get(ns);
      return level && w.includes(`"${level}:`) ? `refused by Pod Security "${level}" of namespace ${ns}: ${w}` : w;
    });
    delete r.object;
  }
  return results;
}

/**
 * Judges the tree at `root`. Returns { crds, namespaces, groups: [{ name, kind, results }],
 * refused, podSecurityRefused } and never throws for what the API server refuses.
 */
export async function dryRun({ root, bin, serviceCidr, kubeVersion, log = () => {} }) {
  const stages = stageGroups(root, bin.kubectl);
  const autoDeploy = autoDeployGroups(root);
  const installs = helmInstalls([...autoDeploy, ...stages]);
  const charts = renderCharts(installs, { helm: bin.helm, root, kubeVersion });
  const crdSources = [...k3sCrds(), ...charts.crds, ...gitCrds(stages)];

  const cp = await startControlPlane({ bin, serviceCidr, lifetimeSeconds: 900, log });
  try {
    const file = (name) => join(cp.dir, name);
    // The CRDs, for real: the boot installs them before anything that uses them.
    const crds = [];
    for (const [i, source] of crdSources.entries()) {
      const { objects, removed } = withoutPodServers(source.objects);
      const { status, lines } = objects.length ? apply(cp, objects, ['--field-manager=helm'], file(`crds-${i}`)) : { status: 0, lines: [] };
      crds.push({ source: source.source, count: objects.length, accepted: status === 0, errors: status === 0 ? [] : lines.filter((l) => !/serverside-applied/.test(l)), notes: removed });
    }
    const established = cp.kubectl(['wait', '--for=condition=Established', 'crd', '--all', '--timeout=120s']);
    if (established.status !== 0 && crdSources.length) crds.push({ source: 'wait for Established', count: 0, accepted: false, errors: [established.stderr.trim()], notes: [] });

    // The namespaces, for real: the stages' Namespaces and those the installs create.
    const nsObjects = [...stages, ...autoDeploy].flatMap((g) => g.objects).filter((o) => o.kind === 'Namespace' && o.apiVersion === 'v1');
    const names = new Set(nsObjects.map((n) => n.metadata.name));
    for (const g of charts.groups) {
      if (!names.has(g.namespace) && !['default', 'kube-system'].includes(g.namespace)) {
        nsObjects.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: g.namespace } });
        names.add(g.namespace);
      }
    }
    const nsApply = apply(cp, nsObjects, ['--field-manager=kustomize-controller'], file('namespaces'));
    const namespaces = { count: nsObjects.length, accepted: nsApply.status === 0, errors: nsApply.status === 0 ? [] : nsApply.lines };

    const enforced = enforcedLevels(nsObjects);
    // The charts rendered again as an install would, with the cluster's API versions.
    const { clusterScoped, apiVersions } = await discovery(cp);
    const chartGroups = renderCharts(installs, { helm: bin.helm, root, kubeVersion, apiVersions }).groups;
    const groups = [];
    for (const [i, g] of [...autoDeploy, ...chartGroups, ...stages].entries()) {
      log(`dry-run ${g.name} (${g.objects.length} objects)`);
      groups.push({ name: g.name, kind: g.kind, results: judgeGroup(cp, g, file(`group-${i}`), enforced, clusterScoped) });
    }
    const all = groups.flatMap((g) => g.results);
    return {
      crds,
      namespaces,
      groups,
      objects: all.length,
      refused: all.filter((r) => !r.accepted).length + crds.filter((c) => !c.accepted).length + (namespaces.accepted ? 0 : 1),
      podSecurityRefused: all.filter((r) => r.podSecurity.some((p) => p.startsWith('refused'))).length,
    };
  } finally {
    await cp.stop();
  }
}

/** The report a person reads. */
export function formatDryRun(report) {
  const out = [];
  for (const c of report.crds) {
    out.push(`${c.accepted ? 'ok  ' : 'FAIL'} CRDs: ${c.source}: ${c.count}`);
    for (const e of [...c.errors, ...c.notes]) out.push(`       ${e}`);
  }
  out.push(`${report.namespaces.accepted ? 'ok  ' : 'FAIL'} namespaces: ${report.namespaces.count} created`);
  for (const e of report.namespaces.errors) out.push(`       ${e}`);
  for (const g of report.groups) {
    const bad = g.results.filter((r) => !r.accepted || r.podSecurity.length);
    out.push(`${g.results.every((r) => r.accepted && !r.podSecurity.some((p) => p.startsWith('refused'))) ? 'ok  ' : 'FAIL'} ${g.name}: ${g.results.filter((r) => r.accepted).length}/${g.results.length} accepted`);
    for (const r of bad) {
      out.push(`       ${r.accepted ? 'accepted' : 'refused'}: ${r.id}`);
      for (const e of [...r.errors, ...r.podSecurity]) out.push(`         ${e}`);
    }
  }
  out.push(`dry-run: ${report.objects} objects, ${report.refused} refused, ${report.podSecurityRefused} with pods Pod Security would refuse`);
  return `${out.join('\n')}\n`;
}
