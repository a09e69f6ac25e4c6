import { posix } from 'node:path';
import { parseYaml as parse } from '../yaml/yaml-memo';
import { clusterModel } from '../analysis/workload-model';
import { CisControl, cisControls, ControlContext, ControlResult, NamespaceFacts, RenderedNodeK3s } from '../k3s/cis-controls';
import { undefinedK3sFlags } from '../k3s/k3s-cli-flags';
import { parseK3sArgs } from '../k3s/k3s-flags';
import { K3S_MANIFESTS_DIR } from '../k3s/k3s-requirements';
import { RenderedCluster } from '../output/rendered';
import { K3S_VERSION } from '../spec/schema';
import { Check, Finding } from './check';

/*
 * Reads back what host provisioning rendered for every node (k3OS config or Ansible role
 * files) and judges it: against the k3s CIS control table of the pinned k3s minor
 * (CisBenchmarkCheck) and against the flags the k3s CLI defines (K3sCliFlagsCheck).
 */

const K3OS = (node: string): string => `host-provisioning/k3os/${node}.yaml`;
const DEBIAN_CONFIG = (node: string): string => `host-provisioning/ansible/roles/k3s/files/config-${node}.yaml`;
const BASE_TASKS = 'host-provisioning/ansible/roles/base/tasks/main.yml';
const K3S_TASKS = 'host-provisioning/ansible/roles/k3s/tasks/main.yml';

/** YAML texts parsed before (the same files are read by several controls and both checks). */
const parsedTexts = new Map<string, unknown>();
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function parseOnce(text: string): any {
  if (!parsedTexts.has(text)) {
    if (parsedTexts.size > 256) parsedTexts.clear();
    parsedTexts.set(text, parse(text));
  }
  return parsedTexts.get(text);
}

interface CopyTask {
  when?: string;
  'ansible.builtin.copy'?: { content?: string; dest?: string };
}

/** `key = value` lines of a sysctl.d file. */
function sysctlLines(text: string): [string, string][] {
  return text
    .split('\n')
    .map((l) => l.replace(/[#;].*$/, '').trim())
    .filter((l) => l.includes('='))
    .map((l) => {
      const [k, ...v] = l.split('=');
      return [k.trim(), v.join('=').trim()] as [string, string];
    });
}

/** The files an Ansible role's tasks copy with inline content, for a host of `role`. */
function copiedFiles(tasksText: string | undefined, role: 'server' | 'agent'): [string, string][] {
  const tasks = tasksText ? ((parse(tasksText) ?? []) as CopyTask[]) : [];
  return tasks
    .filter((t) => t['ansible.builtin.copy']?.content !== undefined && t['ansible.builtin.copy']?.dest)
    .filter((t) => !t.when || t.when === `k3s_role == '${role}'`)
    .map((t) => [t['ansible.builtin.copy']!.dest!, t['ansible.builtin.copy']!.content!]);
}

type NodesRead = { nodes: RenderedNodeK3s[]; missing: string[] };
/** Both checks and the report read the same files of one synth: parse them once. */
const nodesRead = new WeakMap<RenderedCluster['files'], WeakMap<RenderedCluster['spec'], NodesRead>>();

/** Every node's rendered k3s configuration, kernel settings and node files; and the nodes with none. */
export function renderedNodes(cluster: RenderedCluster): NodesRead {
  const bySpec = nodesRead.get(cluster.files) ?? new WeakMap<RenderedCluster['spec'], NodesRead>();
  nodesRead.set(cluster.files, bySpec);
  const known = bySpec.get(cluster.spec);
  if (known) return known;
  const read = readNodes(cluster);
  bySpec.set(cluster.spec, read);
  return read;
}

function readNodes(cluster: RenderedCluster): NodesRead {
  const nodes: RenderedNodeK3s[] = [];
  const missing: string[] = [];
  for (const node of cluster.spec.nodes) {
    if (node.os === 'k3os') {
      const file = K3OS(node.name);
      const text = cluster.files.get(file);
      if (!text) {
        missing.push(`${node.name}: ${file} is not rendered`);
        continue;
      }
      const config = parse(text) ?? {};
      const args: string[] = config.k3os?.k3s_args ?? [];
      nodes.push({
        node: node.name,
        role: args[0] === 'server' ? 'server' : 'agent',
        file,
        flags: parseK3sArgs(args.slice(1)),
        sysctls: new Map(Object.entries(config.k3os?.sysctl ?? {}).map(([k, v]) => [k, String(v)])),
        sysctlDefinitions: Object.entries(config.k3os?.sysctl ?? {}).map(([k, v]) => [`${file} k3os.sysctl`, k, String(v)] as const),
        nodeFiles: new Map((config.write_files ?? []).map((f: { path: string; content: string }) => [f.path, f.content])),
      });
    } else {
      const file = DEBIAN_CONFIG(node.name);
      const text = cluster.files.get(file);
      if (!text) {
        missing.push(`${node.name}: ${file} is not rendered`);
        continue;
      }
      const role = node.role === 'server' ? 'server' : 'agent';
      // sysctl --system reads /etc/sysctl.d in file-name order; a later file wins.
      const sysctlFiles = copiedFiles(cluster.files.get(BASE_TASKS), role)
        .filter(([dest]) => dest.startsWith('/etc/sysctl.d/'))
        .sort(([a], [b]) => posix.basename(a).localeCompare(posix.basename(b)));
      nodes.push({
        node: node.name,
        role,
        file,
        flags: parse(text) ?? {},
        sysctls: new Map(sysctlFiles.flatMap(([, content]) => sysctlLines(content))),
        sysctlDefinitions: sysctlFiles.flatMap(([dest, content]) => sysctlLines(content).map(([k, v]) => [dest, k, v] as const)),
        nodeFiles: new Map(copiedFiles(cluster.files.get(K3S_TASKS), role)),
      });
    }
  }
  return { nodes, missing };
}

/** Namespaces the rendered cluster uses, their Pod Security labels, and those bootstrap creates. */
export function namespaceFacts(cluster: RenderedCluster, nodes: readonly RenderedNodeK3s[]): NamespaceFacts {
  const labels = new Map<string, string | undefined>();
  for (const o of cluster.objects.filter((x) => x.manifest.kind === 'Namespace')) {
    labels.set(o.manifest.metadata.name, o.manifest.metadata.labels?.['pod-security.kubernetes.io/enforce']);
  }
  for (const w of clusterModel(cluster.objects).workloads) if (!labels.has(w.namespace)) labels.set(w.namespace, undefined);
  const createdAtBootstrap = new Set<string>();
  for (const node of nodes.filter((n) => n.role === 'server')) {
    for (const [path, content] of node.nodeFiles) {
      if (!path.startsWith(`${K3S_MANIFESTS_DIR}/`)) continue;
      for (const doc of content.split(/^---$/m).map((d) => parseOnce(d))) {
        if (doc?.kind === 'HelmChart' && doc.spec?.createNamespace && doc.spec?.targetNamespace) {
          createdAtBootstrap.add(doc.spec.targetNamespace);
          if (!labels.has(doc.spec.targetNamespace)) labels.set(doc.spec.targetNamespace, undefined);
        }
      }
    }
  }
  return { labels, createdAtBootstrap };
}

export interface ControlOutcome {
  readonly control: CisControl;
  readonly result: ControlResult;
}

/** Every control of the pinned minor's table judged on the rendered nodes; undefined when there is no table. */
export function evaluateCisControls(cluster: RenderedCluster): { minor: number; outcomes?: ControlOutcome[]; missing: string[] } {
  const minor = Number(K3S_VERSION.exec(cluster.spec.k3s.version)?.[2]);
  const controls = cisControls(minor, (text) => structuredClone(parseOnce(text)));
  const { nodes, missing } = renderedNodes(cluster);
  if (!controls) return { minor, missing };
  const context: ControlContext = { nodes, namespaces: namespaceFacts(cluster, nodes) };
  const outcomes = controls.map((control): ControlOutcome => {
    if (control.notApplicable) return { control, result: { status: 'not applicable', detail: control.notApplicable } };
    const judged = nodes.filter((n) => control.scope === 'every node' || n.role === 'server');
    const problems = judged.map((n) => control.judge!(n, context)).filter((p): p is string => p !== undefined);
    if (judged.length === 0) return { control, result: { status: 'not met', detail: 'no rendered node configuration to judge' } };
    return { control, result: problems.length > 0 ? { status: 'not met', detail: problems.join('; ') } : { status: 'met', detail: '' } };
  });
  return { minor, outcomes, missing };
}

/**
 * The k3s CIS hardening controls for the pinned k3s minor: every applicable one must be met
 * on every node it concerns; a failure names the control id.
 */
export class CisBenchmarkCheck implements Check {
  public readonly name = 'k3s-cis';

  public async run(cluster: RenderedCluster): Promise<Finding[]> {
    const { minor, outcomes, missing } = evaluateCisControls(cluster);
    const error = (message: string): Finding => ({ severity: 'error', check: this.name, message });
    if (!outcomes) {
      return [error(`k3s.version ${cluster.spec.k3s.version}: no CIS control table for k3s 1.${minor} (lib/k3s/cis-controls.ts covers 1.32-1.36); read the guide for that minor and add one`)];
    }
    return [
      ...missing.map((m) => error(`no k3s configuration to judge: ${m}`)),
      ...outcomes.filter((o) => o.result.status === 'not met').map((o) => error(`CIS ${o.control.id} (${o.control.title}) not met: ${o.result.detail}`)),
    ];
  }
}

/** Every rendered k3s configuration key is a flag the k3s CLI defines for that role. */
export class K3sCliFlagsCheck implements Check {
  public readonly name = 'k3s-cli-flags';

  public async run(cluster: RenderedCluster): Promise<Finding[]> {
    return renderedNodes(cluster).nodes.flatMap((n) =>
      undefinedK3sFlags(n.role, Object.keys(n.flags)).map(
        (flag): Finding => ({
          severity: 'error',
          check: this.name,
          message: `${n.file}: k3s ${n.role} defines no flag --${flag} (the k3s CLI flags, lib/k3s/k3s-cli-flags.ts)`,
        }),
      ),
    );
  }
}
