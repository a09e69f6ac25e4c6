import { HomelabNamespace } from '../../k8s/homelab-namespace';
import { alertRule, logPanel, metricPanel } from '../../observability/monitoring';
import { sectionOf, ServiceModule, ServiceSection } from '../service-module';
import { JELLYFIN_NAMESPACE, JELLYFIN_REPOSITORY, JELLYFIN_TAG, JellyfinServer } from './jellyfin-server';
import { jellyfinSchema } from './schema';

const SECTION = { key: 'jellyfin', at: 'services', schema: jellyfinSchema } as const satisfies ServiceSection;

const jellyfinOf = (spec: Parameters<ServiceModule['enabled']>[0]) => sectionOf(spec, SECTION);

const DEPLOYMENT = `namespace="${JELLYFIN_NAMESPACE}", deployment="jellyfin"`;
const CONTAINER = `namespace="${JELLYFIN_NAMESPACE}", container="jellyfin"`;

/**
 * Jellyfin (services.jellyfin), a media server with a web UI beside DLNA, for the design's
 * "media servers": on the storage node with the media read-only, its configuration on a local
 * claim, at https://<hostname>.<domain>, with its own dashboard and alert.
 */
export const JELLYFIN_SERVICE: ServiceModule = {
  name: 'jellyfin',
  section: SECTION,
  enabled: (spec) => jellyfinOf(spec)?.enabled === true,
  stage: { name: 'jellyfin', layer: 'media', purpose: 'Jellyfin media server on the storage node, behind the ingress', dependsOn: ['storage', 'ingress'] },
  images: () => ({
    [JELLYFIN_REPOSITORY]: {
      architectures: ['amd64', 'arm64'],
      writableDirs: [
        { path: '/config', why: 'its configuration, metadata and library database (JELLYFIN_DATA_DIR)' },
        { path: '/cache', why: 'transcodes and the image cache (JELLYFIN_CACHE_DIR, XDG_CACHE_HOME)' },
        { path: '/tmp', why: '.NET and ffmpeg write temporary files there' },
      ],
      pin: {
        tag: JELLYFIN_TAG,
        tagSeen: 'jellyfin/jellyfin-packaging tag v10.11.11-202606061137 (2026-06-06, newest); the jellyfin/jellyfin release 10.11.11 is marked Latest',
        arm64Seen: 'build.yaml docker archmaps amd64 and arm64 (arm64v8); build.py pushes the X.Y.Z manifest, without the v',
        checked: '2026-12-01',
      },
    },
  }),
  datasets: (spec) => {
    const j = jellyfinOf(spec);
    return j ? [{ dataset: j.mediaDataset, path: 'services.jellyfin.mediaDataset' }, { dataset: j.configDataset, path: 'services.jellyfin.configDataset' }] : [];
  },
  problems: (spec) => {
    const j = jellyfinOf(spec);
    return j && !spec.services.ingress.enabled ? ['services.jellyfin.enabled: true needs services.ingress.enabled, which serves it at https://<hostname>.<domain>'] : [];
  },
  monitoring: () => ({
    ruleGroups: [
      {
        name: 'jellyfin',
        rules: [alertRule('JellyfinDown', `kube_deployment_status_replicas_available{${DEPLOYMENT}} < 1`, '10m', 'warning', 'Jellyfin has had no ready replica for 10 minutes: the media library is unreachable.')],
      },
    ],
    dashboards: [
      {
        uid: 'homelab-jellyfin',
        title: 'Jellyfin',
        panels: [
          metricPanel('Available replicas', `kube_deployment_status_replicas_available{${DEPLOYMENT}}`),
          metricPanel('CPU (transcoding)', `sum(rate(container_cpu_usage_seconds_total{${CONTAINER}}[5m]))`),
          metricPanel('Memory', `sum(container_memory_working_set_bytes{${CONTAINER}})`, 'bytes'),
          logPanel('Server log', `{${CONTAINER}}`),
        ],
      },
    ],
    coverage: [
      { signal: 'Jellyfin availability', collector: 'kube-state-metrics', stored: 'kube_deployment_status_replicas_available', dashboard: 'homelab-jellyfin', panel: 'Available replicas', alert: { rule: 'JellyfinDown' } },
    ],
  }),
  build(scope, { spec }) {
    const jellyfin = jellyfinOf(spec);
    if (!jellyfin) throw new Error('the jellyfin stage is built only when services.jellyfin is enabled');
    const namespace = new HomelabNamespace(scope, 'Namespace', { name: JELLYFIN_NAMESPACE });
    new JellyfinServer(scope, 'Jellyfin', { spec, jellyfin, namespace });
  },
};
