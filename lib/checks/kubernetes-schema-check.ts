import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CACHE_DIR } from '../helm/chart-cache';
import { PROJECT_ROOT } from '../project-root';
import { clusterObjects, describeObject, RenderedCluster } from '../output/rendered';
import { Check, Finding } from './check';
import { filesFingerprint, fileVerdictCache, memoryVerdictCache, NO_VERDICT_CACHE, VerdictCache } from '../output/verdict-cache';

/** Validates a manifest; on failure returns the JSON-schema errors. */
type Validator = (manifest: unknown) => SchemaError[] | undefined;

interface SchemaError {
  readonly instancePath: string;
  readonly keyword?: string;
  readonly message?: string;
  readonly params?: Record<string, unknown>;
}

/** Ajv's wording, for validators compiled without messages. */
function errorText(err: SchemaError): string {
  if (err.message) {
    return err.message;
  }
  const p = err.params ?? {};
  switch (err.keyword) {
    case 'type':
      return `must be ${String(p.type)}`;
    case 'enum':
      return `must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'pattern':
      return `must match pattern "${String(p.pattern)}"`;
    case 'additionalProperties':
      return `must not have property ${String(p.additionalProperty)}`;
    default:
      return `fails ${err.keyword ?? 'the schema'} ${JSON.stringify(p)}`;
  }
}

/**
 * `import()` of an ES module. The synth launcher runs the bundle from V8's code cache, where an
 * import() compiled into the bundle fails ("Invalid host defined options", nodejs/node#43663),
 * so it hands in its own import() under this symbol (scripts/synth.mjs); elsewhere (jest, a
 * plain require) the bundle's own runs.
 */
export const IMPORT_HOOK = Symbol.for('homelab-cluster.import');

function importModule(specifier: string): Promise<unknown> {
  const hook = (globalThis as { [IMPORT_HOOK]?: (s: string) => Promise<unknown> })[IMPORT_HOOK];
  return hook ? hook(specifier) : import(specifier);
}

/** API groups whose validators are generated from ../shared/crds by `npm run import`. */
const GENERATED_GROUPS = ['metallb.io', 'operator.tigera.io', 'helm.cattle.io', 'gateway.networking.k8s.io', 'cert-manager.io', 'upgrade.cattle.io'];

/** `cert-manager.io`, `v1`, `Certificate` -> `CertManagerIoV1Certificate` (crd-generate's file names). */
function generatedName(group: string, version: string, kind: string): string {
  const pascal = (text: string): string =>
    text
      .split(/[.-]/)
      .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
      .join('');
  return `${pascal(group)}${pascal(version)}${kind}`;
}

/**
 * Where the schema of each API group comes from: core Kubernetes from kubernetes-models
 * (generated from the Kubernetes OpenAPI), Flux from @kubernetes-models/flux-cd, the other
 * custom resources from validators generated from their CRDs. A kind with no schema is an
 * error: nothing is written that was not validated. All of them are ES modules, hence import().
 */
async function loadValidator(apiVersion: string, kind: string): Promise<Validator | undefined> {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  try {
    if (GENERATED_GROUPS.includes(group)) {
      const file = join(PROJECT_ROOT, 'imports', 'validators', group, `${generatedName(group, version, kind)}.js`);
      const mod = (await importModule(pathToFileURL(file).href)) as { validate: ((m: unknown) => boolean) & { errors?: SchemaError[] } };
      return (m) => (mod.validate(m) ? undefined : (mod.validate.errors ?? []));
    }
    let path: string | undefined;
    if (group.endsWith('.toolkit.fluxcd.io')) {
      path = `@kubernetes-models/flux-cd/${group}/${version}/${kind}`;
    } else if (group === '' || !group.includes('.') || group.endsWith('.k8s.io')) {
      path = `kubernetes-models/${group ? `${group}/` : ''}${version}/${kind}`;
    }
    if (!path) {
      return undefined;
    }
    const Model = ((await importModule(path)) as Record<string, new (data: unknown) => { validate(): void }>)[kind];
    if (!Model) {
      return undefined;
    }
    return (m) => {
      try {
        new Model(m).validate();
        return undefined;
      } catch (e) {
        const errors = (e as { errors?: SchemaError[] }).errors;
        if (!errors) {
          throw e;
        }
        return errors;
      }
    };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' || (e as NodeJS.ErrnoException).code === 'ERR_PACKAGE_PATH_NOT_EXPORTED' || (e as Error).message?.includes('Cannot find module')) {
      return undefined;
    }
    throw e;
  }
}

/** `/spec/template/spec/containers/0/image` -> `spec.template.spec.containers[0].image`. */
function fieldPath(instancePath: string): string {
  return instancePath
    .split('/')
    .filter((p) => p !== '')
    .map((p, i) => (/^\d+$/.test(p) ? `[${p}]` : `${i === 0 ? '' : '.'}${p.replace(/~1/g, '/').replace(/~0/g, '~')}`))
    .join('');
}

function valueAt(root: unknown, instancePath: string): unknown {
  return instancePath
    .split('/')
    .filter((p) => p !== '')
    .reduce<unknown>((cur, key) => (cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[key] : undefined), root);
}

/** Where the schema check keeps the keys of the objects that passed (gitignored). */
export const SCHEMA_VERDICTS_FILE = join(CACHE_DIR, 'verdicts', 'kubernetes-schema.json');

/** The packages whose code and schemas decide a verdict (besides imports/validators). */
const VALIDATOR_PACKAGES = ['kubernetes-models', '@kubernetes-models/flux-cd', '@kubernetes-models/validate', '@kubernetes-models/base', '@kubernetes-models/apimachinery'];

/**
 * Everything that decides a verdict: the generated validators, the installed validator
 * packages (their package.json names the exact version npm installed) and this check's own
 * code (the file it runs from: the synth bundle, or this source under jest).
 */
export function schemaValidatorsFingerprint(): string {
  return filesFingerprint([
    join(PROJECT_ROOT, 'imports', 'validators'),
    ...VALIDATOR_PACKAGES.map((p) => join(PROJECT_ROOT, 'node_modules', p, 'package.json')),
    __filename,
  ]);
}

export interface KubernetesSchemaCheckOptions {
  /**
   * The verdicts kept from earlier runs: an object that passed, byte for byte the same, under
   * the same validators, is not validated again. `false`: validate everything.
   * @default - the process's verdicts (useSchemaVerdicts; main.ts keeps them in .cache/verdicts/)
   */
  readonly verdicts?: VerdictCache | false;
}

let processVerdicts: VerdictCache | undefined;

/** The verdicts every schema check without its own uses from now on; returns the ones before. */
export function useSchemaVerdicts(next: VerdictCache | undefined): VerdictCache | undefined {
  const previous = processVerdicts;
  processVerdicts = next;
  return previous;
}

/**
 * Keeps the schema verdicts in SCHEMA_VERDICTS_FILE across synths (main.ts, the one impure
 * file, calls it; the pipeline itself writes nothing). Returns the function that saves them.
 */
export function persistSchemaVerdicts(file: string = SCHEMA_VERDICTS_FILE): () => void {
  const verdicts = fileVerdictCache(file, schemaValidatorsFingerprint, { deferred: true });
  useSchemaVerdicts(verdicts);
  return () => verdicts.save();
}

function defaultVerdicts(): VerdictCache {
  processVerdicts ??= memoryVerdictCache(schemaValidatorsFingerprint());
  return processVerdicts;
}

/** Every rendered object validates against the schema of its apiVersion and kind. */
export class KubernetesSchemaCheck implements Check {
  public readonly name = 'kubernetes-schema';
  private readonly verdicts?: VerdictCache | false;

  constructor(options: KubernetesSchemaCheckOptions = {}) {
    this.verdicts = options.verdicts;
  }

  public async run(cluster: RenderedCluster): Promise<Finding[]> {
    const verdicts = this.verdicts === false ? NO_VERDICT_CACHE : (this.verdicts ?? defaultVerdicts());
    const findings: Finding[] = [];
    const objects = clusterObjects(cluster).map((object) => ({ object, key: verdicts.key(object.manifest) }));
    const pending = objects.filter(({ key }) => !verdicts.passed(key));
    // One load per kind, in sequence (jest's ES-module loader cannot link overlapping imports);
    // only the kinds of objects not known to pass.
    const validators = new Map<string, Validator | undefined>();
    for (const k of new Set(pending.map(({ object: o }) => `${o.manifest.apiVersion} ${o.manifest.kind}`))) {
      validators.set(k, await loadValidator(k.split(' ')[0], k.split(' ')[1]));
    }
    for (const { object, key } of pending) {
      const { apiVersion, kind } = object.manifest;
      const where = `${object.file}: ${describeObject(object.manifest)}`;
      const validate = validators.get(`${apiVersion} ${kind}`);
      if (!validate) {
        findings.push(this.error(`${where}: no schema is known for ${apiVersion} ${kind}`));
        continue;
      }
      const errors = validate(object.manifest) ?? [];
      if (errors.length === 0) {
        verdicts.record(key);
      }
      for (const err of errors) {
        const missing = err.params?.missingProperty as string | undefined;
        const field = fieldPath(err.instancePath + (missing ? `/${missing}` : ''));
        const problem = missing
          ? 'is required'
          : `${errorText(err)} (value: ${JSON.stringify(valueAt(object.manifest, err.instancePath))})`;
        findings.push(this.error(`${where}: ${field || '(object)'}: ${problem}`));
      }
    }
    verdicts.flush();
    return findings;
  }

  private error(message: string): Finding {
    return { severity: 'error', check: this.name, message };
  }
}
