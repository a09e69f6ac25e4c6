import { basename, dirname, extname, join } from 'node:path';
import { parseDocument, stringify } from 'yaml';
import { z } from 'zod';
import { UserError } from '../errors';
import { isIpv4 } from '../net/ipv4';
import { previousVips, VipAssignments } from '../net/vip-allocator';
import { outputObjects, OutputObject } from '../output/output-objects';

/*
 * The cluster lock (`cluster.lock.yaml` beside the spec): what the running cluster already
 * has that the spec does not say and that must not change by accident. Synth reads it before
 * it allocates or renders and writes it with the outputs (same lock, same journal). It holds
 *   - `vips`: the load-balancer address of every service, by VIP key (lib/net/service-vips.ts);
 *   - `storage.claims`: every claim's StorageClass and request (immutable or only growing);
 *   - `storage.classes`: the StorageClasses those claims use, as rendered (parameters are
 *     immutable, so a class existing claims use is kept while they use it).
 * It is a pure function of the outputs, so a synth into an empty folder renders the same
 * bytes as the committed outputs. It holds no secret: addresses, names and quantities only.
 */

export const LOCK_VERSION = 1;

/** What the lock records: the previous synth's facts, as the next synth reads them. */
export interface ClusterLock {
  readonly vips: ReadonlyMap<string, string>;
  /** `namespace/name` -> the claim's class and request. */
  readonly claims: ReadonlyMap<string, { readonly storageClassName?: string; readonly request?: string }>;
  /** StorageClass name -> the class as rendered, without apiVersion and kind. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly classes: ReadonlyMap<string, Record<string, any>>;
}

export const EMPTY_LOCK: ClusterLock = { vips: new Map(), claims: new Map(), classes: new Map() };

/** `cluster.yaml` -> `cluster.lock.yaml`, `site.yml` -> `site.lock.yml`, `spec` -> `spec.lock.yaml`. */
export function lockPathFor(specPath: string): string {
  const ext = extname(specPath);
  const known = ext === '.yaml' || ext === '.yml';
  return join(dirname(specPath), `${basename(specPath, known ? ext : '')}.lock${known ? ext : '.yaml'}`);
}

const QUANTITY = /^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/;
const NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

const lockSchema = z.strictObject({
  version: z.literal(LOCK_VERSION, { error: `must be ${LOCK_VERSION} (the lock format this version of the tool writes)` }),
  vips: z
    .record(z.string().regex(/^[a-z0-9][-a-z0-9/]*$/, { error: 'must be a VIP key such as ingress or game/minecraft' }), z.string().refine(isIpv4, { error: 'must be an IPv4 address A.B.C.D' }))
    .default({}),
  storage: z
    .strictObject({
      claims: z
        .record(
          z.string().regex(/^[a-z0-9-]+\/[a-z0-9.-]+$/, { error: 'must be namespace/claim' }),
          z.strictObject({
            storageClassName: z.string().regex(NAME, { error: 'must be a StorageClass name' }).optional(),
            request: z.string().regex(QUANTITY, { error: 'must be a quantity such as 20Gi' }).optional(),
          }),
        )
        .default({}),
      classes: z
        .record(
          z.string().regex(NAME, { error: 'must be a StorageClass name' }),
          z.looseObject({ metadata: z.looseObject({ name: z.string() }), provisioner: z.string() }),
        )
        .default({}),
    })
    .default({ claims: {}, classes: {} }),
});

/**
 * Reads a lock file. A damaged or hand-edited lock is a UserError naming the file, the field,
 * the value and what is allowed; it never half-applies.
 */
export function parseClusterLock(text: string, source: string): ClusterLock {
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new UserError(`${source} is not valid YAML (restore it with \`git checkout -- ${basename(source)}\`, or delete it to read the outputs):`, doc.errors.map((e) => e.message.split('\n')[0]));
  }
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 0 });
  } catch (e) {
    throw new UserError(`${source} is not a lock file written by synth: ${(e as Error).message}`);
  }
  const parsed = lockSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.slice(0, 20).map((issue) => {
      const path = issue.path.map(String).join('.');
      const value = valueAt(raw, issue.path);
      return `${path || '(top level)'}: ${issue.message}${value === undefined || typeof value === 'object' ? '' : ` (found ${JSON.stringify(value)})`}`;
    });
    throw new UserError(`${source} has ${problems.length} problem${problems.length === 1 ? '' : 's'} (it is written by npm run synth; edit only to move a VIP, see the README):`, problems);
  }
  const { vips, storage } = parsed.data;
  for (const [name, cls] of Object.entries(storage.classes)) {
    if (cls.metadata.name !== name) {
      throw new UserError(`${source} has 1 problem:`, [`storage.classes.${name}.metadata.name: must be "${name}" (found ${JSON.stringify(cls.metadata.name)})`]);
    }
  }
  return {
    vips: new Map(Object.entries(vips)),
    claims: new Map(Object.entries(storage.claims)),
    // as written (zod would reorder the keys it declares): the class is kept byte for byte
    classes: new Map(Object.keys(storage.classes).map((name) => [name, (raw as { storage: { classes: Record<string, Record<string, unknown>> } }).storage.classes[name]])),
  };
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current = root;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

const STORAGE_KINDS = /^kind: (PersistentVolumeClaim|StorageClass)$/m;

/** The storage objects of rendered files (claims and classes), by `Kind/namespace/name`. */
function storageObjects(files: ReadonlyMap<string, string>): ReadonlyMap<string, OutputObject> {
  return outputObjects(new Map([...files].filter(([path, content]) => path.startsWith('dist/') && STORAGE_KINDS.test(content))));
}

/** The lock a synth's outputs imply: its VIPs, its claims and the classes they use. */
export function lockFromOutputs(files: ReadonlyMap<string, string>, vips?: VipAssignments): ClusterLock {
  const objects = [...storageObjects(files).values()].map((o) => o.manifest);
  const claims = new Map<string, { storageClassName?: string; request?: string }>();
  for (const m of objects.filter((o) => o.kind === 'PersistentVolumeClaim')) {
    claims.set(`${m.metadata.namespace}/${m.metadata.name}`, {
      ...(m.spec?.storageClassName ? { storageClassName: String(m.spec.storageClassName) } : {}),
      ...(m.spec?.resources?.requests?.storage !== undefined ? { request: String(m.spec.resources.requests.storage) } : {}),
    });
  }
  const used = new Set([...claims.values()].map((c) => c.storageClassName));
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const classes = new Map<string, Record<string, any>>();
  for (const m of objects.filter((o) => o.kind === 'StorageClass' && used.has(o.metadata.name))) {
    // eslint-disable-next-line @typescript-eslint/no-unused-vars
    const { apiVersion, kind, ...rest } = m;
    classes.set(m.metadata.name, rest);
  }
  return { vips: vips ? new Map(vips.entries()) : previousVips(files), claims, classes };
}

/**
 * The lock's storage facts as the previous claims and classes (`Kind/namespace/name` ->
 * manifest), the form lib/storage/storage-history.ts reads.
 */
export function lockStorageObjects(lock: ClusterLock): ReadonlyMap<string, { readonly manifest: unknown }> {
  const out = new Map<string, { manifest: unknown }>();
  for (const [id, claim] of lock.claims) {
    const [namespace, name] = id.split('/');
    out.set(`PersistentVolumeClaim/${id}`, {
      manifest: {
        kind: 'PersistentVolumeClaim',
        metadata: { name, namespace },
        spec: {
          ...(claim.storageClassName ? { storageClassName: claim.storageClassName } : {}),
          ...(claim.request ? { resources: { requests: { storage: claim.request } } } : {}),
        },
      },
    });
  }
  for (const [name, cls] of lock.classes) {
    out.set(`StorageClass/${name}`, { manifest: { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', ...structuredClone(cls) } });
  }
  return out;
}

const HEADER = `# Written by \`npm run synth\` beside the cluster description; commit it with the outputs.
# What the running cluster already has and the spec does not say: each service's VIP and
# each claim's StorageClass and request. Synth keeps these, so deleting dist/ or writing to
# an empty --out changes nothing. To move a VIP on purpose, set the service's \`vip\` in the
# spec (this file follows), or delete its line here to let synth choose a new address.
`;

/** The lock file's text: sorted, stable, and the same for the same outputs. */
export function formatClusterLock(lock: ClusterLock): string {
  const sorted = <T>(m: ReadonlyMap<string, T>): Record<string, T> => Object.fromEntries([...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const body = {
    version: LOCK_VERSION,
    vips: sorted(lock.vips),
    storage: { claims: sorted(lock.claims), classes: sorted(lock.classes) },
  };
  return HEADER + stringify(body, { lineWidth: 0 });
}
