import { Construct } from 'constructs';
import { HomelabNamespace } from '../../k8s/homelab-namespace';
import { stringifyYaml as stringify } from '../../yaml/yaml-memo';
import { HomelabWorkload } from '../../k8s/homelab-workload';
import { OBSERVABILITY_IMAGES as IMAGES, OBSERVABILITY_NAMESPACE as NS, PORTS } from '../constants';
import { lokiConfig } from '../loki-config';
import { Placement } from '../../placement/placement';
import { ClusterSpec } from '../../spec/schema';
import { LocalDataVolume } from '../../storage/local-data-volume';
import { resources, nonRoot, httpProbe, service, configMap } from './kit';

export interface LokiProps {
  /** The monitoring namespace. */
  readonly namespace: HomelabNamespace;
  readonly spec: ClusterSpec;
  readonly placement: Placement;
}

/** Loki, single binary, its chunks on the storage node's observability dataset. */
export class Loki extends Construct {
  constructor(scope: Construct, id: string, props: LokiProps) {
    super(scope, id);
    const { spec, namespace, placement } = props;
    const obs = spec.services.observability;
    configMap(this, 'loki-config', { 'loki.yaml': stringify(lokiConfig(spec)) });
    const data = new LocalDataVolume(this, 'LokiData', {
      spec,
      name: 'loki-data',
      namespace,
      dataset: obs.dataset,
      folder: 'loki',
      uid: 10001,
      sizeGiB: obs.lokiSizeGiB,
    });
    const w = new HomelabWorkload(this, 'Loki', {
      kind: 'Deployment',
      name: 'loki',
      namespace: NS,
      component: 'logs',
      placement,
      podSecurityContext: nonRoot(10001),
      containers: [
        {
          name: 'loki',
          image: IMAGES.loki,
          args: ['-config.file=/etc/loki/loki.yaml', '-target=all'],
          ports: [{ name: 'http', containerPort: PORTS.loki }],
          resources: resources('100m', '256Mi', '1Gi'),
          readinessProbe: httpProbe(PORTS.loki, '/ready'),
          volumeMounts: [
            { name: 'config', mountPath: '/etc/loki', readOnly: true },
            { name: 'data', mountPath: '/var/loki' },
          ],
        },
      ],
      volumes: [{ name: 'config', configMap: { name: 'loki-config' } }, data.volume('data')],
    });
    service(this, 'loki', w.selector, PORTS.loki);
  }
}
