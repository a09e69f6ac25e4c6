import { STAGES } from '../charts/stages';
import {
  ArchitectureCheck,
  CapacityCheck,
  Check,
  CisBenchmarkCheck,
  DataProtectionCheck,
  HostConsistencyCheck,
  K3osConfigCheck,
  K3sCliFlagsCheck,
  Finding,
  KubernetesSchemaCheck,
  PromisesCheck,
  runChecks,
  SecretsCheck,
  SecurityPolicyCheck,
  StageDependencyCheck,
} from './checks';
import { UserError } from './errors';
import { Ipv4Range, numberToIpv4 } from './net/ipv4';
import { vipRequests } from './net/service-vips';
import { allocateVips, previousVips } from './net/vip-allocator';
import { RenderedCluster, renderCluster } from './render';
import { loadSpec } from './spec/load-spec';
import { StageRegistry } from './stages/stage';

/** The checks every synth runs. */
export function defaultChecks(): Check[] {
  return [
    new KubernetesSchemaCheck(),
    new SecurityPolicyCheck(),
    new ArchitectureCheck(),
    new PromisesCheck(),
    new CapacityCheck(),
    new DataProtectionCheck(),
    new K3osConfigCheck(),
    new HostConsistencyCheck(),
    new K3sCliFlagsCheck(),
    new CisBenchmarkCheck(),
    new StageDependencyCheck(),
    new SecretsCheck(),
  ];
}

export interface SynthOptions {
  /**
   * The files of the previous synth (path -> content), so that load-balancer addresses
   * chosen automatically before stay where they are.
   * @default - none: a fresh choice
   */
  readonly previousFiles?: ReadonlyMap<string, string>;
  /**
   * Let data-bearing objects (claims, volumes, StatefulSets, data namespaces) disappear.
   * @default false
   */
  readonly allowDataLoss?: boolean;
  /**
   * The files under secrets/ (path -> content), to check against what the workloads reference.
   * @default - none
   */
  readonly secretFiles?: ReadonlyMap<string, string>;
  /** @default STAGES */
  readonly stages?: StageRegistry;
  /** @default defaultChecks() */
  readonly checks?: readonly Check[];
}

export interface SynthResult {
  readonly cluster: RenderedCluster;
  readonly warnings: readonly Finding[];
}

/**
 * The whole pure pipeline: spec text -> validated spec -> rendered files -> checks.
 * Throws a UserError for a bad spec or any check error; writes nothing.
 */
export async function synthesize(specText: string, source: string, options: SynthOptions = {}): Promise<SynthResult> {
  const spec = loadSpec(specText, source);
  const lan = Ipv4Range.fromCidr(spec.network.lan.cidr);
  const reserved = new Map([
    [numberToIpv4(lan.first), `the network address of network.lan.cidr ${lan}`],
    [numberToIpv4(lan.last), `the broadcast address of network.lan.cidr ${lan}`],
  ]);
  const vips = allocateVips(spec.network.loadBalancerPool, vipRequests(spec), previousVips(options.previousFiles ?? new Map()), reserved);
  const cluster = renderCluster(spec, options.stages ?? STAGES, vips);
  const findings = await runChecks(cluster, options.checks ?? defaultChecks(), {
    previousFiles: options.previousFiles ?? new Map(),
    allowDataLoss: options.allowDataLoss ?? false,
    secretFiles: options.secretFiles ?? new Map(),
  });
  const errors = findings.filter((f) => f.severity === 'error');
  if (errors.length > 0) {
    throw new UserError(
      `${errors.length} check${errors.length === 1 ? '' : 's'} failed; nothing was written:`,
      errors.map((f) => `[${f.check}] ${f.message}`),
    );
  }
  return { cluster, warnings: findings.filter((f) => f.severity === 'warning') };
}
