import { Construct } from 'constructs';
import { GeneratedFile } from '../output/generated-file';
import { ClusterSpec } from '../spec/schema';
import { LocalVolumeDir } from '../storage/local-data-volume';
import { AnsibleInventory } from './ansible-inventory';
import { ansibleYaml } from './ansible-role';
import { baseRole, ipmiRole, k3sRole, zfsRole } from './debian-roles';
import { diskHealthRole } from './disk-health-role';
import { K3osConfigs } from './k3os-configs';
import { StorageRole } from './storage-role';
import { watchdogNotes, watchdogRole } from './watchdog-role';

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
    const watchdog = watchdogRole(this, spec);
    const diskHealth = diskHealthRole(this, spec);
    new StorageRole(this, 'StorageRole', { spec, localVolumeDirs: props.localVolumeDirs ?? [] });
    new GeneratedFile(this, 'Playbook', {
      path: 'host-provisioning/ansible/site.yml',
      content: `${watchdogNotes(spec).join('\n')}\n${ansibleYaml([
        { name: 'Debian nodes', hosts: 'debian', become: true, roles: ['base', 'k3s'] },
        { name: 'Storage node', hosts: 'storage', become: true, roles: ['zfs', 'storage'] },
        { name: 'Nodes with a BMC', hosts: 'ipmi', become: true, roles: ['ipmi'] },
        { name: 'Storage node health', hosts: 'storage', become: true, roles: [diskHealth.roleName] },
        ...(watchdog ? [{ name: 'Nodes the BMC watchdog resets', hosts: 'watchdog', become: true, roles: [watchdog.roleName] }] : []),
      ])}`,
    });
    new K3osConfigs(this, 'K3os', { spec });
  }
}
