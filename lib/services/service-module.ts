import type { Construct } from 'constructs';
import type { z } from 'zod';
import type { ImageInfo } from '../images';
import type { VipAssignments, VipRequest } from '../net/vip-allocator';
import type { MonitoringContributions } from '../observability/monitoring';
import type { ClusterSpec } from '../spec/schema';

/*
 * A service module: everything one service of the cluster brings, declared once in its
 * folder (lib/services/<name>/) and registered in lib/services/registry.ts. The schema,
 * the cross-field rules, the VIP requests, the stages, the image catalogue and the
 * monitoring stack iterate the registry; nothing else names a service.
 */

/** The stages a service may wait for (charts/stages.ts resolves the names). */
export type CoreStageName = 'networking' | 'storage' | 'ingress' | 'observability';

/** The stage a service renders into: `dist/<name>/`, one Flux Kustomization. */
export interface ServiceStage {
  /** Folder name under dist/ and the Flux Kustomization name. */
  readonly name: string;
  /** The layer it belongs to, e.g. `media`. */
  readonly layer: string;
  /** One line: what the stage holds (the README tree and the Flux objects show it). */
  readonly purpose: string;
  /** The stages whose objects must be ready first. */
  readonly dependsOn: readonly CoreStageName[];
  /**
   * Whether the spec asks for the stage.
   * @default - whenever the service is enabled
   */
  readonly when?: (spec: ClusterSpec) => boolean;
}

/** What a service's constructs are built from. */
export interface ServiceBuildContext {
  readonly spec: ClusterSpec;
  /** The load-balancer address of every service that has one. */
  readonly vips: VipAssignments;
  /** The objects of the cluster's other stages, read when the chart renders (the DNS zone is made of them). */
  readonly otherStages: () => readonly unknown[];
}

/** A section of cluster.yaml that a module owns: `services.<key>`, or `<key>` at the top. */
export interface ServiceSection {
  readonly key: string;
  readonly at: 'services' | 'top';
  /** The section's schema; it is optional in cluster.yaml (absent means off). */
  readonly schema: z.ZodType;
}

/** A dataset a service stores in: the storage must have it. */
export interface DatasetUse {
  readonly dataset: string;
  /** The spec path naming it, for the message. */
  readonly path: string;
}

export interface ServiceModule {
  /** The module's name, e.g. `jellyfin`. */
  readonly name: string;
  /**
   * The part of cluster.yaml the module owns, when it is not one of the built-in sections of
   * lib/spec/schema.ts.
   * @default - none
   */
  readonly section?: ServiceSection;
  /** Whether the spec runs the service. */
  enabled(spec: ClusterSpec): boolean;
  /**
   * Its own stage, rendered by build().
   * @default - none: the service lives in a stage of the core (ingress)
   */
  readonly stage?: ServiceStage;
  /** Adds the service's objects to its stage's chart. */
  build?(scope: Construct, context: ServiceBuildContext): void;
  /** The load-balancer addresses it needs, when enabled. */
  vipRequests?(spec: ClusterSpec): VipRequest[];
  /** Images whose repository and architectures come with the service (the spec's own images). */
  images?(spec: ClusterSpec): Readonly<Record<string, ImageInfo>>;
  /** The datasets it stores in, when enabled. */
  datasets?(spec: ClusterSpec): DatasetUse[];
  /** Cross-field problems of its section, when enabled: `path: what is wrong`. */
  problems?(spec: ClusterSpec): string[];
  /** Scrape jobs, alert rules, dashboards and coverage rows it adds to the monitoring stack, when enabled. */
  monitoring?(spec: ClusterSpec): Partial<MonitoringContributions>;
}

/** The module's section of a validated spec (validated by the module's own schema at load). */
export function sectionOf<S extends z.ZodType>(spec: ClusterSpec, section: { readonly key: string; readonly at: 'services' | 'top'; readonly schema: S }): z.output<S> | undefined {
  const holder: unknown = section.at === 'services' ? spec.services : spec;
  return (holder as Readonly<Record<string, z.output<S> | undefined>>)[section.key];
}
