import { describeObject } from '../output/rendered';
import { OutputObject, outputObjects } from '../output/output-objects';
import { Verdict, verdictOf } from './update-rules';
import type { Yaml } from '../yaml/yaml';

export type { OutputObject } from '../output/output-objects';
export { outputObjects } from '../output/output-objects';


/** The verdict of every object that exists before and after and differs. */
export interface ObjectVerdict {
  readonly id: string;
  readonly file: string;
  readonly before: Yaml;
  readonly after: Yaml;
  readonly verdict: Verdict;
}

/** For each changed object: whether the API server takes the update (lib/plan/update-rules.ts). */
export function applyVerdicts(
  before: ReadonlyMap<string, OutputObject>,
  after: ReadonlyMap<string, OutputObject>,
  migrate: boolean,
  /** Every object after the push, when `after` holds only the changed ones (a claim's StorageClass). */
  all: Iterable<OutputObject> = after.values(),
): ObjectVerdict[] {
  const byName = new Map<string, Yaml>();
  for (const o of all) {
    byName.set(`${o.manifest.kind}/${o.manifest.metadata.name}`, o.manifest);
  }
  const out: ObjectVerdict[] = [];
  for (const [id, now] of after) {
    const old = before.get(id);
    if (!old || JSON.stringify(old.manifest) === JSON.stringify(now.manifest)) {
      continue;
    }
    out.push({ id, file: now.file, before: old.manifest, after: now.manifest, verdict: verdictOf(old.manifest, now.manifest, byName, migrate) });
  }
  return out;
}

/** The stage (Flux Kustomization) an output file belongs to. */
function stageOf(file: string): string {
  return file.startsWith('dist/') ? file.split('/')[1] : 'flux-system';
}

/** `/tank/games` from a share or a local path below a dataset. */
function datasetOf(path: string): string {
  return path.split('/').filter((p) => p !== '').slice(0, 2).join('/');
}

/** Where a claim's data lives: a local folder, or an NFS share and the claim's folder in it. */
function dataLocation(claim: Yaml, objects: ReadonlyMap<string, OutputObject>): { server?: string; path: string; node?: string } | undefined {
  const ns = claim.metadata.namespace;
  const name = claim.metadata.name;
  for (const { manifest: pv } of objects.values()) {
    if (pv.kind === 'PersistentVolume' && pv.spec?.claimRef?.namespace === ns && pv.spec?.claimRef?.name === name && pv.spec.local) {
      return { path: pv.spec.local.path, node: pv.spec.nodeAffinity?.required?.nodeSelectorTerms?.[0]?.matchExpressions?.[0]?.values?.[0] };
    }
  }
  const cls = [...objects.values()].find((o) => o.manifest.kind === 'StorageClass' && o.manifest.metadata.name === claim.spec?.storageClassName)?.manifest;
  if (cls?.parameters?.share) {
    return { server: cls.parameters.server, path: `${cls.parameters.share}/${ns}/${name}` };
  }
  return undefined;
}

/** The workloads that mount a claim, as `kind/name` for kubectl. */
function usersOf(claim: Yaml, objects: ReadonlyMap<string, OutputObject>): string[] {
  const users: string[] = [];
  for (const { manifest: m } of objects.values()) {
    if (!['Deployment', 'StatefulSet'].includes(m.kind) || m.metadata.namespace !== claim.metadata.namespace) continue;
    const vols: Yaml[] = m.spec?.template?.spec?.volumes ?? [];
    if (vols.some((v) => v.persistentVolumeClaim?.claimName === claim.metadata.name)) {
      users.push(`${m.kind.toLowerCase()}/${m.metadata.name}`);
    }
  }
  return users.sort();
}

/** A guided migration of the claims whose volume the API server will not update in place. */
export interface Migration {
  /** `PersistentVolumeClaim/ns/name`. */
  readonly claim: string;
  readonly stage: string;
  readonly reason: string;
  readonly stop: readonly string[];
  /** Write the new outputs (not pushed yet) and provision the hosts from them. */
  readonly prepare: readonly string[];
  readonly copy: readonly string[];
  readonly switchSteps: readonly string[];
  readonly cleanUp: readonly string[];
}

/**
 * The steps that move each affected claim to its new volume without ever starting its
 * workload on an empty folder: stop Flux and the workload, write the `--migrate` outputs and
 * provision the hosts from them (a new pool and dataset, new exports), copy the data when it
 * moves (a dataset on another pool), delete the claim and volume objects (Retain: the data
 * stays), push, let Flux recreate them on the new volume and start, then clean up.
 */
export function migrations(
  verdicts: readonly ObjectVerdict[],
  before: ReadonlyMap<string, OutputObject>,
  after: ReadonlyMap<string, OutputObject>,
): Migration[] {
  const claims = new Map<string, { claim: Yaml; file: string; reasons: string[] }>();
  const claimOf = (ns: string, name: string): OutputObject | undefined => after.get(`PersistentVolumeClaim/${ns}/${name}`);
  for (const v of verdicts) {
    if (v.verdict.verdict === 'applies' || !v.verdict.refused.every((r) => r.rule.holdsData)) continue;
    const fields = v.verdict.refused.map((r) => r.rule.field).join(', ');
    let target: OutputObject | undefined;
    if (v.after.kind === 'PersistentVolumeClaim') target = after.get(v.id);
    if (v.after.kind === 'PersistentVolume') target = claimOf(v.after.spec?.claimRef?.namespace, v.after.spec?.claimRef?.name);
    if (!target) continue;
    const id = describeObject(target.manifest);
    const entry = claims.get(id) ?? { claim: target.manifest, file: target.file, reasons: [] };
    entry.reasons.push(v.id === id ? fields : `${v.id}: ${fields}`);
    claims.set(id, entry);
  }
  const out: Migration[] = [];
  for (const [id, { claim, file, reasons }] of claims) {
    const ns = claim.metadata.namespace;
    const name = claim.metadata.name;
    const stage = stageOf(file);
    const oldClaim = before.get(id)?.manifest ?? claim;
    const from = dataLocation(oldClaim, before);
    const to = dataLocation(claim, after);
    const users = usersOf(claim, after);
    const copy: string[] = [];
    if (from && to && datasetOf(from.path) !== datasetOf(to.path)) {
      const [src, dst] = [datasetOf(from.path), datasetOf(to.path)];
      copy.push(
        `on the storage node: zfs snapshot -r ${src}@migrate && zfs send -R ${src}@migrate | zfs recv -F ${dst}` +
          ' (the whole dataset once, for all its claims; -F replaces the empty dataset host provisioning created)',
        `check: ls -la ${to.path} shows the files of ${from.path}`,
      );
    } else if (from && to && from.path !== to.path) {
      copy.push(`on the storage node: mkdir -p ${to.path} && cp -a ${from.path}/. ${to.path}/`);
    } else {
      copy.push(`none: the data stays in ${to?.path ?? from?.path ?? 'its folder'}${to?.node ? ` (node ${to.node})` : ''}`);
    }
    const pv = [...before.values()].find(
      (o) => o.manifest.kind === 'PersistentVolume' && o.manifest.spec?.claimRef?.namespace === ns && o.manifest.spec?.claimRef?.name === name,
    );
    out.push({
      claim: id,
      stage,
      reason: reasons.join('; '),
      stop: [`flux suspend kustomization ${stage}`, ...users.map((u) => `kubectl -n ${ns} scale ${u} --replicas=0`)],
      prepare: [
        'npm run synth -- --migrate (writes the new outputs; do not push yet)',
        'if host-provisioning/ changed: cd host-provisioning/ansible && ansible-playbook -i inventory.yml site.yml --ask-vault-pass',
      ],
      copy,
      switchSteps: [
        `kubectl -n ${ns} delete pvc ${name}` +
          (pv ? ` && kubectl delete pv ${pv.manifest.metadata.name}` : '') +
          ' (reclaim policy Retain: the data is not touched)',
        'commit and push the outputs',
        `flux resume kustomization ${stage}: Flux creates the claim on its new volume${users.length ? ' and starts ' + users.join(', ') : ''}`,
      ],
      cleanUp: [
        ...(pv ? [] : [`kubectl get pv | grep ${ns}/${name}: delete the Released volume of the old claim (kubectl delete pv <name>)`]),
        ...(from && to && datasetOf(from.path) !== datasetOf(to.path)
          ? [`once the service works on ${to.path}: zfs destroy -r ${datasetOf(from.path)} on the storage node`]
          : []),
      ],
    });
  }
  return out.sort((a, b) => a.claim.localeCompare(b.claim));
}

/**
 * The migrations as one numbered list: one push carries them all, so every affected stage is
 * stopped and every copy made before it, and every stage resumed after it.
 */
export function formatMigrations(ms: readonly Migration[]): string[] {
  if (ms.length === 0) {
    return [];
  }
  const unique = (xs: string[]): string[] => [...new Set(xs)];
  const lines = ms.map((m) => `  for ${m.claim}: ${m.reason}`);
  let n = 1;
  const step = (phase: string, text: string): void => {
    lines.push(`  ${n++}. ${phase}: ${text}`);
  };
  unique(ms.flatMap((m) => m.stop)).forEach((s) => step('stop', s));
  unique(ms.flatMap((m) => m.prepare)).forEach((s) => step('prepare', s));
  unique(ms.flatMap((m) => m.copy)).forEach((s) => step('copy', s));
  // every claim is deleted before the one push, every stage resumed after it
  unique(ms.flatMap((m) => m.switchSteps.slice(0, 1))).forEach((s) => step('switch', s));
  unique(ms.flatMap((m) => m.switchSteps.slice(1, 2))).forEach((s) => step('switch', s));
  unique(ms.flatMap((m) => m.switchSteps.slice(2))).forEach((s) => step('switch', s));
  unique(ms.flatMap((m) => m.cleanUp)).forEach((s) => step('clean up', s));
  return lines;
}

/**
 * StorageClasses replaced by a new name: a class that goes and one that comes for the same
 * dataset (the `homelab.dev/dataset` annotation), as a new server or share names them.
 */
function newNames(before: ReadonlyMap<string, OutputObject>, after: ReadonlyMap<string, OutputObject>): [string, string][] {
  const dataset = (m: Yaml): string | undefined => (m.kind === 'StorageClass' ? m.metadata.annotations?.['homelab.dev/dataset'] : undefined);
  const out: [string, string][] = [];
  for (const [id, o] of before) {
    const d = dataset(o.manifest);
    if (d === undefined || after.has(id)) continue;
    for (const [nid, n] of after) {
      if (!before.has(nid) && dataset(n.manifest) === d) out.push([id, nid]);
    }
  }
  return out.sort();
}

/**
 * The API server's verdict on each changed object, then the planned migrations: what
 * `npm run plan` prints after the list of changes.
 */
export function formatApplyPlan(beforeFiles: ReadonlyMap<string, string>, afterFiles: ReadonlyMap<string, string>, migrate: boolean): string {
  const before = outputObjects(beforeFiles);
  const after = outputObjects(afterFiles);
  const verdicts = applyVerdicts(before, after, migrate);
  const renamed = newNames(before, after);
  if (verdicts.length === 0 && renamed.length === 0) {
    return '';
  }
  const lines = ['', 'Updates, by the API server\'s rules (Kubernetes 1.33):'];
  renamed.forEach(([old, now]) => lines.push(`  replaced (new name) ${old} -> ${now}: a new object, nothing is updated in place`));
  for (const v of verdicts) {
    if (v.verdict.verdict === 'applies') {
      lines.push(`  applies   ${v.id}`);
      continue;
    }
    const label = v.verdict.verdict === 'replaced' ? `replaced (${v.verdict.how})` : 'REJECTED';
    lines.push(`  ${label.padEnd(9)} ${v.id}`);
    for (const r of v.verdict.refused) {
      lines.push(`      ${r.rule.field}: "${r.message}" (${r.rule.source})`);
      if (v.verdict.verdict === 'rejected') {
        lines.push(`      way forward: ${r.rule.wayForward}`);
      }
    }
  }
  const ms = migrations(verdicts, before, after);
  if (ms.length > 0) {
    lines.push('', 'Planned migration (nothing starts on an empty folder; run the steps in this order):', ...formatMigrations(ms));
  }
  const rejected = verdicts.filter((v) => v.verdict.verdict === 'rejected').length;
  lines.push(
    '',
    rejected === 0
      ? 'Every update applies.'
      : `${rejected} update${rejected === 1 ? '' : 's'} the API server would refuse: npm run synth stops${ms.length > 0 ? ' unless you follow the migrations and pass --migrate' : ''}.`,
  );
  return `${lines.join('\n')}\n`;
}
