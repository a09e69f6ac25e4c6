import { HomelabNamespace } from '../../k8s/homelab-namespace';
import { ServiceModule } from '../service-module';
import { DlnaServer, MEDIA_NAMESPACE } from './dlna-server';

/** The DLNA media server on the storage node (services.dlna). */
export const DLNA_SERVICE: ServiceModule = {
  name: 'dlna',
  enabled: (spec) => spec.services.dlna.enabled,
  stage: { name: 'media', layer: 'media', purpose: 'DLNA server on the storage node', dependsOn: [] },
  datasets: (spec) => [{ dataset: spec.services.dlna.dataset, path: 'services.dlna.dataset' }],
  build(scope, { spec }) {
    const namespace = new HomelabNamespace(scope, 'Namespace', {
      name: MEDIA_NAMESPACE,
      podSecurity: 'privileged',
      podSecurityReason: 'DLNA needs the host network for multicast discovery and the media dataset by hostPath',
    });
    new DlnaServer(scope, 'Dlna', { spec, namespace });
  },
};
