import { STAGES } from '../charts/stages';
import {
  ApiUpdateCheck,
  ArchitectureCheck,
  CapacityCheck,
  Check,
  CisBenchmarkCheck,
  DataProtectionCheck,
  FlowsCheck,
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
  UpgradeAccessCheck,
} from './checks';
import { AlloyReferenceCheck } from './checks/alloy-reference-check';
import { PriorityClassCheck, ProbeCheck } from './checks/workload-health-check';
import { HomeAssistantMetricsCheck, PinnedImagesCheck, WritableDirsCheck } from './checks/component-checks';
import { AnsibleFoldersCheck, FirstBootCheck, NodeLogAgentCheck } from './checks/node-os-checks';
import { UserError } from './errors';
import { ChartRenderer, HelmChartRenderer } from './helm/chart-renderer';
import { renderChartObjects } from './helm/cluster-charts';
import { Ipv4Range, numberToIpv4 } from './net/ipv4';
import { allocateVips } from './net/vip-allocator';
import { ClusterLock, lockFromOutputs, lockStorageObjects } from './lock/cluster-lock';
import { RenderedCluster } from './output/rendered';
import { renderCluster } from './render';
import { loadSpec, vipRequests } from './services/registry';
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
    new FlowsCheck(),
    new UpgradeAccessCheck(),
    new ApiUpdateCheck(),
    new NodeLogAgentCheck(),
    new AlloyReferenceCheck(),
    new FirstBootCheck(),
    new WritableDirsCheck(),
    new HomeAssistantMetricsCheck(),
    new AnsibleFoldersCheck(),
    new PinnedImagesCheck(),
    new PriorityClassCheck(),
    new ProbeCheck(),
  ];
}

export interface SynthOptions {
  /**
   * The files of the previous synth (path -> content): what a push would change, for the
   * data-loss and API-update checks; and, when there is no `lock`, what the lock is seeded
   * from (outputs written before the lock existed).
   * @default - none
   */
  readonly previousFiles?: ReadonlyMap<string, string>;
  /**
   * The cluster lock (cluster.lock.yaml beside the spec): VIPs, claims' classes and requests
   * that stay as they are.
   * @default - derived from previousFiles
   */
  readonly lock?: ClusterLock;
  /** Names the lock in messages. @default 'cluster.lock.yaml' */
  readonly lockName?: string;
  /**
   * Let data-bearing objects (claims, volumes, StatefulSets, data namespaces) disappear.
   * @default false
   */
  readonly allowDataLoss?: boolean;
  /**
   * The user carries out the planned migrations (`--migrate`): claims and volumes whose
   * update the API server refuses are replaced by the steps npm run plan prints.
   * @default false
   */
  readonly migrate?: boolean;
  /**
   * The files under secrets/ (path -> content), to check against what the workloads reference.
   * @default - none
   */
  readonly secretFiles?: ReadonlyMap<string, string>;
  /** @default STAGES */
  readonly stages?: StageRegistry;
  /** @default defaultChecks() */
  readonly checks?: readonly Check[];
  /**
   * Renders the chart releases.
   * @default - helm from the chart cache in .cache/ (lib/helm/chart-renderer.ts)
   */
  readonly charts?: ChartRenderer;
}

export interface SynthResult {
  readonly cluster: RenderedCluster;
  /** The lock these outputs imply, to write beside the spec. */
  readonly lock: ClusterLock;
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
  const lock = options.lock ?? lockFromOutputs(options.previousFiles ?? new Map());
  const vips = allocateVips(spec.network.loadBalancerPool, vipRequests(spec), lock.vips, reserved, options.lockName ?? 'cluster.lock.yaml');
  const bare = renderCluster(spec, options.stages ?? STAGES, vips, lockStorageObjects(lock));
  const charts = await renderChartObjects(bare, options.charts ?? new HelmChartRenderer());
  const cluster: RenderedCluster = { ...bare, chartObjects: charts.chartObjects, releases: charts.releases, chartsUnavailable: charts.unavailable };
  const checks = options.checks ?? defaultChecks();
  const findings = [...charts.findings, ...vips.moves.map((message): Finding => ({ severity: 'warning', check: 'vips', message }))];
  if (charts.unavailable) {
    findings.push({
      severity: 'warning',
      check: 'charts',
      message:
        `the chart releases were not rendered: ${charts.unavailable}. Until then these checks see only this project's own objects, ` +
        `not what the charts install: ${checks.map((c) => c.name).join(', ')}`,
    });
  }
  findings.push(...(await runChecks(cluster, checks, {
    previousFiles: options.previousFiles ?? new Map(),
    allowDataLoss: options.allowDataLoss ?? false,
    migrate: options.migrate ?? false,
    secretFiles: options.secretFiles ?? new Map(),
  })));
  const errors = findings.filter((f) => f.severity === 'error');
  if (errors.length > 0) {
    throw new UserError(
      `${errors.length} check${errors.length === 1 ? '' : 's'} failed; nothing was written:`,
      errors.map((f) => `[${f.check}] ${f.message}`),
    );
  }
  return { cluster, lock: lockFromOutputs(new Map(cluster.files.entries()), vips), warnings: findings.filter((f) => f.severity === 'warning') };
}
