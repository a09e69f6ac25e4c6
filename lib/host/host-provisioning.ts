import { Construct } from 'constructs';
import { ClusterSpec } from '../spec/schema';
import { LocalVolumeDir } from '../storage/local-data-volume';
import { stringify } from 'yaml';
import { GeneratedFile } from '../output/generated-file';
import { AnsibleInventory } from './ansible-inventory';
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
    new AnsibleInventory(this, 'Inventory', { spec: props.spec });
    new StorageRole(this, 'StorageRole', { spec: props.spec, localVolumeDirs: props.localVolumeDirs ?? [] });
    new GeneratedFile(this, 'Playbook', {
      path: 'host-provisioning/ansible/site.yml',
      content: stringify([{ name: 'Storage node', hosts: 'storage', become: true, roles: ['storage'] }]),
    });
  }
}
