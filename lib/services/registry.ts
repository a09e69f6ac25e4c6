import { z } from 'zod';
import { ImageInfo, IMAGES } from '../images';
import { VIP_KEYS } from '../net/vip-keys';
import { VipRequest } from '../net/vip-allocator';
import { MonitoringContributions } from '../observability/monitoring';
import { crossFieldProblems } from '../spec/cross-field-rules';
import { loadSpecWith, SpecDefinition } from '../spec/load-spec';
import { clusterSchema, ClusterSpec } from '../spec/schema';
import { APPS_SERVICE } from './apps';
import { DLNA_SERVICE } from './dlna';
import { DNS_SERVICE } from './dns';
import { GAMES_SERVICE } from './games';
import { HOME_ASSISTANT_SERVICE } from './home-assistant';
import { INGRESS_SERVICE } from './ingress';
import { JELLYFIN_SERVICE } from './jellyfin';
import { ServiceModule } from './service-module';
import { WIREGUARD_SERVICE } from './wireguard';

/**
 * Every service of the cluster, registered once. The order is the order of their stages in
 * the Flux graph and of their load-balancer requests (an address chosen from the pool goes
 * to the first that asks).
 */
export const SERVICES: readonly ServiceModule[] = [
  INGRESS_SERVICE,
  WIREGUARD_SERVICE,
  DNS_SERVICE,
  DLNA_SERVICE,
  GAMES_SERVICE,
  HOME_ASSISTANT_SERVICE,
  JELLYFIN_SERVICE,
  APPS_SERVICE,
];

/** cluster.yaml: the core schema with the sections the service modules own. */
export function specDefinition(services: readonly ServiceModule[] = SERVICES): SpecDefinition {
  const own = (at: 'services' | 'top'): Record<string, z.ZodType> =>
    Object.fromEntries(services.filter((m) => m.section?.at === at).map((m) => [m.section!.key, m.section!.schema.optional()]));
  const schema = clusterSchema.extend({ ...own('top'), services: clusterSchema.shape.services.extend(own('services')) });
  return {
    schema,
    problems: (spec) =>
      crossFieldProblems(spec, () => [...datasetProblems(spec, services), ...enabledIn(spec, services).flatMap((m) => m.problems?.(spec) ?? [])]),
  };
}

/** The definition of cluster.yaml every command uses. */
export const CLUSTER_SPEC = specDefinition();

/**
 * Parses and validates the text of a cluster description with every registered service.
 * Throws one UserError listing every problem (lib/spec/load-spec.ts).
 */
export function loadSpec(text: string, source: string): ClusterSpec {
  return loadSpecWith(text, source, CLUSTER_SPEC);
}

function enabledIn(spec: ClusterSpec, services: readonly ServiceModule[] = SERVICES): ServiceModule[] {
  return services.filter((m) => m.enabled(spec));
}

/** Every dataset a service names exists. */
function datasetProblems(spec: ClusterSpec, services: readonly ServiceModule[]): string[] {
  const known = spec.storage.datasets.map((d) => d.name);
  return enabledIn(spec, services)
    .flatMap((m) => m.datasets?.(spec) ?? [])
    .filter((use) => !known.includes(use.dataset))
    .map((use) => `${use.path}: "${use.dataset}" is not a dataset; known datasets: ${known.join(', ') || '(none)'}`);
}

/**
 * Every LoadBalancer address the spec's services need, and the syslog address of the
 * monitoring stack when the router sends syslog.
 */
export function vipRequests(spec: ClusterSpec): VipRequest[] {
  return [
    ...enabledIn(spec).flatMap((m) => m.vipRequests?.(spec) ?? []),
    ...(spec.services.observability.enabled && spec.router?.syslog
      ? [{ key: VIP_KEYS.syslog, path: 'services.observability.syslogVip', explicit: spec.services.observability.syslogVip }]
      : []),
  ];
}

/**
 * The image catalogue of a cluster: the project's images and the ones the services bring
 * (from the spec, for games and apps). An image named twice runs only where every entry says
 * it does, and a project entry keeps its checked pin.
 */
export function imageCatalog(spec: ClusterSpec): Record<string, ImageInfo> {
  const catalog: Record<string, ImageInfo> = { ...IMAGES };
  for (const [repository, info] of enabledIn(spec).flatMap((m) => Object.entries(m.images?.(spec) ?? {}))) {
    const known = catalog[repository];
    catalog[repository] = known ? { ...info, ...known, architectures: known.architectures.filter((a) => info.architectures.includes(a)) } : info;
  }
  return catalog;
}

/** What the enabled services add to the monitoring stack, in registry order. */
export function serviceMonitoring(spec: ClusterSpec): MonitoringContributions {
  const parts = enabledIn(spec).map((m) => m.monitoring?.(spec) ?? {});
  return {
    scrapeJobs: parts.flatMap((p) => p.scrapeJobs ?? []),
    ruleGroups: parts.flatMap((p) => p.ruleGroups ?? []),
    dashboards: parts.flatMap((p) => p.dashboards ?? []),
    coverage: parts.flatMap((p) => p.coverage ?? []),
  };
}
