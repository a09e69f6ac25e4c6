import * as k8s from 'cdk8s-plus-33/lib/imports/k8s';
import { Construct } from 'constructs';
import { HomelabWorkload } from '../k8s/homelab-workload';
import { Placement } from '../placement/placement';
import { storageNode } from '../spec/nodes';
import { ClusterSpec } from '../spec/schema';
import { DataVolume } from '../storage/data-volume';

export const HOME_NAMESPACE = 'home';
export const HOME_ASSISTANT_IMAGE = 'ghcr.io/home-assistant/home-assistant';

/** Where the monitoring layer reaches Home Assistant and with which token. */
export interface HomeAssistantEndpoint {
  /** Base URL, e.g. `http://192.168.10.20:8123`. */
  readonly url: string;
  readonly tokenSecret: { readonly name: string; readonly key: string };
}

/**
 * Home Assistant's address for scraping: the LAN address it runs at, or, in the cluster, the
 * storage node's address (it uses the host network there). Undefined when the spec has none.
 */
export function homeAssistantEndpoint(spec: ClusterSpec): HomeAssistantEndpoint | undefined {
  const ha = spec.services.homeAssistant;
  if (!ha) {
    return undefined;
  }
  const host = ha.mode === 'external' ? ha.address : storageNode(spec).ip;
  return { url: `http://${host}:${ha.port}`, tokenSecret: { ...ha.tokenSecret } };
}

export interface HomeAssistantProps {
  readonly spec: ClusterSpec;
}

/**
 * Home Assistant in the cluster: pinned to the storage node, on the host network for device
 * discovery (mDNS, SSDP), its configuration on a prune-protected claim.
 */
export class HomeAssistant extends Construct {
  constructor(scope: Construct, id: string, props: HomeAssistantProps) {
    super(scope, id);
    const { spec } = props;
    const ha = spec.services.homeAssistant;
    if (ha?.mode !== 'cluster') {
      throw new Error('HomeAssistant is only deployed when services.homeAssistant.mode is cluster');
    }
    const config = new DataVolume(this, 'Config', {
      spec,
      name: 'home-assistant-config',
      namespace: HOME_NAMESPACE,
      dataset: ha.dataset,
      sizeGiB: ha.configSizeGiB,
    });
    const http: k8s.Probe = { httpGet: { path: '/', port: k8s.IntOrString.fromNumber(ha.port) }, periodSeconds: 30 };
    new HomelabWorkload(this, 'Server', {
      kind: 'Deployment',
      name: 'home-assistant',
      namespace: HOME_NAMESPACE,
      component: 'home-automation',
      placement: Placement.pinned(storageNode(spec)),
      hostNetwork: true,
      securityExceptions: {
        hostNetwork: 'device discovery (mDNS, SSDP) is multicast on the LAN',
        runAsNonRoot: 'the official image runs as root',
        readOnlyRootFilesystem: 'integrations install Python packages at run time',
      },
      podSecurityContext: { seccompProfile: { type: 'RuntimeDefault' } },
      containers: [
        {
          name: 'home-assistant',
          image: `${HOME_ASSISTANT_IMAGE}:${ha.version}`,
          env: [{ name: 'TZ', value: spec.timezone }],
          ports: [{ name: 'http', containerPort: ha.port, protocol: 'TCP' }],
          resources: {
            requests: { cpu: k8s.Quantity.fromString('200m'), memory: k8s.Quantity.fromString('512Mi') },
            limits: { memory: k8s.Quantity.fromString('2Gi') },
          },
          startupProbe: { ...http, periodSeconds: 10, failureThreshold: 30 },
          readinessProbe: http,
          livenessProbe: { ...http, failureThreshold: 4 },
          securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } },
          volumeMounts: [{ name: 'config', mountPath: '/config' }],
        },
      ],
      volumes: [config.volume('config')],
    });
  }
}
