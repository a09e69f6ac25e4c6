import { HomelabNamespace } from '../../k8s/homelab-namespace';
import { VIP_KEYS } from '../../net/vip-keys';
import { ServiceModule } from '../service-module';
import { DNS_NAMESPACE, DnsServer } from './dns-server';

/**
 * The cluster's DNS server for `<domain>` (services.dns). Its zone is derived from the other
 * stages' rendered HTTPRoutes and LoadBalancer Services, read when its chart renders.
 */
export const DNS_SERVICE: ServiceModule = {
  name: 'dns',
  enabled: (spec) => spec.services.dns.enabled,
  stage: { name: 'dns', layer: 'dns', purpose: 'CoreDNS for <domain> from a generated zone (hot standby behind its VIP)', dependsOn: ['networking'] },
  vipRequests: (spec) => {
    const { storageNode, standbyNode } = spec.placement;
    return [{ key: VIP_KEYS.dns, path: 'services.dns.vip', explicit: spec.services.dns.vip, announcer: { node: storageNode, candidates: [storageNode, standbyNode] } }];
  },
  build(scope, { spec, vips, otherStages }) {
    const namespace = new HomelabNamespace(scope, 'Namespace', { name: DNS_NAMESPACE });
    new DnsServer(scope, 'Server', { spec, vips, namespace, manifests: otherStages });
  },
};
