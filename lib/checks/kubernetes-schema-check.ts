import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PROJECT_ROOT } from '../project-root';
import { clusterObjects, describeObject, RenderedCluster } from '../output/rendered';
import { Check, Finding } from './check';

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
      const mod = (await import(pathToFileURL(file).href)) as { validate: ((m: unknown) => boolean) & { errors?: SchemaError[] } };
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
    const Model = ((await import(path)) as Record<string, new (data: unknown) => { validate(): void }>)[kind];
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

/** Every rendered object validates against the schema of its apiVersion and kind. */
export class KubernetesSchemaCheck implements Check {
  public readonly name = 'kubernetes-schema';

  public async run(cluster: RenderedCluster): Promise<Finding[]> {
    const findings: Finding[] = [];
    // One load per kind, in sequence (jest's ES-module loader cannot link overlapping imports).
    const validators = new Map<string, Validator | undefined>();
    for (const k of new Set(clusterObjects(cluster).map((o) => `${o.manifest.apiVersion} ${o.manifest.kind}`))) {
      validators.set(k, await loadValidator(k.split(' ')[0], k.split(' ')[1]));
    }
    for (const object of clusterObjects(cluster)) {
      const { apiVersion, kind } = object.manifest;
      const where = `${object.file}: ${describeObject(object.manifest)}`;
      const validate = validators.get(`${apiVersion} ${kind}`);
      if (!validate) {
        findings.push(this.error(`${where}: no schema is known for ${apiVersion} ${kind}`));
        continue;
      }
      for (const err of validate(object.manifest) ?? []) {
        const missing = err.params?.missingProperty as string | undefined;
        const field = fieldPath(err.instancePath + (missing ? `/${missing}` : ''));
        const problem = missing
          ? 'is required'
          : `${errorText(err)} (value: ${JSON.stringify(valueAt(object.manifest, err.instancePath))})`;
        findings.push(this.error(`${where}: ${field || '(object)'}: ${problem}`));
      }
    }
    return findings;
  }

  private error(message: string): Finding {
    return { severity: 'error', check: this.name, message };
  }
}
