import { Construct } from 'constructs';
import { GeneratedFile } from '../output/generated-file';
import { ClusterSpec } from '../spec/schema';
import { ansibleYaml } from './ansible-role';
import { watchdogPlan } from './watchdog-role';
import { debianRelease, nodeOs } from './node-os';

export interface AnsibleInventoryProps {
  readonly spec: ClusterSpec;
}

/**
 * `host-provisioning/ansible/inventory.yml`: the Debian nodes with the facts the roles need
 * (address, k3s role, version and architecture), and the groups `storage` and `ipmi`.
 */
export class AnsibleInventory extends Construct {
  constructor(scope: Construct, id: string, props: AnsibleInventoryProps) {
    super(scope, id);
    const { spec } = props;
    const debian = spec.nodes.filter((n) => nodeOs(n).provisioning === 'ansible');
    const hosts = Object.fromEntries(
      debian.map((n) => [
        n.name,
        { ansible_host: n.ip, k3s_role: n.role, k3s_version: spec.k3s.version, k3s_arch: n.arch, debian_release: debianRelease(n).codename },
      ]),
    );
    const group = (names: string[]): Record<string, unknown> => ({ hosts: Object.fromEntries(names.map((n) => [n, null])) });
    new GeneratedFile(this, 'File', {
      path: 'host-provisioning/ansible/inventory.yml',
      content: ansibleYaml({
        all: {
          vars: { ansible_user: spec.access.ansibleUser, ansible_become: true },
          children: {
            debian: { hosts },
            storage: group([spec.placement.storageNode]),
            ipmi: group(debian.filter((n) => n.ipmi).map((n) => n.name)),
            watchdog: group(watchdogPlan(spec).armed.map((w) => w.node.name)),
          },
        },
      }),
    });
  }
}
