import * as k8s from 'cdk8s-plus-33/lib/imports/k8s';
import { Construct } from 'constructs';
import { stringifyYaml as stringify } from '../../yaml/yaml-memo';
import { HomelabNamespace } from '../../k8s/homelab-namespace';
import { HomelabWorkload } from '../../k8s/homelab-workload';
import { prometheusCredentialsFile, ScrapeJob } from '../../observability/monitoring';
import { staticJob } from '../../observability/prometheus-config';
import { Placement } from '../../placement/placement';
import { storageNode } from '../../spec/nodes';
import { ClusterSpec } from '../../spec/schema';
import { DataVolume } from '../../storage/data-volume';

export const HOME_NAMESPACE = 'home';
export const HOME_ASSISTANT_IMAGE = 'ghcr.io/home-assistant/home-assistant';
/** Where Home Assistant's Prometheus integration serves metrics (it needs `prometheus:` in the configuration). */
export const HOME_ASSISTANT_METRICS_PATH = '/api/prometheus';
/** The ConfigMap with the package the cluster gives Home Assistant, and the package's file name. */
export const HOME_ASSISTANT_PACKAGE = { configMap: 'home-assistant-homelab', file: 'homelab.yaml' } as const;

/**
 * The Home Assistant package the cluster writes to `/config/packages/homelab.yaml`: the
 * Prometheus integration (the monitoring layer scrapes HOME_ASSISTANT_METRICS_PATH with a
 * long-lived token), and the HTTP port when it is not Home Assistant's default.
 */
export function homeAssistantPackage(port: number): Record<string, unknown> {
  return { prometheus: { namespace: 'homeassistant' }, ...(port !== 8123 ? { http: { server_port: port } } : {}) };
}

/**
 * Runs before Home Assistant on every start: on a first start (no configuration.yaml) it writes
 * a configuration that loads packages/ (and the files the UI editors write to); on every start it
 * copies the cluster's package in. An existing configuration.yaml is never changed; when it
 * does not load packages/, a message in the init container's log says what to add.
 */
const CONFIGURE_SCRIPT = `set -eu
cd /config
if [ ! -f configuration.yaml ]; then
  cat > configuration.yaml <<'YAML'
# Written once by the cluster; yours to edit. Keep the packages line: the cluster's settings
# (the Prometheus endpoint the monitoring scrapes) are in packages/${HOME_ASSISTANT_PACKAGE.file}.
default_config:
homeassistant:
  packages: !include_dir_named packages
automation: !include automations.yaml
script: !include scripts.yaml
scene: !include scenes.yaml
YAML
  [ -f automations.yaml ] || echo '[]' > automations.yaml
  [ -f scripts.yaml ] || : > scripts.yaml
  [ -f scenes.yaml ] || echo '[]' > scenes.yaml
fi
mkdir -p packages
cp /homelab/${HOME_ASSISTANT_PACKAGE.file} packages/${HOME_ASSISTANT_PACKAGE.file}
if ! grep -Eq '^[[:space:]]+packages:[[:space:]]*!include_dir_named[[:space:]]+packages[[:space:]]*$' configuration.yaml; then
  echo "configuration.yaml does not load packages/: add 'packages: !include_dir_named packages' under 'homeassistant:', or ${HOME_ASSISTANT_METRICS_PATH} is not served" >&2
fi
`;

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

/** Prometheus scrapes Home Assistant's metrics with its long-lived token. */
export function homeAssistantScrapeJob(spec: ClusterSpec): ScrapeJob | undefined {
  const ha = homeAssistantEndpoint(spec);
  if (!ha) {
    return undefined;
  }
  const url = new URL(ha.url);
  return {
    config: staticJob('home-assistant', [url.host], {
      scheme: url.protocol.replace(':', ''),
      metrics_path: HOME_ASSISTANT_METRICS_PATH,
      authorization: { credentials_file: prometheusCredentialsFile('home-assistant') },
    }),
    credentials: ha.tokenSecret,
  };
}

export interface HomeAssistantProps {
  readonly spec: ClusterSpec;
  /** The namespace it runs in: what it needs opens there. */
  readonly namespace: HomelabNamespace;
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
      namespace: props.namespace,
      dataset: ha.dataset,
      sizeGiB: ha.configSizeGiB,
    });
    new k8s.KubeConfigMap(this, 'Package', {
      metadata: { name: HOME_ASSISTANT_PACKAGE.configMap, namespace: HOME_NAMESPACE },
      data: { [HOME_ASSISTANT_PACKAGE.file]: stringify(homeAssistantPackage(ha.port)), 'configure.sh': CONFIGURE_SCRIPT },
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
      initContainers: [
        {
          name: 'configure',
          image: `${HOME_ASSISTANT_IMAGE}:${ha.version}`,
          command: ['/bin/sh', '/homelab/configure.sh'],
          resources: { requests: { cpu: k8s.Quantity.fromString('10m'), memory: k8s.Quantity.fromString('16Mi') }, limits: { memory: k8s.Quantity.fromString('64Mi') } },
          securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } },
          volumeMounts: [
            { name: 'config', mountPath: '/config' },
            { name: 'homelab', mountPath: '/homelab', readOnly: true },
          ],
        },
      ],
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
      volumes: [config.volume('config'), { name: 'homelab', configMap: { name: HOME_ASSISTANT_PACKAGE.configMap } }],
    });
  }
}
