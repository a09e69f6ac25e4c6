import { parse, stringify } from 'yaml';
import { STAGES } from '../../charts/stages';
import { AlloyReferenceCheck } from '../../lib/checks/alloy-reference-check';
import { FirstBootCheck, NodeLogAgentCheck } from '../../lib/checks/node-os-checks';
import { NODE_OS } from '../../lib/host/node-os';
import { vipRequests } from '../../lib/services/registry';
import { allocateVips } from '../../lib/net/vip-allocator';
import { ALLOY_REFERENCE } from '../../lib/observability/alloy-reference';
import { parseAlloy } from '../../lib/observability/alloy-syntax';
import { OBSERVABILITY_IMAGES } from '../../lib/observability/constants';
import { FileSet } from '../../lib/output/file-set';
import { renderCluster } from '../../lib/render';
import { RenderedCluster } from '../../lib/output/rendered';
import { loadSpec } from '../../lib/services/registry';
import { ClusterSpec } from '../../lib/spec/schema';
import { defaultSpecText, fixtures } from '../helpers';
import type { Yaml } from '../../lib/yaml/yaml';
import { synthesized } from '../helpers-render';

const debianEverywhere = fixtures('valid').find(([n]) => n === 'debian-everywhere.yaml')![1];

async function rendered(text: string): Promise<RenderedCluster> {
  return (await synthesized(text, 'spec.yaml')).cluster;
}

/** A spec rendered without validation, for node mixes the spec rules refuse (no Debian storage node). */
function renderUnchecked(spec: ClusterSpec): RenderedCluster {
  return renderCluster(spec, STAGES, allocateVips(spec.network.loadBalancerPool, vipRequests(spec)));
}

/** Alloy node agents (DaemonSets) by name, with the nodes they select and their configuration. */
function agents(cluster: RenderedCluster): Record<string, { nodes: string[]; config: string }> {
  const out: Record<string, { nodes: string[]; config: string }> = {};
  for (const { manifest } of cluster.objects) {
    if (manifest.kind !== 'DaemonSet' || !manifest.metadata.name.startsWith('alloy-')) continue;
    const terms = manifest.spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms;
    const cm = manifest.spec.template.spec.volumes.find((v: { name: string }) => v.name === 'config').configMap.name;
    out[manifest.metadata.name] = {
      nodes: terms[0].matchExpressions[0].values,
      config: cluster.objects.find((o) => o.manifest.kind === 'ConfigMap' && o.manifest.metadata.name === cm)!.manifest.data['config.alloy'],
    };
  }
  return out;
}

/** The cluster with one object edited, as if a generator had got it wrong. */
function editObject(cluster: RenderedCluster, kind: string, name: string, edit: (m: Yaml) => Yaml): RenderedCluster {
  let found = false;
  const objects = cluster.objects.flatMap((o) => {
    if (o.manifest.kind !== kind || o.manifest.metadata.name !== name) return [o];
    found = true;
    const m = edit(JSON.parse(JSON.stringify(o.manifest)));
    return m ? [{ ...o, manifest: m }] : [];
  });
  expect(`${kind}/${name} found: ${found}`).toBe(`${kind}/${name} found: true`);
  return { ...cluster, objects };
}

function editFile(cluster: RenderedCluster, path: string, edit: (content: string) => string | undefined): RenderedCluster {
  const files = new FileSet();
  for (const [p, c] of cluster.files.entries()) {
    const content = p === path ? edit(c) : c;
    if (content !== undefined) files.add(p, content);
  }
  expect(files.get(path)).not.toBe(cluster.files.get(path));
  return { ...cluster, files };
}

const messages = async (check: { run(c: RenderedCluster): Promise<readonly { message: string }[]> }, cluster: RenderedCluster): Promise<string[]> =>
  (await check.run(cluster)).map((f) => f.message);

describe('node OS facts', () => {
  test('k3OS has no journald: OpenRC, busybox syslog in /var/log/messages, k3s logging to a file; Debian has the journal', () => {
    expect([NODE_OS.k3os.init, NODE_OS.k3os.journalDir, NODE_OS.k3os.syslogFiles, NODE_OS.k3os.k3sLog]).toEqual([
      'openrc',
      undefined,
      ['/var/log/messages'],
      { file: '/var/log/k3s-service.log' },
    ]);
    expect([NODE_OS.debian.init, NODE_OS.debian.journalDir, NODE_OS.debian.syslogFiles, NODE_OS.debian.packageManager]).toEqual(['systemd', '/var/log/journal', [], 'apt']);
  });
});

describe('the log agent per node OS', () => {
  test('GIVEN the shipped mixed cluster WHEN rendered THEN Debian nodes read the journal and k3OS nodes the syslog file, one agent each', async () => {
    const a = agents(await rendered(defaultSpecText()));
    expect(Object.keys(a).sort()).toEqual(['alloy-debian', 'alloy-k3os']);
    expect([a['alloy-debian'].nodes, a['alloy-k3os'].nodes]).toEqual([['atlas'], ['pi-cp', 'pi-worker']]);
    const components = (config: string): string[] => parseAlloy(config).map((b) => `${b.name}.${b.label}`);
    expect(components(a['alloy-debian'].config)).toEqual(['loki.write.default', 'loki.relabel.journal', 'loki.source.journal.system', 'local.file_match.logs', 'loki.source.file.logs', 'loki.process.logs']);
    expect(components(a['alloy-k3os'].config)).toEqual(['loki.write.default', 'local.file_match.logs', 'loki.source.file.logs', 'loki.process.logs']);
    expect(a['alloy-k3os'].config).toContain('{ __path__ = "/var/log/messages", job = "system" },');
    expect(a['alloy-debian'].config).toContain('path          = "/var/log/journal"');
  });

  test('GIVEN a Debian-only cluster WHEN rendered THEN one journal-reading agent covers every node', async () => {
    const a = agents(await rendered(debianEverywhere));
    expect(Object.keys(a)).toEqual(['alloy-debian']);
    expect(a['alloy-debian'].nodes).toEqual(['vault', 'rpi-control', 'rpi-spare']);
  });

  test('GIVEN a k3OS-only node set WHEN rendered THEN one agent without a journal covers every node and the node check passes', async () => {
    const spec = loadSpec(defaultSpecText(), 'cluster.yaml');
    const cluster = renderUnchecked({ ...spec, nodes: spec.nodes.map((n) => ({ ...n, os: 'k3os' as const })) });
    const a = agents(cluster);
    expect(Object.keys(a)).toEqual(['alloy-k3os']);
    expect(a['alloy-k3os'].nodes).toEqual(['atlas', 'pi-cp', 'pi-worker']);
    expect(a['alloy-k3os'].config).not.toContain('loki.source.journal');
    expect(await messages(new NodeLogAgentCheck(), cluster)).toEqual([]);
  });

  test('the shipped cluster and every valid fixture pass the node log check', async () => {
    for (const [, text] of [['cluster.yaml', defaultSpecText()], ...fixtures('valid')]) {
      expect(await messages(new NodeLogAgentCheck(), await rendered(text))).toEqual([]);
    }
  });

  test('catches the journal read on k3OS (the agent would crash-loop on both Pis)', async () => {
    const cluster = await rendered(defaultSpecText());
    const broken = editObject(cluster, 'ConfigMap', 'alloy-k3os-config', (m) => {
      m.data['config.alloy'] = `${m.data['config.alloy'] as string}\nloki.source.journal "system" {\n  path       = "${NODE_OS.debian.journalDir}"\n  forward_to = [loki.write.default.receiver]\n}\n`;
      return m;
    });
    expect(await messages(new NodeLogAgentCheck(), broken)).toEqual([
      'dist/observability/observability/daemonset-alloy-k3os.yaml: on pi-cp (k3OS): reads the systemd journal (loki.source.journal), but k3OS has no journald (openrc); the component fails to build and the agent exits',
      'dist/observability/observability/daemonset-alloy-k3os.yaml: on pi-worker (k3OS): reads the systemd journal (loki.source.journal), but k3OS has no journald (openrc); the component fails to build and the agent exits',
    ]);
  });

  test('catches a k3OS agent that does not read the syslog file, and a Debian agent without the journal', async () => {
    const cluster = await rendered(defaultSpecText());
    let broken = editObject(cluster, 'ConfigMap', 'alloy-k3os-config', (m) => {
      m.data['config.alloy'] = m.data['config.alloy'].replace('    { __path__ = "/var/log/messages", job = "system" },\n', '');
      return m;
    });
    broken = editObject(broken, 'ConfigMap', 'alloy-debian-config', (m) => {
      m.data['config.alloy'] = m.data['config.alloy'].replace('path          = "/var/log/journal"', 'path          = "/run/log/journal"');
      return m;
    });
    expect(await messages(new NodeLogAgentCheck(), broken)).toEqual([
      'dist/observability/observability/daemonset-alloy-debian.yaml: on atlas (Debian): does not read the journal in /var/log/journal, where Debian keeps the system log',
      'dist/observability/observability/daemonset-alloy-k3os.yaml: on pi-cp (k3OS): does not read /var/log/messages, where k3OS writes the system log',
      'dist/observability/observability/daemonset-alloy-k3os.yaml: on pi-worker (k3OS): does not read /var/log/messages, where k3OS writes the system log',
    ]);
  });

  test('catches a node no log agent runs on', async () => {
    const broken = editObject(await rendered(defaultSpecText()), 'DaemonSet', 'alloy-k3os', (m) => {
      m.spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values = ['pi-cp'];
      return m;
    });
    expect(await messages(new NodeLogAgentCheck(), broken)).toEqual(['pi-worker (k3OS): no log agent runs there; exactly one must']);
  });
});

describe('Alloy configuration against the component reference of the pinned release (no Alloy binary in the tests)', () => {
  test(`the reference is of the pinned Alloy, ${OBSERVABILITY_IMAGES.alloy}, and every rendered configuration uses only what it documents`, async () => {
    expect(ALLOY_REFERENCE.tag).toBe(OBSERVABILITY_IMAGES.alloy.split(':')[1]);
    for (const [, text] of [['cluster.yaml', defaultSpecText()], ...fixtures('valid')]) {
      expect(await messages(new AlloyReferenceCheck(), await rendered(text))).toEqual([]);
    }
  });

  test(`catches an argument, a block and a component that Alloy ${ALLOY_REFERENCE.tag} does not have, and a missing required argument`, async () => {
    const broken = editObject(await rendered(defaultSpecText()), 'ConfigMap', 'alloy-debian-config', (m) => {
      m.data['config.alloy'] = m.data['config.alloy']
        .replace('path          = "/var/log/journal"', 'paths         = ["/var/log/journal"]')
        .replace('    stage.cri {}', '    stage.crio {}')
        .replace('  targets    = local.file_match.logs.targets\n', '')
        .concat('\nloki.source.journald "extra" {\n  forward_to = []\n}\n');
      return m;
    });
    const file = 'dist/observability/observability/configmap-alloy-debian-config.yaml: config.alloy';
    expect(await messages(new AlloyReferenceCheck(), broken)).toEqual([
      `${file} line 19: loki.source.journal "system": argument paths is not in Alloy ${ALLOY_REFERENCE.tag}'s reference (allowed: format_as_json, forward_to, labels, matches, max_age, path, relabel_rules)`,
      `${file} line 35: loki.source.file "logs": required argument targets is not set`,
      `${file} line 39: loki.process "logs" > stage.match > stage.crio: not a block of loki.process in Alloy ${ALLOY_REFERENCE.tag}'s reference`,
      `${file} line 57: loki.source.journald "extra": not a component of Alloy ${ALLOY_REFERENCE.tag}'s reference (known: ${Object.keys(ALLOY_REFERENCE.components).join(', ')})`,
    ]);
  });

  test('catches a reference of another Alloy release than the pinned one', async () => {
    const check = new AlloyReferenceCheck(ALLOY_REFERENCE, 'docker.io/grafana/alloy:v1.9.0');
    expect((await messages(check, await rendered(defaultSpecText())))[0]).toBe(
      `lib/observability/alloy-reference.ts describes Alloy ${ALLOY_REFERENCE.tag}, but the cluster runs docker.io/grafana/alloy:v1.9.0; regenerate it: node scripts/alloy-reference.mjs <clone of grafana/alloy> v1.9.0`,
    );
  });
});

describe('first boot on every topology', () => {
  const k3sTasks = 'host-provisioning/ansible/roles/k3s/tasks/main.yml';

  test('GIVEN a Debian control plane WHEN rendered THEN the Ansible k3s role writes the CNI, Flux and root-sync manifests into the auto-deploy folder, the same text the k3OS server gets', async () => {
    const debian = await rendered(debianEverywhere);
    const task = parse(debian.files.get(k3sTasks)!).find((t: { name: string }) => t.name.startsWith('Write the first-boot manifests'));
    expect(task).toEqual({
      name: 'Write the first-boot manifests: CNI, Flux and its root sync (control plane)',
      'ansible.builtin.copy': { src: 'manifests/{{ item }}', dest: '/var/lib/rancher/k3s/server/manifests/{{ item }}', owner: 'root', group: 'root', mode: '0600' },
      loop: ['05-calico-crds.yaml', '10-calico.yaml', '20-flux.yaml', '30-flux-sync.yaml'],
      when: "k3s_role == 'server'",
    });
    const calico = parse(debian.files.get('host-provisioning/ansible/roles/k3s/files/manifests/10-calico.yaml')!);
    expect([calico.kind, calico.spec.chart, calico.spec.bootstrap]).toEqual(['HelmChart', 'tigera-operator', true]);
    expect(await messages(new FirstBootCheck(), debian)).toEqual([]);
    // The k3OS server of the shipped cluster gets the same files from the same source; no Ansible manifest tasks there.
    const shipped = await rendered(defaultSpecText());
    expect(shipped.files.get(k3sTasks)).not.toContain('first-boot manifests');
    expect(await messages(new FirstBootCheck(), shipped)).toEqual([]);
  });

  test('catches a Debian server that starts with flannel-backend: none and no CNI manifest (the old Ansible role)', async () => {
    const broken = editFile(await rendered(debianEverywhere), k3sTasks, (c) =>
      stringify(parse(c).filter((t: { name: string }) => !t.name.startsWith('Write the first-boot manifests'))),
    );
    expect(await messages(new FirstBootCheck(), broken)).toEqual([
      `${k3sTasks}: the first-boot manifest 05-calico-crds.yaml does not reach /var/lib/rancher/k3s/server/manifests on the server rpi-control (Debian)`,
      `${k3sTasks}: the server rpi-control (Debian) starts k3s with flannel-backend: none, but no CNI manifest reaches /var/lib/rancher/k3s/server/manifests: no pod could start, Flux included`,
      `${k3sTasks}: the first-boot manifest 20-flux.yaml does not reach /var/lib/rancher/k3s/server/manifests on the server rpi-control (Debian)`,
      `${k3sTasks}: the first-boot manifest 30-flux-sync.yaml does not reach /var/lib/rancher/k3s/server/manifests on the server rpi-control (Debian)`,
    ]);
  });

  test('catches a k3OS server without the CNI manifest, and one whose Flux manifest differs from the rendered one', async () => {
    const path = 'host-provisioning/k3os/pi-cp.yaml';
    const broken = editFile(await rendered(defaultSpecText()), path, (c) => {
      const config = parse(c);
      config.write_files = config.write_files
        .filter((f: { path: string }) => !f.path.endsWith('10-calico.yaml'))
        .map((f: { path: string; content: string }) => (f.path.endsWith('20-flux.yaml') ? { ...f, content: f.content.replace('createNamespace: true', 'createNamespace: false') } : f));
      return stringify(config);
    });
    expect(await messages(new FirstBootCheck(), broken)).toEqual([
      `${path}: the server pi-cp (k3OS) starts k3s with flannel-backend: none, but no CNI manifest reaches /var/lib/rancher/k3s/server/manifests: no pod could start, Flux included`,
      `${path}: /var/lib/rancher/k3s/server/manifests/20-flux.yaml differs from the first-boot manifest 20-flux.yaml the cluster renders (charts/bootstrap-manifests.ts)`,
    ]);
  });
});
