import { parseYaml as parse, parseYamlDocuments } from '../yaml/yaml-memo';
import { eligibleNodes } from '../analysis/scheduling';
import { bootstrapFiles } from '../host/bootstrap-files';
import { K3S_MANIFESTS_DIR } from '../k3s/k3s-requirements';
import { serverNode } from '../spec/nodes';
import { serverFlags } from './host-checks';
import { podTemplateModel } from '../analysis/workload-model';
import { NODE_OS, nodeOs } from '../host/node-os';
import { imageRepository } from '../images';
import { parseAlloy } from '../observability/alloy-syntax';
import { RenderedCluster, RenderedObject } from '../output/rendered';
import { Check, Finding } from './check';

const ALLOY_REPOSITORY = 'docker.io/grafana/alloy';

/** The `__path__` globs of an Alloy configuration's file targets. */
function pathGlobs(config: string): string[] {
  return [...config.matchAll(/__path__\s*=\s*"([^"]+)"/g)].map((m) => m[1]);
}

/** Whether a `__path__` glob (`*` within one path segment) matches a file. */
function globMatches(glob: string, file: string): boolean {
  const re = new RegExp(`^${glob.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*')}$`);
  return re.test(file);
}

/** Whether a host folder is mounted into the pod, at the same path or under a mounted parent. */
function mounted(paths: readonly string[], folder: string): boolean {
  return paths.some((p) => folder === p || folder.startsWith(`${p}/`));
}

/**
 * Every node ships its logs: exactly one Alloy node agent runs on each node, and its
 * configuration fits the node's OS (lib/host/node-os.ts) — it reads the journal only where
 * the OS runs journald (`loki.source.journal` fails to build where there is none, and Alloy
 * exits), it reads the journal where there is one, it reads the syslog files the OS writes and
 * k3s's log file where k3s does not log to the journal, and it mounts the folders it reads.
 */
export class NodeLogAgentCheck implements Check {
  public readonly name = 'node-logs';

  public async run(cluster: RenderedCluster): Promise<Finding[]> {
    const { spec } = cluster;
    const messages: string[] = [];
    const agents = cluster.objects.filter(
      (o) => o.manifest.kind === 'DaemonSet' && (o.manifest.spec?.template?.spec?.containers ?? []).some((c: { image?: string }) => imageRepository(c.image ?? '') === ALLOY_REPOSITORY),
    );
    if (agents.length === 0) return [];
    const configOf = (agent: RenderedObject): string | undefined => {
      const cm = (agent.manifest.spec.template.spec.volumes ?? []).find((v: { configMap?: unknown }) => v.configMap)?.configMap?.name;
      return cluster.objects.find((o) => o.manifest.kind === 'ConfigMap' && o.manifest.metadata.name === cm && o.manifest.metadata.namespace === agent.manifest.metadata.namespace)?.manifest.data?.['config.alloy'];
    };
    for (const node of spec.nodes) {
      const os = nodeOs(node);
      const here = agents.filter((a) => eligibleNodes(podTemplateModel(a.manifest.spec.template), spec).some((n) => n.name === node.name));
      if (here.length !== 1) {
        messages.push(`${node.name} (${os.title}): ${here.length === 0 ? 'no log agent runs there' : `${here.length} log agents run there (${here.map((a) => a.manifest.metadata.name).join(', ')})`}; exactly one must`);
        continue;
      }
      const agent = here[0];
      const where = `${agent.file}: on ${node.name} (${os.title})`;
      const config = configOf(agent);
      if (!config) {
        messages.push(`${where}: the agent's configuration is not rendered`);
        continue;
      }
      const blocks = (() => {
        try {
          return parseAlloy(config);
        } catch {
          return [];
        }
      })();
      const journals = blocks.filter((b) => b.name === 'loki.source.journal');
      const hostPaths: string[] = (agent.manifest.spec.template.spec.volumes ?? []).map((v: { hostPath?: { path: string } }) => v.hostPath?.path).filter(Boolean);
      if (!os.journalDir && journals.length > 0) {
        messages.push(`${where}: reads the systemd journal (loki.source.journal), but ${os.title} has no journald (${os.init}); the component fails to build and the agent exits`);
      }
      if (os.journalDir) {
        const paths = journals.map((b) => JSON.parse(b.attributes.get('path') ?? '""') as string);
        if (!paths.includes(os.journalDir)) {
          messages.push(`${where}: does not read the journal in ${os.journalDir}, where ${os.title} keeps the system log`);
        } else if (!mounted(hostPaths, os.journalDir)) {
          messages.push(`${where}: reads the journal in ${os.journalDir}, but does not mount it`);
        }
      }
      const globs = pathGlobs(config);
      const files = [...os.syslogFiles, ...('file' in os.k3sLog ? [os.k3sLog.file] : []), ...(os.auditdLog ? [os.auditdLog] : [])];
      for (const file of files) {
        if (!globs.some((g) => globMatches(g, file))) {
          messages.push(`${where}: does not read ${file}, where ${os.title} writes ${file === os.auditdLog ? "auditd's log" : 'file' in os.k3sLog && file === os.k3sLog.file ? "k3s's log" : 'the system log'}`);
        } else if (!mounted(hostPaths, file.replace(/\/[^/]+$/, ''))) {
          messages.push(`${where}: reads ${file}, but does not mount its folder`);
        }
      }
    }
    return messages.map((message) => ({ severity: 'error', check: this.name, message }));
  }
}

/** The files the server's provisioning writes into the k3s auto-deploy folder: path -> content. */
export function serverAutoDeployFiles(cluster: RenderedCluster): { source: string; files: Map<string, string> } | undefined {
  const server = serverNode(cluster.spec);
  const files = new Map<string, string>();
  if (nodeOs(server).provisioning === 'k3os-config') {
    const source = `host-provisioning/k3os/${server.name}.yaml`;
    const text = cluster.files.get(source);
    if (!text) return undefined;
    for (const f of (parse(text).write_files ?? []) as { path?: string; content?: string }[]) {
      if (f.path?.startsWith(`${K3S_MANIFESTS_DIR}/`)) files.set(f.path, f.content ?? '');
    }
    return { source, files };
  }
  const source = 'host-provisioning/ansible/roles/k3s/tasks/main.yml';
  const text = cluster.files.get(source);
  if (!text) return undefined;
  for (const task of (parse(text) ?? []) as { 'ansible.builtin.copy'?: { src?: string; dest?: string; content?: string }; loop?: string[]; when?: string }[]) {
    const copy = task['ansible.builtin.copy'];
    if (!copy?.dest) continue;
    if (task.when && task.when !== "k3s_role == 'server'") continue;
    for (const item of task.loop ?? ['']) {
      const dest = copy.dest.replace('{{ item }}', item);
      if (!dest.startsWith(`${K3S_MANIFESTS_DIR}/`)) continue;
      const content = copy.content ?? (copy.src ? cluster.files.get(`host-provisioning/ansible/roles/k3s/files/${copy.src.replace('{{ item }}', item)}`) : undefined);
      files.set(dest, content ?? '');
    }
  }
  return { source, files };
}

/**
 * First boot works whatever OS the server runs: every manifest the control plane must apply
 * by itself (bootstrapFiles: the CNI, Flux and its root sync) reaches the k3s auto-deploy
 * folder through the server's provisioning (k3OS `write_files` or the Ansible k3s role), with
 * the same content; a server that starts with `flannel-backend: none` and no CNI manifest
 * would never run a pod.
 */
export class FirstBootCheck implements Check {
  public readonly name = 'first-boot';

  public async run(cluster: RenderedCluster): Promise<Finding[]> {
    const server = serverNode(cluster.spec);
    const flags = serverFlags(cluster);
    const written = serverAutoDeployFiles(cluster);
    if (!flags || !written) return []; // HostConsistencyCheck reports a server without configuration.
    const messages: string[] = [];
    const files = bootstrapFiles(cluster.spec);
    const noFlannel = flags.flags['flannel-backend'] === 'none';
    const same = (a: string, b: string): boolean => JSON.stringify(parseYamlDocuments(a)) === JSON.stringify(parseYamlDocuments(b));
    for (const expected of files) {
      const actual = written.files.get(expected.path);
      const what = expected.cni ? 'the CNI manifest' : `the first-boot manifest ${expected.fileName}`;
      if (actual === undefined) {
        messages.push(
          expected.cni && noFlannel
            ? `${written.source}: the server ${server.name} (${nodeOs(server).title}) starts k3s with flannel-backend: none, but no CNI manifest reaches ${K3S_MANIFESTS_DIR}: no pod could start, Flux included`
            : `${written.source}: ${what} does not reach ${K3S_MANIFESTS_DIR} on the server ${server.name} (${nodeOs(server).title})`,
        );
      } else if (!same(actual, expected.content)) {
        messages.push(`${written.source}: ${expected.path} differs from ${what} the cluster renders (charts/bootstrap-manifests.ts)`);
      }
    }
    return messages.map((message) => ({ severity: 'error', check: this.name, message }));
  }
}

interface PlayTask {
  name: string;
  [module: string]: unknown;
}

/**
 * Every file the Ansible play copies goes into a folder that exists by then: one the OS
 * has (NODE_OS.debian.baseDirs), one a package installed earlier in the play creates
 * (packageDirs), or one an earlier task creates (`file` with `state: directory`, a user's home).
 * Otherwise the first run stops at that task, and every task after it never runs.
 */
export class AnsibleFoldersCheck implements Check {
  public readonly name = 'ansible-folders';

  public async run(cluster: RenderedCluster): Promise<Finding[]> {
    const site = cluster.files.get('host-provisioning/ansible/site.yml');
    if (!site) return [];
    const os = NODE_OS.debian;
    const exists = new Set<string>(os.baseDirs);
    const messages: string[] = [];
    for (const play of parse(site) as { roles: string[] }[]) {
      for (const role of play.roles) {
        const file = `host-provisioning/ansible/roles/${role}/tasks/main.yml`;
        for (const task of (parse(cluster.files.get(file) ?? '[]') ?? []) as PlayTask[]) {
          const apt = task['ansible.builtin.apt'] as { name?: string[] } | undefined;
          for (const pkg of apt?.name ?? []) for (const d of os.packageDirs[pkg] ?? []) exists.add(d);
          const dir = task['ansible.builtin.file'] as { path?: string; state?: string } | undefined;
          if (dir?.state === 'directory' && dir.path) exists.add(dir.path);
          const user = task['ansible.builtin.user'] as { name?: string } | undefined;
          if (user?.name) exists.add(`/home/${user.name}`);
          for (const module of ['ansible.builtin.copy', 'ansible.builtin.template', 'ansible.builtin.get_url']) {
            const dest = (task[module] as { dest?: string } | undefined)?.dest;
            const folder = dest?.replace(/\/[^/]*$/, '');
            if (folder && !exists.has(folder)) {
              messages.push(`${file}: task "${task.name}" writes ${dest}, but nothing before it creates ${folder} (${os.title} does not have it); the first run stops there`);
            }
          }
        }
      }
    }
    return messages.map((message) => ({ severity: 'error', check: this.name, message }));
  }
}
