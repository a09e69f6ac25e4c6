// The simulated nodes of a cluster description, as kwok's Node objects: the names, labels,
// taints and architecture k3s gives them (lib/analysis/scheduling.ts) and the allocatable
// CPU and memory the capacity check computes (lib/analysis/capacity.ts), so the real
// scheduler decides on the same facts the checks reason with. Bundled by esbuild at run time.
import { allocatable } from '../../lib/analysis/capacity';
import { GIB } from '../../lib/analysis/quantity';
import { nodeLabels, nodeTaints } from '../../lib/analysis/scheduling';
import { loadSpec } from '../../lib/services/registry';

/** The annotation kwok is told to manage nodes by (kwok --manage-nodes-with-annotation-selector). */
export const KWOK_ANNOTATION = 'kwok.x-k8s.io/node';

export interface SpecFacts {
  readonly serviceCidr: string;
  readonly podCidr: string;
  readonly k3sVersion: string;
  readonly storageNode: string;
  readonly standbyNode: string;
  readonly nodes: readonly Record<string, unknown>[];
}

export function specFacts(text: string, source: string): SpecFacts {
  const spec = loadSpec(text, source);
  const nodes = spec.nodes.map((node) => {
    const a = allocatable(spec, node);
    return {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name: node.name,
        labels: { ...nodeLabels(node), type: 'kwok' },
        annotations: { [KWOK_ANNOTATION]: 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
      },
      spec: { taints: nodeTaints(node).map((t) => ({ key: t.key, ...(t.value ? { value: t.value } : {}), effect: t.effect })) },
      status: {
        capacity: { cpu: String(node.hardware.cpuCores), memory: `${node.hardware.memoryGiB}Gi`, pods: '110' },
        allocatable: { cpu: `${a.millicores}m`, memory: `${Math.floor(a.memory / (GIB / 1024))}Mi`, pods: '110' },
        nodeInfo: {
          architecture: node.arch,
          operatingSystem: 'linux',
          kubeletVersion: spec.k3s.version,
          kubeProxyVersion: spec.k3s.version,
          osImage: node.os,
        },
      },
    };
  });
  return {
    serviceCidr: spec.network.serviceCidr,
    podCidr: spec.network.podCidr,
    k3sVersion: spec.k3s.version,
    storageNode: spec.placement.storageNode,
    standbyNode: spec.placement.standbyNode,
    nodes,
  };
}
