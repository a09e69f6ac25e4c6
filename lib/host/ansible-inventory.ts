import { Construct } from 'constructs';
import { stringify } from 'yaml';
import { GeneratedFile } from '../output/generated-file';
import { ClusterSpec } from '../spec/schema';

export interface AnsibleInventoryProps {
  readonly spec: ClusterSpec;
}

/** `host-provisioning/ansible/inventory.yml`: the Debian nodes, which Ansible provisions, and the storage node's group. */
export class AnsibleInventory extends Construct {
  constructor(scope: Construct, id: string, props: AnsibleInventoryProps) {
    super(scope, id);
    const hosts = Object.fromEntries(
      props.spec.nodes
        .filter((n) => n.os === 'debian')
        .map((n) => [n.name, { ansible_host: n.ip, k3s_role: n.role }]),
    );
    new GeneratedFile(this, 'File', {
      path: 'host-provisioning/ansible/inventory.yml',
      content: stringify({
        all: {
          children: {
            debian: { hosts },
            storage: { hosts: { [props.spec.placement.storageNode]: {} } },
          },
        },
      }),
    });
  }
}
