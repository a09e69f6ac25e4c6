import { Construct } from 'constructs';
import { stringifyYaml as stringify } from '../yaml/yaml-memo';
import { GeneratedFile } from '../output/generated-file';

/** An Ansible task as data; `name` first, module keys fully qualified. */
export type AnsibleTask = Record<string, unknown> & { readonly name: string };

export interface AnsibleRoleProps {
  /** Role folder name under host-provisioning/ansible/roles/. */
  readonly name: string;
  readonly tasks: readonly AnsibleTask[];
  /** @default - none */
  readonly handlers?: readonly AnsibleTask[];
  /** Static files of the role, by file name. @default - none */
  readonly files?: Readonly<Record<string, string>>;
}

/** Renders Ansible YAML the way ansible-lint's production profile wants it. */
export function ansibleYaml(value: unknown): string {
  return `---\n${stringify(value, { lineWidth: 0 })}`;
}

/** One Ansible role: tasks, handlers and files, rendered under the role's folder. */
export class AnsibleRole extends Construct {
  public readonly roleName: string;

  constructor(scope: Construct, id: string, props: AnsibleRoleProps) {
    super(scope, id);
    this.roleName = props.name;
    const dir = `host-provisioning/ansible/roles/${props.name}`;
    new GeneratedFile(this, 'Tasks', { path: `${dir}/tasks/main.yml`, content: ansibleYaml(props.tasks) });
    if (props.handlers && props.handlers.length > 0) {
      new GeneratedFile(this, 'Handlers', { path: `${dir}/handlers/main.yml`, content: ansibleYaml(props.handlers) });
    }
    for (const [file, content] of Object.entries(props.files ?? {})) {
      new GeneratedFile(this, `File-${file}`, { path: `${dir}/files/${file}`, content });
    }
  }
}
