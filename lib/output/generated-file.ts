import { Construct } from 'constructs';

export interface GeneratedFileProps {
  /** Path relative to the output root, e.g. `host-provisioning/ansible/inventory.yml`. */
  readonly path: string;
  /** The file body, without the generated-file header. */
  readonly content: string;
  /**
   * Line-comment marker for the header; `undefined` writes no header (for formats that
   * allow no comments, such as JSON).
   * @default '#'
   */
  readonly commentPrefix?: string;
}

/**
 * A non-Kubernetes file in the output (Ansible, k3OS configs, notes). Files are gathered
 * from the construct tree by `collectGeneratedFiles`, which fails on duplicate paths, so
 * there is one writer for every path.
 */
export class GeneratedFile extends Construct {
  public readonly path: string;
  public readonly content: string;
  public readonly commentPrefix?: string;

  constructor(scope: Construct, id: string, props: GeneratedFileProps) {
    super(scope, id);
    if (props.path.startsWith('/') || props.path.split('/').includes('..')) {
      throw new Error(`GeneratedFile path "${props.path}" must be relative and stay inside the output`);
    }
    this.path = props.path;
    this.content = props.content;
    this.commentPrefix = 'commentPrefix' in props ? props.commentPrefix : '#';
  }
}
