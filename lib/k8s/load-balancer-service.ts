import * as k8s from 'cdk8s-plus-33/lib/imports/k8s';
import { Construct } from 'constructs';
import { HomelabNamespace } from './homelab-namespace';

export interface LoadBalancerServiceProps {
  /** The namespace of the Service and its pods: each port opens itself there. */
  readonly namespace: HomelabNamespace;
  readonly name: string;
  /** @default - none */
  readonly labels?: Record<string, string>;
  /** The address annotations (lib/net/vip-allocator.ts) and any other. */
  readonly annotations?: Record<string, string>;
  /** Everything of the Service's spec but its type. */
  readonly spec: Omit<k8s.ServiceSpec, 'type'> & { readonly ports: k8s.ServicePort[] };
}

/**
 * A LoadBalancer Service whose ports open themselves: every target port is allowed from
 * anywhere in its namespace's network policies, and nothing else is.
 */
export class LoadBalancerService extends Construct {
  constructor(scope: Construct, id: string, props: LoadBalancerServiceProps) {
    super(scope, id);
    new k8s.KubeService(this, 'Resource', {
      metadata: {
        name: props.name,
        namespace: props.namespace.name,
        ...(props.labels ? { labels: props.labels } : {}),
        ...(props.annotations ? { annotations: props.annotations } : {}),
      },
      spec: { type: 'LoadBalancer', ...props.spec },
    });
    for (const p of props.spec.ports) {
      const target = p.targetPort?.value ?? p.port;
      if (typeof target !== 'number') {
        throw new Error(`LoadBalancer ${props.namespace.name}/${props.name}: port ${p.name ?? p.port} names its target port; give the number, so that the network policy can open it`);
      }
      props.namespace.exposePort({ port: target, protocol: p.protocol === 'UDP' ? 'UDP' : 'TCP' });
    }
  }
}
