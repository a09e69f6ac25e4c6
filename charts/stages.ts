import { SERVICES } from '../lib/services/registry';
import { CoreStageName, ServiceModule } from '../lib/services/service-module';
import { Stage, StageRegistry } from '../lib/stages/stage';
import { serviceChart } from './service-chart';
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
 * stages, the user depending on the installer; Flux ordering is derived from here. The
 * services' stages come from their modules (lib/services/registry.ts).
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

const CORE_STAGES: Readonly<Record<CoreStageName, Stage>> = { networking: NETWORKING, storage: STORAGE, ingress: INGRESS, observability: OBSERVABILITY };

/** The stage of a service module (lib/services/): rendered by its build(), enabled with it. */
function serviceStage(module: ServiceModule & { readonly stage: NonNullable<ServiceModule['stage']> }): Stage {
  const { stage } = module;
  return new Stage({
    name: stage.name,
    layer: stage.layer,
    purpose: stage.purpose,
    chart: serviceChart(module),
    dependsOn: stage.dependsOn.map((name) => CORE_STAGES[name]),
    enabled: (spec) => module.enabled(spec) && (stage.when?.(spec) ?? true),
  });
}

/** The stages of the registered services, in registry order. */
export const SERVICE_STAGES: readonly Stage[] = SERVICES.filter((m): m is ServiceModule & { readonly stage: NonNullable<ServiceModule['stage']> } => m.stage !== undefined).map(serviceStage);

export const STAGES = new StageRegistry([
  NETWORKING_CRDS,
  NETWORKING_CONTROLLERS,
  NETWORKING,
  INGRESS_CRDS,
  INGRESS_CONTROLLERS,
  INGRESS,
  STORAGE_CONTROLLERS,
  STORAGE,
  ...SERVICE_STAGES,
  OBSERVABILITY,
  UPGRADES_CONTROLLERS,
  UPGRADES,
]);
