import * as k8s from 'cdk8s-plus-33/lib/imports/k8s';
import { Construct } from 'constructs';
import { imageRepository, imageTag } from '../../images';
import { ExposedHttpApp } from '../../ingress/exposed-http-app';
import { HomelabNamespace, PRUNE_DISABLED } from '../../k8s/homelab-namespace';
import { HomelabWorkload } from '../../k8s/homelab-workload';
import { HOSTNAME_LABEL, Placement } from '../../placement/placement';
import { storageNode } from '../../spec/nodes';
import { ClusterSpec } from '../../spec/schema';
import { datasetMountpoint } from '../../storage/data-volume';
import { LocalDataVolume } from '../../storage/local-data-volume';
import { JellyfinSpec } from './schema';

/** The image, its tag checked upstream (index.ts has the evidence). */
export const JELLYFIN_IMAGE = 'docker.io/jellyfin/jellyfin:10.11.11';
export const JELLYFIN_REPOSITORY = imageRepository(JELLYFIN_IMAGE);
export const JELLYFIN_TAG = imageTag(JELLYFIN_IMAGE) ?? '';
export const JELLYFIN_NAMESPACE = 'jellyfin';
/** Jellyfin's HTTP port and health endpoint (the image's EXPOSE and HEALTHCHECK_URL). */
export const JELLYFIN_PORT = 8096;
/** The user Jellyfin runs as; it owns the configuration folder (host provisioning creates it so). */
export const JELLYFIN_UID = 1000;

export interface JellyfinServerProps {
  readonly spec: ClusterSpec;
  readonly jellyfin: JellyfinSpec;
  readonly namespace: HomelabNamespace;
}

/**
 * Jellyfin on the storage node: the media dataset mounted read-only from a local volume (no
 * hostPath, so the namespace stays restricted), its configuration and SQLite library on a
 * local claim in the config dataset, transcodes in a scratch volume, published at
 * `<hostname>.<domain>` through the ingress.
 */
export class JellyfinServer extends Construct {
  constructor(scope: Construct, id: string, props: JellyfinServerProps) {
    super(scope, id);
    const { spec, jellyfin, namespace } = props;
    const node = storageNode(spec);
    const config = new LocalDataVolume(this, 'Config', {
      spec,
      name: 'jellyfin-config',
      namespace,
      dataset: jellyfin.configDataset,
      folder: 'jellyfin',
      uid: JELLYFIN_UID,
      sizeGiB: jellyfin.configSizeGiB,
    });
    // The media as it is: a local volume of the whole dataset, bound to one claim, read-only.
    // Retain: removing the claim never touches the media. The size is nominal (local volumes are not sized).
    const mediaVolume = `${namespace.name}-media`;
    namespace.markHoldsData();
    new k8s.KubePersistentVolume(this, 'MediaVolume', {
      metadata: { name: mediaVolume, annotations: { ...PRUNE_DISABLED } },
      spec: {
        capacity: { storage: k8s.Quantity.fromString('1Gi') },
        accessModes: ['ReadWriteOnce'],
        persistentVolumeReclaimPolicy: 'Retain',
        storageClassName: '',
        claimRef: { namespace: namespace.name, name: 'jellyfin-media' },
        local: { path: datasetMountpoint(spec, jellyfin.mediaDataset) },
        nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: HOSTNAME_LABEL, operator: 'In', values: [node.name] }] }] } },
      },
    });
    new k8s.KubePersistentVolumeClaim(this, 'MediaClaim', {
      metadata: { name: 'jellyfin-media', namespace: namespace.name, annotations: { ...PRUNE_DISABLED } },
      spec: {
        storageClassName: '',
        volumeName: mediaVolume,
        accessModes: ['ReadWriteOnce'],
        resources: { requests: { storage: k8s.Quantity.fromString('1Gi') } },
      },
    });
    const health: k8s.Probe = { httpGet: { path: '/health', port: k8s.IntOrString.fromNumber(JELLYFIN_PORT) }, periodSeconds: 30 };
    const workload = new HomelabWorkload(this, 'Server', {
      kind: 'Deployment',
      name: 'jellyfin',
      namespace: namespace.name,
      component: 'media',
      // a household app, like DLNA and Home Assistant
      priority: 'apps',
      placement: Placement.pinned(node),
      podSecurityContext: {
        runAsNonRoot: true,
        runAsUser: JELLYFIN_UID,
        runAsGroup: JELLYFIN_UID,
        fsGroup: JELLYFIN_UID,
        seccompProfile: { type: 'RuntimeDefault' },
      },
      containers: [
        {
          name: 'jellyfin',
          image: JELLYFIN_IMAGE,
          env: [{ name: 'TZ', value: spec.timezone }],
          ports: [{ name: 'http', containerPort: JELLYFIN_PORT, protocol: 'TCP' }],
          resources: {
            requests: { cpu: k8s.Quantity.fromString('500m'), memory: k8s.Quantity.fromString('512Mi') },
            limits: { memory: k8s.Quantity.fromString(`${jellyfin.memoryLimitMiB}Mi`) },
          },
          // The first start migrates or creates the library database.
          startupProbe: { ...health, periodSeconds: 10, failureThreshold: 30 },
          readinessProbe: health,
          livenessProbe: { ...health, failureThreshold: 4 },
          volumeMounts: [
            { name: 'config', mountPath: '/config' },
            { name: 'media', mountPath: '/media', readOnly: true },
            { name: 'cache', mountPath: '/cache' },
            { name: 'tmp', mountPath: '/tmp' },
          ],
        },
      ],
      volumes: [
        config.volume('config'),
        { name: 'media', persistentVolumeClaim: { claimName: 'jellyfin-media', readOnly: true } },
        { name: 'cache', emptyDir: { sizeLimit: k8s.Quantity.fromString(`${jellyfin.cacheSizeGiB}Gi`) } },
        { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('1Gi') } },
      ],
    });
    new k8s.KubeService(this, 'Service', {
      metadata: { name: 'jellyfin', namespace: namespace.name },
      spec: { selector: workload.selector, ports: [{ name: 'http', port: JELLYFIN_PORT, targetPort: k8s.IntOrString.fromNumber(JELLYFIN_PORT) }] },
    });
    new ExposedHttpApp(this, 'Route', { spec, name: jellyfin.hostname, namespace, serviceName: 'jellyfin', servicePort: JELLYFIN_PORT });
  }
}
