import { Construct } from 'constructs';
import { GeneratedFile } from '../output/generated-file';
import { ClusterSpec } from '../spec/schema';
import { LocalVolumeDir } from '../storage/local-data-volume';
import { AnsibleInventory } from './ansible-inventory';
import { ansibleYaml } from './ansible-role';
import { baseRole, ipmiRole, k3sRole, zfsRole } from './debian-roles';
import { K3osConfigs } from './k3os-configs';
import { StorageRole } from './storage-role';

export interface HostProvisioningProps {
  readonly spec: ClusterSpec;
  /** Folders of datasets that local volumes use; the storage role creates them. */
  readonly localVolumeDirs?: readonly LocalVolumeDir[];
}

/** Everything under `host-provisioning/`: Ansible for Debian nodes, k3OS configs for Pis. */
export class HostProvisioning extends Construct {
  constructor(scope: Construct, id: string, props: HostProvisioningProps) {
    super(scope, id);
    const { spec } = props;
    new AnsibleInventory(this, 'Inventory', { spec });
    baseRole(this, spec);
    k3sRole(this, spec);
    zfsRole(this, spec);
    ipmiRole(this);
    new StorageRole(this, 'StorageRole', { spec, localVolumeDirs: props.localVolumeDirs ?? [] });
    new GeneratedFile(this, 'Playbook', {
      path: 'host-provisioning/ansible/site.yml',
      content: ansibleYaml([
        { name: 'Debian nodes', hosts: 'debian', become: true, roles: ['base', 'k3s'] },
        { name: 'Storage node', hosts: 'storage', become: true, roles: ['zfs', 'storage'] },
        { name: 'Nodes with a BMC', hosts: 'ipmi', become: true, roles: ['ipmi'] },
      ]),
    });
    new K3osConfigs(this, 'K3os', { spec });
  }
}
