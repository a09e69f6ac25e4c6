import { Stage, StageRegistry } from '../lib/stages/stage';
import { GamesChart } from './games-chart';
import { HomeChart } from './home-chart';
import { MediaChart } from './media-chart';
import { VpnChart } from './vpn-chart';
import { DnsChart } from './dns-chart';
import { IngressChart } from './ingress-chart';
import { IngressControllersChart } from './ingress-controllers-chart';
import { IngressCrdsChart } from './ingress-crds-chart';
import { NetworkingChart } from './networking-chart';
import { NetworkingControllersChart } from './networking-controllers-chart';
import { NetworkingCrdsChart } from './networking-crds-chart';
import { ObservabilityChart } from './observability-chart';
import { StorageChart } from './storage-chart';
import { StorageControllersChart } from './storage-controllers-chart';
import { UpgradesChart } from './upgrades-chart';
import { UpgradesControllersChart } from './upgrades-controllers-chart';

/*
 * The registry of stages. A layer that installs CRDs and also uses them is split into
 * stages, the user depending on the installer; Flux ordering is derived from here.
 */

export const NETWORKING_CRDS = new Stage({
  name: 'networking-crds',
  layer: 'networking',
  purpose: "Calico's CRDs (its companion CRD chart at the operator's version)",
  chart: NetworkingCrdsChart,
});

export const NETWORKING_CONTROLLERS = new Stage({
  name: 'networking-controllers',
  layer: 'networking',
  purpose: 'Calico (tigera-operator) and MetalLB (with its CRDs)',
  chart: NetworkingControllersChart,
  dependsOn: [NETWORKING_CRDS],
});

export const NETWORKING = new Stage({
  name: 'networking',
  layer: 'networking',
  purpose: 'MetalLB address pool and layer-2 announcement',
  chart: NetworkingChart,
  dependsOn: [NETWORKING_CONTROLLERS],
});

export const INGRESS_CRDS = new Stage({
  name: 'ingress-crds',
  layer: 'ingress',
  purpose: 'Gateway API CRDs from their published manifests',
  chart: IngressCrdsChart,
  enabled: (spec) => spec.services.ingress.enabled,
});

export const INGRESS_CONTROLLERS = new Stage({
  name: 'ingress-controllers',
  layer: 'ingress',
  purpose: 'cert-manager and Traefik (hot standby behind its VIP)',
  chart: IngressControllersChart,
  dependsOn: [NETWORKING, INGRESS_CRDS],
  enabled: (spec) => spec.services.ingress.enabled,
});

export const INGRESS = new Stage({
  name: 'ingress',
  layer: 'ingress',
  purpose: 'certificate issuers, the wildcard certificate and the Gateway',
  chart: IngressChart,
  dependsOn: [INGRESS_CONTROLLERS],
  enabled: (spec) => spec.services.ingress.enabled,
});

export const STORAGE_CONTROLLERS = new Stage({
  name: 'storage-controllers',
  layer: 'storage',
  purpose: 'csi-driver-nfs, provisioning from the storage node\'s NFS exports',
  chart: StorageControllersChart,
});

export const STORAGE = new Stage({
  name: 'storage',
  layer: 'storage',
  purpose: 'one StorageClass per exported dataset',
  chart: StorageChart,
  dependsOn: [STORAGE_CONTROLLERS],
});

export const VPN = new Stage({
  name: 'vpn',
  layer: 'vpn',
  purpose: 'WireGuard (hot standby behind its UDP VIP)',
  chart: VpnChart,
  dependsOn: [NETWORKING],
  enabled: (spec) => spec.services.wireguard.enabled,
});

export const DNS = new Stage({
  name: 'dns',
  layer: 'dns',
  purpose: 'CoreDNS for <domain> from a generated zone (hot standby behind its VIP)',
  chart: DnsChart,
  dependsOn: [NETWORKING],
  enabled: (spec) => spec.services.dns.enabled,
});

export const MEDIA = new Stage({
  name: 'media',
  layer: 'media',
  purpose: 'DLNA server on the storage node',
  chart: MediaChart,
  enabled: (spec) => spec.services.dlna.enabled,
});

export const GAMES = new Stage({
  name: 'games',
  layer: 'games',
  purpose: 'game servers on the storage node, world data on NFS',
  chart: GamesChart,
  dependsOn: [NETWORKING, STORAGE],
  enabled: (spec) => spec.services.games.length > 0,
});

export const HOME = new Stage({
  name: 'home',
  layer: 'home',
  purpose: 'Home Assistant, when it runs in the cluster',
  chart: HomeChart,
  dependsOn: [STORAGE],
  enabled: (spec) => spec.services.homeAssistant?.mode === 'cluster',
});

export const OBSERVABILITY = new Stage({
  name: 'observability',
  layer: 'observability',
  purpose: 'Prometheus, Alertmanager, Loki, Alloy, exporters and Grafana',
  chart: ObservabilityChart,
  dependsOn: [STORAGE, INGRESS, NETWORKING],
  enabled: (spec) => spec.services.observability.enabled,
});

export const UPGRADES_CONTROLLERS = new Stage({
  name: 'upgrades-controllers',
  layer: 'upgrades',
  purpose: 'system-upgrade-controller and its Plan CRD',
  chart: UpgradesControllersChart,
});

export const UPGRADES = new Stage({
  name: 'upgrades',
  layer: 'upgrades',
  purpose: 'k3s upgrade plans: the server first, then the workers, one node at a time',
  chart: UpgradesChart,
  dependsOn: [UPGRADES_CONTROLLERS],
});

export const STAGES = new StageRegistry([
  NETWORKING_CRDS,
  NETWORKING_CONTROLLERS,
  NETWORKING,
  INGRESS_CRDS,
  INGRESS_CONTROLLERS,
  INGRESS,
  STORAGE_CONTROLLERS,
  STORAGE,
  VPN,
  DNS,
  MEDIA,
  GAMES,
  HOME,
  OBSERVABILITY,
  UPGRADES_CONTROLLERS,
  UPGRADES,
]);
