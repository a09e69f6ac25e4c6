import { Construct } from 'constructs';
import { ClusterSpec } from '../spec/schema';
import { AnsibleInventory } from './ansible-inventory';

export interface HostProvisioningProps {
  readonly spec: ClusterSpec;
}

/** Everything under `host-provisioning/`: Ansible for Debian nodes, k3OS configs for Pis. */
export class HostProvisioning extends Construct {
  constructor(scope: Construct, id: string, props: HostProvisioningProps) {
    super(scope, id);
    new AnsibleInventory(this, 'Inventory', { spec: props.spec });
  }
}
