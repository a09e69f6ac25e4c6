import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { UpstreamCrds } from '../lib/flux/upstream-crds';
import { HomelabNamespace } from '../lib/k8s/homelab-namespace';
import { StageChartProps } from '../lib/stages/stage';
import { SystemUpgradeController, UPGRADE_NAMESPACE } from '../lib/upgrades/system-upgrade-controller';
import { SYSTEM_UPGRADE_CONTROLLER } from '../lib/upstream/charts';

/**
 * system-upgrade-controller and its Plan CRD, taken from the project's repository at the
 * tag of the controller image.
 */
export class UpgradesControllersChart extends Chart {
  constructor(scope: Construct, id: string, _props: StageChartProps) {
    super(scope, id);
    new UpstreamCrds(this, 'Crds', { name: 'system-upgrade-controller', source: SYSTEM_UPGRADE_CONTROLLER });
    new HomelabNamespace(this, 'Namespace', {
      name: UPGRADE_NAMESPACE,
      podSecurity: 'privileged',
      podSecurityReason:
        'the upgrade Jobs replace k3s (or the k3OS image) on the host: privileged, with host PID, IPC, network and the root filesystem',
    });
    new SystemUpgradeController(this, 'Controller');
  }
}
