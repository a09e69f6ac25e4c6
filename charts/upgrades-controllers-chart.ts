import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { Kustomization, KustomizationSpecSourceRefKind } from '../imports/kustomize.toolkit.fluxcd.io';
import { GitRepository } from '../imports/source.toolkit.fluxcd.io';
import { FLUX_SYSTEM_NAMESPACE } from '../lib/flux/flux-helm-release';
import { HomelabNamespace } from '../lib/k8s/homelab-namespace';
import { StageChartProps } from '../lib/stages/stage';
import { SystemUpgradeController, UPGRADE_NAMESPACE } from '../lib/upgrades/system-upgrade-controller';
import { SYSTEM_UPGRADE_CONTROLLER } from '../lib/upstream/charts';

/** The name of the Flux Kustomization that applies the Plan CRD. */
export const UPGRADE_CRDS_KUSTOMIZATION = 'system-upgrade-controller-crds';

/**
 * system-upgrade-controller and its Plan CRD, taken from the project's repository at the
 * tag of the controller image.
 */
export class UpgradesControllersChart extends Chart {
  constructor(scope: Construct, id: string, _props: StageChartProps) {
    super(scope, id);
    new GitRepository(this, 'Source', {
      metadata: { name: 'system-upgrade-controller', namespace: FLUX_SYSTEM_NAMESPACE },
      spec: {
        url: SYSTEM_UPGRADE_CONTROLLER.repositoryUrl,
        ref: { tag: SYSTEM_UPGRADE_CONTROLLER.tag },
        interval: '24h',
        ignore: `/*\n!${SYSTEM_UPGRADE_CONTROLLER.path.replace(/^\.\//, '/')}/\n`,
      },
    });
    new Kustomization(this, 'Crds', {
      metadata: { name: UPGRADE_CRDS_KUSTOMIZATION, namespace: FLUX_SYSTEM_NAMESPACE },
      spec: {
        path: SYSTEM_UPGRADE_CONTROLLER.path,
        sourceRef: { kind: KustomizationSpecSourceRefKind.GIT_REPOSITORY, name: 'system-upgrade-controller' },
        // Deleting the CRD would delete every Plan with it.
        prune: false,
        wait: true,
        interval: '24h',
        retryInterval: '1m',
        timeout: '5m',
      },
    });
    new HomelabNamespace(this, 'Namespace', {
      name: UPGRADE_NAMESPACE,
      podSecurity: 'privileged',
      podSecurityReason:
        'the upgrade Jobs replace k3s (or the k3OS image) on the host: privileged, with host PID, IPC, network and the root filesystem',
    });
    new SystemUpgradeController(this, 'Controller');
  }
}
