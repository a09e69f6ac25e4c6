import { STAGES } from '../../charts/stages';
import { VipAssignments } from '../../lib/net/vip-allocator';
import { ANNOTATIONS } from '../../lib/analysis/workload-model';
import { FileSet } from '../../lib/output/file-set';
import { Placement } from '../../lib/placement/placement';
import { RenderedCluster, RenderedObject } from '../../lib/output/rendered';
import { loadSpec } from '../../lib/services/registry';
import { ClusterSpec } from '../../lib/spec/schema';
import { defaultSpecText } from '../helpers';

/** The shipped spec: atlas (amd64 storage), pi-cp (server), pi-worker (arm64 standby). */
export const SPEC: ClusterSpec = loadSpec(defaultSpecText(), 'cluster.yaml');
export const [ATLAS, PI_CP, PI_WORKER] = SPEC.nodes;

export const HARDENED = {
  runAsNonRoot: true,
  readOnlyRootFilesystem: true,
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

export interface WorkloadOptions {
  readonly kind?: 'Deployment' | 'DaemonSet' | 'StatefulSet';
  readonly name: string;
  readonly namespace?: string;
  readonly placement: Placement;
  readonly image?: string;
  readonly memory?: string;
  readonly cpu?: string;
  readonly annotations?: Record<string, string>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly volumes?: any[];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly securityContext?: any;
}

/** A hardened workload as our constructs render it, placed by the placement vocabulary. */
export function workload(o: WorkloadOptions): RenderedObject {
  const labels = { 'app.kubernetes.io/name': o.name };
  const kind = o.kind ?? 'Deployment';
  const manifest = {
    apiVersion: 'apps/v1',
    kind,
    metadata: { name: o.name, namespace: o.namespace ?? 'apps', annotations: o.annotations ?? {} },
    spec: {
      ...(kind === 'DaemonSet' ? {} : { replicas: o.placement.replicas }),
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          automountServiceAccountToken: false,
          ...o.placement.podFields(labels),
          containers: [
            {
              name: o.name,
              image: o.image ?? 'docker.io/library/busybox:1.37',
              resources: { requests: { cpu: o.cpu ?? '100m', memory: o.memory ?? '64Mi' }, limits: { memory: o.memory ?? '64Mi' } },
              securityContext: o.securityContext ?? HARDENED,
            },
          ],
          volumes: o.volumes ?? [],
        },
      },
    },
  };
  return { file: `dist/test/apps/${kind.toLowerCase()}-${o.name}.yaml`, group: 'test', manifest };
}

export function loadBalancer(name: string, vip: string, policy: 'Local' | 'Cluster', namespace = 'apps'): RenderedObject {
  return {
    file: `dist/test/${namespace}/service-${name}.yaml`,
    group: 'test',
    manifest: {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace, annotations: { 'metallb.io/loadBalancerIPs': vip } },
      spec: { type: 'LoadBalancer', externalTrafficPolicy: policy, selector: { 'app.kubernetes.io/name': name }, ports: [{ port: 443 }] },
    },
  };
}

export function namespace(name: string, level = 'restricted'): RenderedObject {
  return {
    file: `dist/test/namespace-${name}.yaml`,
    group: 'test',
    manifest: { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'pod-security.kubernetes.io/enforce': level } } },
  };
}

/** MetalLB's pool and layer-2 advertisement for SPEC's pool (every node may announce), as the networking stage renders them in essence. */
export function metallbConfig(): RenderedObject[] {
  const file = 'dist/test/metallb-system/metallb.yaml';
  return [
    { file, group: 'test', manifest: { apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool', metadata: { name: 'lan', namespace: 'metallb-system' }, spec: { addresses: [SPEC.network.loadBalancerPool], autoAssign: false } } },
    { file, group: 'test', manifest: { apiVersion: 'metallb.io/v1beta1', kind: 'L2Advertisement', metadata: { name: 'lan', namespace: 'metallb-system' }, spec: { ipAddressPools: ['lan'] } } },
  ];
}

export function cluster(...objects: RenderedObject[]): RenderedCluster {
  return { spec: SPEC, objects: [namespace('apps'), ...metallbConfig(), ...objects], bootstrapObjects: [], chartObjects: [], releases: [], files: new FileSet(), objectCounts: new Map(), vips: new VipAssignments(new Map()), stages: STAGES };
}

export const FAILOVER_10S = { [ANNOTATIONS.failoverWithinSeconds]: '10' };
export const STATELESS = { [ANNOTATIONS.stateless]: 'true' };
