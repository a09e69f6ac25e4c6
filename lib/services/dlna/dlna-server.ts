import * as k8s from 'cdk8s-plus-33/lib/imports/k8s';
import { Construct } from 'constructs';
import { HomelabNamespace } from '../../k8s/homelab-namespace';
import { HomelabWorkload } from '../../k8s/homelab-workload';
import { Placement } from '../../placement/placement';
import { storageNode } from '../../spec/nodes';
import { ClusterSpec } from '../../spec/schema';
import { datasetMountpoint } from '../../storage/data-volume';

/** Gerbera, a maintained UPnP/DLNA media server. */
export const DLNA_IMAGE = 'docker.io/gerbera/gerbera:3.2.1';
export const MEDIA_NAMESPACE = 'media';
/** Gerbera's HTTP port (its default). */
export const DLNA_HTTP_PORT = 49494;

export interface DlnaServerProps {
  readonly spec: ClusterSpec;
  /** The namespace it runs in: what it needs opens there. */
  readonly namespace: HomelabNamespace;
}

/**
 * The DLNA server, pinned to the storage node because the media is there: the media
 * dataset read-only from the host, the host network because SSDP discovery is multicast on
 * the LAN, its database rebuilt from a scan at start (nothing to lose).
 */
export class DlnaServer extends Construct {
  constructor(scope: Construct, id: string, props: DlnaServerProps) {
    super(scope, id);
    const { spec, namespace } = props;
    const http: k8s.Probe = { httpGet: { path: '/', port: k8s.IntOrString.fromNumber(DLNA_HTTP_PORT) }, periodSeconds: 30 };
    new HomelabWorkload(this, 'Server', {
      kind: 'Deployment',
      name: 'dlna',
      namespace: namespace.name,
      component: 'media',
      placement: Placement.pinned(storageNode(spec)),
      hostNetwork: true,
      securityExceptions: {
        hostNetwork: 'SSDP discovery is multicast on the LAN; it does not cross the pod network',
        hostPath: 'serves the media dataset read-only from the storage node it is pinned to',
        runAsNonRoot: "the image's entrypoint starts as root to switch to its own user",
        readOnlyRootFilesystem: "the image's entrypoint may rewrite its user database at start",
        addCapabilities: 'CHOWN, SETUID and SETGID, for the entrypoint to hand its state folder to its user and switch to it',
      },
      podSecurityContext: { seccompProfile: { type: 'RuntimeDefault' } },
      containers: [
        {
          name: 'gerbera',
          image: DLNA_IMAGE,
          ports: [{ name: 'http', containerPort: DLNA_HTTP_PORT, protocol: 'TCP' }],
          resources: {
            requests: { cpu: k8s.Quantity.fromString('100m'), memory: k8s.Quantity.fromString('256Mi') },
            limits: { memory: k8s.Quantity.fromString('1Gi') },
          },
          readinessProbe: http,
          livenessProbe: { ...http, failureThreshold: 4 },
          securityContext: {
            allowPrivilegeEscalation: false,
            capabilities: { drop: ['ALL'], add: ['CHOWN', 'SETUID', 'SETGID'] },
            seccompProfile: { type: 'RuntimeDefault' },
          },
          volumeMounts: [
            { name: 'media', mountPath: '/mnt/content', readOnly: true },
            { name: 'state', mountPath: '/var/run/gerbera' },
          ],
        },
      ],
      volumes: [
        { name: 'media', hostPath: { path: datasetMountpoint(spec, spec.services.dlna.dataset), type: 'Directory' } },
        { name: 'state', emptyDir: { sizeLimit: k8s.Quantity.fromString('2Gi') } },
      ],
    });
  }
}
