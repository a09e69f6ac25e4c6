import { stringifyYaml as stringify } from '../yaml/yaml-memo';
import { bootstrapManifests } from '../flux/bootstrap-manifests';
import { K3S_MANIFESTS_DIR } from '../k3s/k3s-requirements';
import { ClusterSpec } from '../spec/schema';

export interface BootstrapFile {
  readonly fileName: string;
  /** Where it goes on the server: the k3s auto-deploy folder. */
  readonly path: string;
  readonly content: string;
  /** The CNI's file (see BootstrapManifest.cni). */
  readonly cni: boolean;
}

/**
 * The files the control plane's k3s applies by itself at first boot (the CNI, then Flux and
 * its root sync), rendered once for every way a server is provisioned: k3OS `write_files` or
 * the Ansible k3s role. The same text whatever the OS, so a check can compare them.
 */
export function bootstrapFiles(spec: ClusterSpec): BootstrapFile[] {
  return bootstrapManifests(spec).map((m) => ({
    fileName: m.fileName,
    path: `${K3S_MANIFESTS_DIR}/${m.fileName}`,
    content: m.objects.map((o) => stringify(o)).join('---\n'),
    cni: m.cni ?? false,
  }));
}
