import { ImageInfo } from '../../images';
import { HomelabNamespace } from '../../k8s/homelab-namespace';
import { ClusterSpec } from '../../spec/schema';
import { sectionOf, ServiceModule, ServiceSection } from '../service-module';
import { APPS_NAMESPACE, SimpleApp } from './app';
import { appsSchema } from './schema';

const SECTION = { key: 'apps', at: 'top', schema: appsSchema } as const satisfies ServiceSection;

const appsOf = (spec: ClusterSpec) => sectionOf(spec, SECTION) ?? [];

/** Two entries that want one name. */
function duplicates(values: readonly [string, string][]): string[] {
  const seen = new Map<string, string>();
  const problems: string[] = [];
  for (const [value, path] of values) {
    const first = seen.get(value);
    if (first) problems.push(`${path}: "${value}" is already used by ${first}`);
    else seen.set(value, path);
  }
  return problems;
}

/**
 * `apps:` of cluster.yaml: simple containerized HTTP apps that need no TypeScript. Each is a
 * restricted Deployment in the apps namespace, its claim when it keeps data, and its route.
 */
export const APPS_SERVICE: ServiceModule = {
  name: 'apps',
  section: SECTION,
  enabled: (spec) => appsOf(spec).length > 0,
  stage: { name: 'apps', layer: 'apps', purpose: 'the simple HTTP apps of cluster.yaml (apps:), behind the ingress', dependsOn: ['storage', 'ingress'] },
  // Two apps of one image: it runs only where both say it does.
  images: (spec) => {
    const images: Record<string, ImageInfo> = {};
    for (const a of appsOf(spec)) {
      const known = images[a.image]?.architectures;
      images[a.image] = { architectures: known ? known.filter((arch) => a.architectures.includes(arch)) : a.architectures };
    }
    return images;
  },
  datasets: (spec) => appsOf(spec).flatMap((a, i) => (a.storage ? [{ dataset: a.storage.dataset, path: `apps[${i}].storage.dataset` }] : [])),
  problems: (spec) => [
    ...duplicates(appsOf(spec).map((a, i) => [a.name, `apps[${i}].name`])),
    ...duplicates(appsOf(spec).map((a, i) => [a.hostname ?? a.name, `apps[${i}].${a.hostname ? 'hostname' : 'name'}`])),
    ...(spec.services.ingress.enabled ? [] : ['apps: the apps are served through the ingress; set services.ingress.enabled to true or remove them']),
  ],
  build(scope, { spec }) {
    const namespace = new HomelabNamespace(scope, 'Namespace', { name: APPS_NAMESPACE });
    appsOf(spec).forEach((app) => new SimpleApp(scope, `App-${app.name}`, { spec, app, namespace }));
  },
};
