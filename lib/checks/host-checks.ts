import { dirname } from 'node:path';
import { parseYaml as parse } from '../yaml/yaml-memo';
import { z } from 'zod';
import { k3osConfigSchema } from '../host/k3os-schema';
import { parseK3sArgs } from '../k3s/k3s-flags';
import { AUDIT_LOG_PATH, networkingServerConfig, serverConfigMismatches } from '../k3s/k3s-requirements';
import { formatPath } from '../spec/load-spec';
import { alloyNodeAgentName } from '../observability/alloy-config';
import { selectedNodes } from '../analysis/scheduling';
import { imageRepository, imageTag } from '../images';
import { serverNode } from '../spec/nodes';
import { K3S_VERSION } from '../spec/schema';
import { renderedKubectlImage } from '../upgrades/system-upgrade-controller';
import { K3OS_UPGRADE_IMAGE } from '../upgrades/upgrade-plans';
import { RenderedCluster } from '../output/rendered';
import { Check, Finding } from './check';

/** Every rendered k3OS config validates against the k3OS configuration schema. */
export class K3osConfigCheck implements Check {
  public readonly name = 'k3os-config';

  public async run(cluster: RenderedCluster): Promise<Finding[]> {
    const findings: Finding[] = [];
    for (const [path, content] of cluster.files.entries()) {
      if (!/^host-provisioning\/k3os\/[^/]+\.yaml$/.test(path)) continue;
      const result = k3osConfigSchema.safeParse(parse(content));
      for (const issue of result.success ? [] : result.error.issues) {
        findings.push({ severity: 'error', check: this.name, message: `${path}: ${describe(issue)}` });
      }
    }
    return findings;
  }
}

function describe(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((k) => `${formatPath([...issue.path, k])}: not a k3OS configuration key`).join('; ');
  }
  return `${formatPath(issue.path) || '(top level)'}: ${issue.message}`;
}

/** The server's k3s arguments as rendered: from its k3OS config, or its Ansible k3s config. */
export function serverFlags(cluster: RenderedCluster): { file: string; flags: Record<string, unknown> } | undefined {
  const server = serverNode(cluster.spec);
  const k3os = `host-provisioning/k3os/${server.name}.yaml`;
  const ansible = `host-provisioning/ansible/roles/k3s/files/config-${server.name}.yaml`;
  if (cluster.files.get(k3os)) {
    return { file: k3os, flags: parseK3sArgs(parse(cluster.files.get(k3os)!).k3os?.k3s_args ?? []) };
  }
  if (cluster.files.get(ansible)) {
    return { file: ansible, flags: parse(cluster.files.get(ansible)!) };
  }
  return undefined;
}

/** Upgrade plans against the spec: the version each moves its nodes to, and which nodes. */
function planMismatches(cluster: RenderedCluster): string[] {
  const { spec } = cluster;
  const messages: string[] = [];
  const plansOf = new Map<string, string[]>(spec.nodes.map((n) => [n.name, []]));
  for (const { file, manifest } of cluster.objects.filter((o) => o.manifest.kind === 'Plan')) {
    const name = manifest.metadata.name as string;
    const os = imageRepository(manifest.spec.upgrade?.image ?? '') === K3OS_UPGRADE_IMAGE ? 'k3os' : 'debian';
    const expected = os === 'k3os' ? spec.k3s.k3osRelease : spec.k3s.version;
    if (manifest.spec.version !== expected) {
      messages.push(`${file}: plan ${name} upgrades to ${manifest.spec.version ?? '(no version)'}, but the spec says ${expected}`);
    }
    for (const node of selectedNodes(manifest.spec.nodeSelector?.matchExpressions ?? [], spec)) {
      plansOf.get(node.name)!.push(name);
      if (node.os !== os) {
        messages.push(`${file}: plan ${name} upgrades ${os === 'k3os' ? 'k3OS' : 'k3s on Debian'}, but it selects ${node.name}, which runs ${node.os}`);
      }
    }
  }
  // kubectl is supported within one minor of the API server; the Jobs cordon and drain with it.
  const kubectl = renderedKubectlImage(cluster.objects);
  const kubectlMinor = Number(/^v?1\.(\d+)\./.exec(imageTag(kubectl ?? '') ?? '')?.[1]);
  const serverMinor = Number(K3S_VERSION.exec(spec.k3s.version)![2]);
  if (kubectl && !(Math.abs(kubectlMinor - serverMinor) <= 1)) {
    messages.push(
      `upgrade plans: the Jobs cordon and drain with ${kubectl}, more than one minor from k3s ${spec.k3s.version}; ` +
        'move UPGRADE_KUBECTL_IMAGE (lib/upgrades/system-upgrade-controller.ts) to the same minor',
    );
  }
  for (const [node, plans] of plansOf) {
    if (plans.length !== 1) {
      messages.push(`upgrade plans: ${node} is upgraded by ${plans.length === 0 ? 'no plan' : `${plans.length} plans (${[...plans].sort().join(', ')})`}; exactly one must select it`);
    }
  }
  return messages;
}

/**
 * What must agree across the outputs, compared where it is written:
 * - the server's k3s flags give what the networking layer requires;
 * - the API audit log goes where the log collector reads;
 * - every node runs the spec's k3s version (Ansible inventory, k3OS images) and exactly one
 *   upgrade plan, for its operating system, moves it to that version, with a kubectl within
 *   one minor of it;
 * - every dataset a StorageClass uses is created by the Ansible ZFS role.
 */
export class HostConsistencyCheck implements Check {
  public readonly name = 'host-consistency';

  public async run(cluster: RenderedCluster): Promise<Finding[]> {
    const { spec } = cluster;
    const messages: string[] = [];
    const server = serverFlags(cluster);
    if (!server) {
      messages.push(`no k3s configuration is rendered for the server ${serverNode(spec).name}`);
    } else {
      messages.push(...serverConfigMismatches(networkingServerConfig(spec), server.flags, server.file));
      const apiArgs = (server.flags['kube-apiserver-arg'] as string[] | undefined) ?? [];
      const auditPath = apiArgs.find((a) => a.startsWith('audit-log-path='))?.split('=')[1];
      if (auditPath !== AUDIT_LOG_PATH) {
        messages.push(`${server.file}: the API audit log goes to ${auditPath ?? '(nowhere)'}, but the log collector reads ${AUDIT_LOG_PATH}`);
      }
      const agent = alloyNodeAgentName(serverNode(spec).os);
      const alloy = cluster.objects.find((o) => o.manifest.kind === 'DaemonSet' && o.manifest.metadata.name === agent);
      if (alloy && auditPath) {
        const mounted = (alloy.manifest.spec.template.spec.volumes ?? []).map((v: { hostPath?: { path: string } }) => v.hostPath?.path);
        if (!mounted.includes(dirname(auditPath))) {
          messages.push(`${alloy.file}: the log collector does not mount ${dirname(auditPath)}, where the API audit log is written`);
        }
      }
    }
    const inventory = cluster.files.get('host-provisioning/ansible/inventory.yml');
    const hosts = inventory ? (parse(inventory).all?.children?.debian?.hosts ?? {}) : {};
    for (const node of spec.nodes.filter((n) => n.os === 'debian')) {
      const rendered = hosts[node.name]?.k3s_version;
      if (rendered !== spec.k3s.version) {
        messages.push(`host-provisioning/ansible/inventory.yml: ${node.name} installs k3s ${rendered ?? '(none)'}, but the spec says ${spec.k3s.version}`);
      }
    }
    const images = cluster.files.get('host-provisioning/k3os/images.txt') ?? '';
    for (const node of spec.nodes.filter((n) => n.os === 'k3os')) {
      const line = images.split('\n').find((l) => l.startsWith(`${node.name} `));
      const rendered = line?.split(' ')[1];
      if (rendered !== spec.k3s.k3osRelease) {
        messages.push(`host-provisioning/k3os/images.txt: ${node.name} is flashed with k3OS ${rendered ?? '(none)'}, but the spec says ${spec.k3s.k3osRelease}`);
      }
    }
    messages.push(...planMismatches(cluster));
    const zfsTasks = cluster.files.get('host-provisioning/ansible/roles/zfs/tasks/main.yml');
    const created = new Set<string>(
      (zfsTasks ? (parse(zfsTasks) as { 'ansible.builtin.command'?: { argv?: string[] } }[]) : [])
        .map((t) => t['ansible.builtin.command']?.argv)
        .filter((argv): argv is string[] => argv?.[0] === '/usr/local/sbin/homelab-ensure-dataset')
        .map((argv) => argv[1]),
    );
    for (const { file, manifest } of cluster.objects.filter((o) => o.manifest.kind === 'StorageClass')) {
      const dataset = manifest.metadata.annotations?.['homelab.dev/dataset'];
      if (dataset && !created.has(dataset)) {
        messages.push(`${file}: StorageClass ${manifest.metadata.name} uses dataset ${dataset}, which the Ansible ZFS role does not create`);
      }
    }
    return messages.map((message) => ({ severity: 'error', check: this.name, message }));
  }
}
