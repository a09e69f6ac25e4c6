// A first boot on simulated nodes: the real control plane (etcd, kube-apiserver,
// kube-controller-manager, kube-scheduler, built from source) with kwok simulating the nodes
// of cluster.yaml and their pods' kubelets. The manifests of k3s's auto-deploy folder go in
// first, in file order, HelmCharts installed with helm as k3s's helm-controller Job does;
// then flux/ and each stage of dist/ in the order of their Flux Kustomizations' dependsOn,
// each stage's HelmReleases installed with helm from the pinned chart archives, waiting for
// its workloads as a Flux Kustomization with wait: true does.
//
// What is not real (README "Test cluster"): no containers run, so no pod serves anything;
// Flux's own controllers do not run (helm-controller is not served by the Go module proxy, see
// docs/decisions/0112), so the order and the health wait are this script's, read from the
// Flux objects; webhooks and aggregated APIs, whose servers would be simulated pods, are left
// out (webhooks.mjs) and listed.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startControlPlane } from './control-plane.mjs';
import { autoDeployGroups, chartsDir, gitCrds, helmInstalls, k3sCrds, objectId, stageGroups, InputError } from './objects.mjs';
import { PROJECT_ROOT } from './paths.mjs';
import { withoutPodServers } from './webhooks.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const toYaml = (objects) => objects.map((o) => stringify(o)).join('---\n');

/** Starts controller-manager, scheduler and kwok, then registers the spec's nodes. */
async function startNodes(cp, bin, facts, log) {
  const kc = `--kubeconfig=${cp.kubeconfig}`;
  cp.run('kube-controller-manager', bin['kube-controller-manager'], [
    kc,
    '--leader-elect=false',
    '--bind-address=127.0.0.1',
    '--secure-port=0',
    `--service-account-private-key-file=${join(cp.dir, 'sa.key')}`,
    `--root-ca-file=${join(cp.dir, 'pki', 'apiserver.crt')}`,
    `--cluster-cidr=${facts.podCidr}`,
    `--service-cluster-ip-range=${facts.serviceCidr}`,
    '--use-service-account-credentials=false',
    '--controllers=*,-bootstrapsigner,-tokencleaner',
    '--v=0',
  ]);
  cp.run('kube-scheduler', bin['kube-scheduler'], [kc, '--leader-elect=false', '--bind-address=127.0.0.1', '--secure-port=0', '--v=0']);
  writeFileSync(join(cp.dir, 'kwok.yaml'), 'apiVersion: config.kwok.x-k8s.io/v1alpha1\nkind: KwokConfiguration\noptions: {}\n');
  cp.run('kwok', bin.kwok, [
    kc,
    `--config=${join(cp.dir, 'kwok.yaml')}`,
    '--manage-all-nodes=false',
    '--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake',
    `--cidr=${facts.podCidr}`,
    '--node-ip=127.0.0.1',
    '--node-lease-duration-seconds=40',
  ]);
  const nodes = apply(cp, facts.nodes, ['--field-manager=kubelet'], 'nodes');
  if (nodes.status !== 0) throw new Error(`registering the simulated nodes failed:\n${nodes.lines.join('\n')}`);
  const ready = cp.kubectl(['wait', '--for=condition=Ready', 'node', '--all', '--timeout=120s']);
  if (ready.status !== 0) throw new Error(`the simulated nodes did not become Ready: ${ready.stderr}`);
  log(`nodes Ready: ${facts.nodes.map((n) => n.metadata.name).join(', ')}`);
}

let seq = 0;
/** kubectl apply --server-side of objects, for real. */
function apply(cp, objects, args, name) {
  const file = join(cp.dir, `apply-${seq++}-${name.replace(/[^a-z0-9-]/gi, '_')}.yaml`);
  writeFileSync(file, toYaml(objects));
  const r = cp.kubectl(['apply', '--server-side', '--force-conflicts', ...args, '-f', file]);
  const lines = `${r.stdout}\n${r.stderr}`.split('\n').filter((l) => l.trim() && !/serverside-applied$/.test(l));
  return { status: r.status, lines };
}

/** helm upgrade --install from the pinned archive, as helm-controller (or k3s's Job) runs it. */
function helmInstall(cp, bin, install, root, removedFile) {
  const archive = join(chartsDir(root), `${install.chart}-${install.version}.tgz`);
  if (!existsSync(archive)) return { ok: false, lines: [`chart ${install.chart}-${install.version}.tgz is not in ${chartsDir(root)}`] };
  const values = join(cp.dir, `values-${seq++}.yaml`);
  writeFileSync(values, stringify(install.values));
  const args = ['upgrade', '--install', install.release, archive, '--namespace', install.namespace, '--create-namespace', '--values', values];
  args.push('--kubeconfig', cp.kubeconfig, '--timeout', '5m', '--wait=false');
  args.push('--post-renderer', join(PROJECT_ROOT, 'scripts', 'cluster', 'post-render.mjs'));
  if (!install.crds) args.push('--skip-crds');
  const r = spawnSync(bin.helm, args, {
    encoding: 'utf8',
    env: { ...process.env, HELM_CACHE_HOME: join(cp.dir, 'helm'), HELM_CONFIG_HOME: join(cp.dir, 'helm'), HELM_DATA_HOME: join(cp.dir, 'helm'), CLUSTER_REMOVED: removedFile },
  });
  return { ok: r.status === 0, lines: r.status === 0 ? [] : `${r.stderr}`.trim().split('\n') };
}

/** Flux Kustomizations in dependsOn order (Kahn's algorithm, names sorted for a stable order). */
function kustomizationOrder(fluxObjects) {
  const ks = fluxObjects.filter((o) => o.kind === 'Kustomization' && o.apiVersion?.startsWith('kustomize.toolkit.fluxcd.io/'));
  const byName = new Map(ks.map((k) => [k.metadata.name, k]));
  const done = new Set();
  const order = [];
  while (order.length < ks.length) {
    const next = [...byName.values()]
      .filter((k) => !done.has(k.metadata.name) && (k.spec.dependsOn ?? []).every((d) => done.has(d.name) || !byName.has(d.name)))
      .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
    if (next.length === 0) throw new InputError(`Flux Kustomizations depend on each other in a cycle: ${[...byName.keys()].filter((n) => !done.has(n)).join(', ')}`);
    for (const k of next) {
      done.add(k.metadata.name);
      order.push(k);
    }
  }
  return order;
}

/** Why a workload is not ready yet, or null when it is (as kstatus reads it). */
function notReady(o) {
  const s = o.status ?? {};
  const want = o.spec?.replicas ?? 1;
  if ((s.observedGeneration ?? 0) < (o.metadata.generation ?? 0)) return 'not yet observed by its controller';
  if (o.kind === 'Deployment' || o.kind === 'StatefulSet') {
    const ready = (o.kind === 'Deployment' ? s.availableReplicas : s.readyReplicas) ?? 0;
    return ready >= want ? null : `${ready}/${want} replicas ready`;
  }
  if (o.kind === 'DaemonSet') {
    const want2 = s.desiredNumberScheduled ?? 0;
    return (s.numberReady ?? 0) >= want2 ? null : `${s.numberReady ?? 0}/${want2} pods ready`;
  }
  if (o.kind === 'PersistentVolumeClaim') return s.phase === 'Bound' ? null : `PVC ${s.phase ?? 'Pending'}`;
  return null;
}

function getJson(cp, args) {
  const r = cp.kubectl(['get', ...args, '-o', 'json']);
  if (r.status !== 0) return null;
  return JSON.parse(r.stdout);
}

/** Waits until the listed objects are ready or `seconds` pass; returns the reasons left. */
async function waitReady(cp, objects, seconds) {
  const watched = objects.filter((o) => ['Deployment', 'StatefulSet', 'DaemonSet', 'PersistentVolumeClaim'].includes(o.kind));
  const deadline = Date.now() + seconds * 1000;
  let reasons;
  do {
    reasons = [];
    for (const o of watched) {
      const ns = o.metadata.namespace ?? 'default';
      const live = getJson(cp, [o.kind.toLowerCase(), '-n', ns, o.metadata.name]);
      const why = live ? notReady(live) : 'not found';
      if (why) reasons.push(`${objectId(o)}: ${why}`);
    }
    if (reasons.length === 0) return [];
    await sleep(2000);
  } while (Date.now() < deadline);
  return reasons;
}

/** Every pod: the node the scheduler chose, or why it could not; phase. */
function podReport(cp) {
  const pods = getJson(cp, ['pods', '-A'])?.items ?? [];
  return pods.map((p) => {
    const scheduled = (p.status?.conditions ?? []).find((c) => c.type === 'PodScheduled');
    return {
      pod: `${p.metadata.namespace}/${p.metadata.name}`,
      owner: p.metadata.ownerReferences?.[0] ? `${p.metadata.ownerReferences[0].kind}/${p.metadata.ownerReferences[0].name}` : '',
      node: p.spec.nodeName ?? null,
      phase: p.status?.phase ?? 'Unknown',
      unschedulable: !p.spec.nodeName && scheduled?.status === 'False' ? scheduled.message : null,
    };
  });
}

/** Warning events: refusals by Pod Security, failed creates, failed scheduling and the rest. */
function warningEvents(cp) {
  const events = getJson(cp, ['events', '-A', '--field-selector=type=Warning'])?.items ?? [];
  return events.map((e) => ({
    object: `${e.involvedObject.kind} ${e.involvedObject.namespace ? `${e.involvedObject.namespace}/` : ''}${e.involvedObject.name}`,
    reason: e.reason,
    message: e.message,
    podSecurity: /violates PodSecurity/.test(e.message ?? ''),
    count: e.count ?? 1,
  }));
}

/**
 * Boots the tree at `root` on the spec's simulated nodes. Returns the report
 * { nodes, steps: [{ name, ready, reasons }], pods, events, removed } and the running
 * cluster when `keep` is set (the caller then stops it).
 */
export async function boot({ root, bin, facts, log = () => {}, stageSeconds = 120, lifetimeSeconds = 1800, keep = false }) {
  const stages = stageGroups(root, bin.kubectl);
  const autoDeploy = autoDeployGroups(root);
  const fluxGroup = stages.find((g) => g.name === 'flux');
  const byPath = new Map(stages.map((g) => [g.name === 'flux' ? './flux' : `./${g.name}`, g]));
  const cp = await startControlPlane({ bin, serviceCidr: facts.serviceCidr, lifetimeSeconds, log });
  const removedFile = join(cp.dir, 'removed.txt');
  const steps = [];
  const step = (name, ready, reasons = []) => {
    steps.push({ name, ready, reasons });
    log(`${ready ? 'Ready    ' : 'NOT READY'} ${name}${reasons.length ? `: ${reasons[0]}${reasons.length > 1 ? ` (+${reasons.length - 1})` : ''}` : ''}`);
  };
  try {
    await startNodes(cp, bin, facts, log);
    // k3s's own CRDs exist before its auto-deploy folder is read.
    for (const c of k3sCrds()) {
      const r = apply(cp, c.objects, ['--field-manager=k3s'], 'k3s-crds');
      step(`k3s CRDs (${c.source})`, r.status === 0, r.lines);
    }
    cp.kubectl(['wait', '--for=condition=Established', 'crd', '--all', '--timeout=60s']);
    // 1. the auto-deploy folder, in file order
    for (const g of autoDeploy) {
      const reasons = [];
      const plain = g.objects.filter((o) => !(o.kind === 'HelmChart' && o.apiVersion?.startsWith('helm.cattle.io/')));
      if (plain.length) reasons.push(...apply(cp, plain, ['--field-manager=k3s'], g.name).lines);
      for (const install of helmInstalls([g])) {
        const h = helmInstall(cp, bin, install, root, removedFile);
        if (!h.ok) reasons.push(`helm install of ${install.by}: ${h.lines.join(' ')}`);
      }
      const installed = helmInstalls([g]).length ? await waitReady(cp, liveWorkloads(cp, helmInstalls([g]).map((i) => i.namespace)), stageSeconds) : [];
      step(g.name, reasons.length === 0 && installed.length === 0, [...reasons, ...installed]);
    }
    // 2. flux/ and the stages, in dependsOn order
    if (!fluxGroup) throw new InputError('flux/ has no objects');
    const order = kustomizationOrder(fluxGroup.objects);
    const failed = new Set();
    for (const k of order) {
      const name = `Kustomization ${k.metadata.name} (${k.spec.path})`;
      const blocked = (k.spec.dependsOn ?? []).filter((d) => failed.has(d.name));
      if (blocked.length) {
        failed.add(k.metadata.name);
        step(name, false, [`dependency '${blocked.map((d) => d.name).join(', ')}' is not ready`]);
        continue;
      }
      if (k.spec.sourceRef?.name !== 'flux-system') continue; // Git-published CRDs: below, with their stage
      if (k.spec.decryption) {
        failed.add(k.metadata.name);
        step(name, false, ['SOPS-encrypted: the test cluster has no age key (not judged)']);
        continue;
      }
      const group = byPath.get(k.spec.path);
      if (!group) {
        failed.add(k.metadata.name);
        step(name, false, [`path ${k.spec.path} is not in the tree`]);
        continue;
      }
      const reasons = [];
      const { objects, removed } = withoutPodServers(group.objects);
      if (removed.length) writeFileSync(removedFile, `${removed.join('\n')}\n`, { flag: 'a' });
      const crds = objects.filter((o) => o.kind === 'CustomResourceDefinition' || o.kind === 'Namespace');
      const rest = objects.filter((o) => !crds.includes(o));
      if (crds.length) reasons.push(...apply(cp, crds, ['--field-manager=kustomize-controller'], `${group.name}-first`).lines);
      if (rest.length) reasons.push(...apply(cp, rest, ['--field-manager=kustomize-controller'], group.name).lines);
      // Kustomizations this stage adds that apply Git-published CRDs (offline copies)
      for (const c of gitCrds([group])) {
        const r = apply(cp, withoutPodServers(c.objects).objects, ['--field-manager=kustomize-controller'], 'git-crds');
        if (r.status !== 0) reasons.push(...r.lines);
        cp.kubectl(['wait', '--for=condition=Established', 'crd', '--all', '--timeout=60s']);
      }
      const installs = helmInstalls([group]).filter((i) => !(i.release === 'flux2' && steps.some((s) => s.name.includes('20-flux'))));
      for (const install of installs) {
        const h = helmInstall(cp, bin, install, root, removedFile);
        if (!h.ok) reasons.push(`helm install of ${install.by}: ${h.lines.join(' ')}`);
      }
      const workloads = [...rest, ...liveWorkloads(cp, installs.map((i) => i.namespace))];
      reasons.push(...(await waitReady(cp, workloads, stageSeconds)));
      if (reasons.length) failed.add(k.metadata.name);
      step(name, reasons.length === 0, reasons);
    }
    const report = {
      nodes: facts.nodes.map((n) => n.metadata.name),
      steps,
      pods: podReport(cp),
      events: warningEvents(cp),
      removed: existsSync(removedFile) ? [...new Set(readFileSync(removedFile, 'utf8').split('\n').filter(Boolean))] : [],
    };
    if (keep) return { report, cluster: cp };
    await cp.stop();
    return { report };
  } catch (e) {
    await cp.stop();
    throw e;
  }
}

/** The workloads now in the given namespaces (what a Helm release created). */
function liveWorkloads(cp, namespaces) {
  const out = [];
  for (const ns of new Set(namespaces)) {
    const list = getJson(cp, ['deployments,daemonsets,statefulsets', '-n', ns])?.items ?? [];
    out.push(...list.map((o) => ({ apiVersion: o.apiVersion, kind: o.kind, metadata: { name: o.metadata.name, namespace: ns } })));
  }
  return out;
}

/** The report a person reads. */
export function formatBoot(report) {
  const out = [`nodes (simulated by kwok): ${report.nodes.join(', ')}`, ''];
  for (const s of report.steps) {
    out.push(`${s.ready ? 'Ready    ' : 'NOT READY'} ${s.name}`);
    for (const r of s.reasons) out.push(`            ${r}`);
  }
  out.push('', 'pods (node chosen by kube-scheduler):');
  for (const p of [...report.pods].sort((a, b) => a.pod.localeCompare(b.pod))) {
    out.push(`  ${p.pod.padEnd(60)} ${p.node ? `${p.node.padEnd(12)} ${p.phase}` : `unschedulable: ${p.unschedulable ?? p.phase}`}`);
  }
  const psa = report.events.filter((e) => e.podSecurity);
  out.push('', `Pod Security refusals: ${psa.length}`);
  for (const e of psa) out.push(`  ${e.object}: ${e.message}`);
  const other = report.events.filter((e) => !e.podSecurity);
  out.push('', `other warning events: ${other.length}`);
  for (const e of other) out.push(`  ${e.object} ${e.reason} (x${e.count}): ${e.message}`);
  if (report.removed.length) {
    out.push('', 'left out (their servers would be simulated pods):');
    for (const r of report.removed) out.push(`  ${r}`);
  }
  const notReady = report.steps.filter((s) => !s.ready).length;
  out.push('', `boot: ${report.steps.length - notReady} of ${report.steps.length} steps Ready, ${report.pods.filter((p) => p.node).length} of ${report.pods.length} pods scheduled`);
  return `${out.join('\n')}\n`;
}
