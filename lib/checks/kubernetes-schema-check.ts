import { describeObject, RenderedCluster } from '../render';
import { Check, Finding } from './check';

/** The shape of a kubernetes-models class: construct from a manifest, validate() throws. */
type ModelClass = new (data: unknown) => { validate(): void };

interface SchemaError {
  readonly instancePath: string;
  readonly message?: string;
  readonly params?: Record<string, unknown>;
}

/**
 * Where the schema of each API group lives. Core Kubernetes comes from kubernetes-models
 * (generated from the Kubernetes OpenAPI), Flux's from @kubernetes-models/flux-cd
 * (generated from Flux's CRDs). A kind with no schema here is an error: nothing is
 * written that was not validated.
 */
function modulePath(apiVersion: string, kind: string): string | undefined {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  if (group.endsWith('.toolkit.fluxcd.io')) {
    return `@kubernetes-models/flux-cd/${group}/${version}/${kind}`;
  }
  if (group === '' || !group.includes('.') || group.endsWith('.k8s.io')) {
    return `kubernetes-models/${group ? `${group}/` : ''}${version}/${kind}`;
  }
  return undefined;
}

async function loadModel(apiVersion: string, kind: string): Promise<ModelClass | undefined> {
  const path = modulePath(apiVersion, kind);
  if (!path) {
    return undefined;
  }
  try {
    // kubernetes-models ships ES modules only, hence import().
    const mod = (await import(path)) as Record<string, ModelClass>;
    return mod[kind];
  } catch {
    return undefined;
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
    for (const object of cluster.objects) {
      const { apiVersion, kind } = object.manifest;
      const where = `${object.file}: ${describeObject(object.manifest)}`;
      const Model = await loadModel(apiVersion, kind);
      if (!Model) {
        findings.push(this.error(`${where}: no schema is known for ${apiVersion} ${kind}`));
        continue;
      }
      try {
        new Model(object.manifest).validate();
      } catch (e) {
        const errors = (e as { errors?: SchemaError[] }).errors;
        if (!errors) {
          throw e;
        }
        for (const err of errors) {
          const missing = err.params?.missingProperty;
          const field = fieldPath(err.instancePath + (missing ? `/${String(missing)}` : ''));
          const problem = missing
            ? 'is required'
            : `${err.message ?? 'is invalid'} (value: ${JSON.stringify(valueAt(object.manifest, err.instancePath))})`;
          findings.push(this.error(`${where}: ${field || '(object)'}: ${problem}`));
        }
      }
    }
    return findings;
  }

  private error(message: string): Finding {
    return { severity: 'error', check: this.name, message };
  }
}
