import { parse, stringify } from 'yaml';
import { CisBenchmarkCheck, evaluateCisControls, K3sCliFlagsCheck, renderedNodes } from '../../lib/checks/cis-check';
import { UserError } from '../../lib/errors';
import { clusterReport } from '../../lib/report/cluster-report';
import * as hardening from '../../lib/k3s/cis-hardening';
import { FileSet } from '../../lib/output/file-set';
import { RenderedCluster } from '../../lib/output/rendered';
import { synthesize } from '../../lib/synth';
import { defaultSpecText } from '../helpers';
import type { Yaml } from '../../lib/yaml/yaml';
import { synthesized } from '../helpers-render';

const PI_CP = 'host-provisioning/k3os/pi-cp.yaml';
const PI_WORKER = 'host-provisioning/k3os/pi-worker.yaml';
const ATLAS = 'host-provisioning/ansible/roles/k3s/files/config-atlas.yaml';
const BASE_TASKS = 'host-provisioning/ansible/roles/base/tasks/main.yml';
const PSA = '/var/lib/rancher/k3s/server/psa.yaml';

let cluster: RenderedCluster;
beforeAll(async () => {
  cluster = (await synthesized()).cluster;
});

/** The same cluster with one rendered file edited, as if a generator had got it wrong. */
function tamper(path: string, edit: (content: string) => string): RenderedCluster {
  const files = new FileSet();
  for (const [p, c] of cluster.files.entries()) files.add(p, p === path ? edit(c) : c);
  expect(files.get(path)).not.toBe(cluster.files.get(path));
  return { ...cluster, files };
}

/** Edits the admission configuration the server's k3OS config writes. */
function tamperAdmission(edit: (config: { plugins: { name: string; configuration: Record<string, Yaml> }[] }) => void): RenderedCluster {
  return tamper(PI_CP, (text) => {
    const config = parse(text);
    const file = config.write_files.find((f: { path: string }) => f.path === PSA);
    const admission = parse(file.content);
    edit(admission);
    file.content = stringify(admission);
    return stringify(config, { lineWidth: 0 });
  });
}

const messages = async (c: RenderedCluster): Promise<string[]> => (await new CisBenchmarkCheck().run(c)).map((f) => f.message);

describe('CisBenchmarkCheck on the shipped cluster', () => {
  test('GIVEN the shipped cluster WHEN judged THEN every applicable control is met and the two left out say why', () => {
    const { minor, outcomes } = evaluateCisControls(cluster);
    expect(minor).toBe(33);
    const byStatus = (s: string): string[] => outcomes!.filter((o) => o.result.status === s).map((o) => o.control.id);
    expect(byStatus('not met')).toEqual([]);
    expect(byStatus('not applicable')).toEqual(['1.2.11', '1.2.20']);
    expect(byStatus('met')).toEqual([
      'guide:protect-kernel-defaults', 'guide:kernel-parameters', '1.2.9', '1.2.14', '1.2.16', '1.2.17', '1.2.18', '1.2.19',
      '1.2.27', '1.2.28', '1.2.30', '1.3.1', '1.2.1', '1.2.6', '1.2.15', '1.3.7', '4.2.1', '4.2.4', '4.2.5', '4.2.6',
      '4.2.12', '4.2.13', '4.2.14', '5.2.1',
    ]);
  });

  test('GIVEN the shipped cluster WHEN checked THEN there are no findings', async () => {
    expect(await messages(cluster)).toEqual([]);
  });
});

describe('CisBenchmarkCheck catches', () => {
  test('a missing flag: secrets encryption dropped from the server', async () => {
    const broken = tamper(PI_CP, (c) => c.replace('    - --secrets-encryption\n', ''));
    expect(await messages(broken)).toEqual([
      'CIS 1.2.27 (The --encryption-provider-config argument is set (secrets encrypted at rest)) not met: host-provisioning/k3os/pi-cp.yaml (pi-cp): secrets-encryption is not set, expected true',
    ]);
  });

  test('a missing flag on the Debian agent: protect-kernel-defaults', async () => {
    const broken = tamper(ATLAS, (c) => c.replace('protect-kernel-defaults: true\n', ''));
    expect(await messages(broken)).toEqual([
      'CIS guide:protect-kernel-defaults (The kubelet refuses to run on kernel settings other than its defaults) not met: host-provisioning/ansible/roles/k3s/files/config-atlas.yaml (atlas): protect-kernel-defaults is not set, expected true',
    ]);
  });

  test('a kubelet argument set to what the control forbids', async () => {
    const broken = tamper(PI_WORKER, (c) => c.replace('--kubelet-arg=streaming-connection-idle-timeout=5m', '--kubelet-arg=streaming-connection-idle-timeout=0'));
    expect(await messages(broken)).toEqual([
      'CIS 4.2.5 (The --streaming-connection-idle-timeout argument is not 0) not met: host-provisioning/k3os/pi-worker.yaml (pi-worker): kubelet-arg streaming-connection-idle-timeout is "0", expected a duration other than 0 (the guide sets 5m)',
    ]);
  });

  test('a wrong sysctl on a Pi', async () => {
    const broken = tamper(PI_WORKER, (c) => c.replace('kernel.panic: "10"', 'kernel.panic: "0"'));
    expect(await messages(broken)).toEqual([
      expect.stringMatching(/^CIS guide:kernel-parameters \(.*\) not met: pi-worker: kernel\.panic is "0", expected "10"$/),
    ]);
  });

  test('a later sysctl.d file on the Debian node that overrides a kubelet setting (sysctl --system order)', async () => {
    const broken = tamper(BASE_TASKS, (text) => {
      const tasks = parse(text);
      tasks.push({ name: 'Reboot soon after a panic', 'ansible.builtin.copy': { content: 'kernel.panic = 30\n', dest: '/etc/sysctl.d/99-watchdog.conf', mode: '0644' } });
      return stringify(tasks);
    });
    expect(await messages(broken)).toEqual([
      expect.stringMatching(/^CIS guide:kernel-parameters \(.*\) not met: atlas: kernel\.panic is "30", expected "10"$/),
    ]);
  });

  test('an earlier sysctl.d file on the Debian node that contradicts the kubelet, hidden by the kubelet file', async () => {
    const broken = tamper(BASE_TASKS, (text) => {
      const tasks = parse(text);
      tasks.push({ name: 'Reboot soon after a panic', 'ansible.builtin.copy': { content: 'kernel.panic = 30\n', dest: '/etc/sysctl.d/80-watchdog.conf', mode: '0644' } });
      return stringify(tasks);
    });
    expect(await messages(broken)).toEqual([
      expect.stringMatching(/^CIS guide:kernel-parameters \(.*\) not met: atlas: \/etc\/sysctl\.d\/80-watchdog\.conf sets kernel\.panic = 30, which the kubelet refuses \(a later file hides it\)$/),
    ]);
  });

  test('a namespace left without a level: the admission configuration loses its defaults', async () => {
    const broken = tamperAdmission((a) => {
      delete a.plugins.find((p) => p.name === 'PodSecurity')!.configuration.defaults;
    });
    const found = await messages(broken);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^CIS 5\.2\.1 \(.*\) not met: host-provisioning\/k3os\/pi-cp\.yaml \(pi-cp\): \/var\/lib\/rancher\/k3s\/server\/psa\.yaml: /);
    expect(found[0]).toContain('defaults.enforce is not set, expected "restricted"');
    expect(found[0]).toContain('namespace flux-system has no pod-security.kubernetes.io/enforce label and the configuration no default: it runs with no level');
  });

  test('a bootstrap namespace whose workloads need privileged, no longer exempt', async () => {
    const broken = tamperAdmission((a) => {
      const ps = a.plugins.find((p) => p.name === 'PodSecurity')!.configuration;
      ps.exemptions.namespaces = ps.exemptions.namespaces.filter((n: string) => n !== 'tigera-operator');
    });
    expect(await messages(broken)).toEqual([
      'CIS 5.2.1 (The cluster has an active policy control mechanism in place for every namespace) not met: host-provisioning/k3os/pi-cp.yaml (pi-cp): /var/lib/rancher/k3s/server/psa.yaml: namespace tigera-operator is created unlabelled at bootstrap, and its workloads need "privileged"; under the default "restricted" they never start: exempt it',
    ]);
  });

  test('EventRateLimit dropped from the admission plugins (NodeRestriction kept)', async () => {
    const broken = tamper(PI_CP, (c) => c.replace('enable-admission-plugins=NodeRestriction,EventRateLimit', 'enable-admission-plugins=NodeRestriction'));
    expect(await messages(broken)).toEqual([
      'CIS 1.2.9 (The admission control plugin EventRateLimit is set) not met: host-provisioning/k3os/pi-cp.yaml (pi-cp): kube-apiserver-arg enable-admission-plugins is "NodeRestriction", expected it to include EventRateLimit',
    ]);
  });

  test('an admission plugin list that drops k3s\'s NodeRestriction', async () => {
    const broken = tamper(PI_CP, (c) => c.replace('enable-admission-plugins=NodeRestriction,EventRateLimit', 'enable-admission-plugins=EventRateLimit'));
    expect(await messages(broken)).toEqual([
      'CIS 1.2.14 (The admission control plugin NodeRestriction is set) not met: host-provisioning/k3os/pi-cp.yaml (pi-cp): enable-admission-plugins is "EventRateLimit", which drops k3s\'s NodeRestriction',
    ]);
  });

  test('a k3s default overridden: the kubelet read-only port opened', async () => {
    const broken = tamper(ATLAS, (c) => c.replace('  - seccomp-default=true\n', '  - seccomp-default=true\n  - read-only-port=10255\n'));
    expect(await messages(broken)).toEqual([
      'CIS 4.2.4 (The kubelet --read-only-port is 0 (k3s default, not overridden)) not met: host-provisioning/ansible/roles/k3s/files/config-atlas.yaml (atlas): kubelet-arg read-only-port is "10255"; k3s sets 0; remove the override',
    ]);
  });

  test('a k3s minor without a control table', async () => {
    const other = { ...cluster, spec: { ...cluster.spec, k3s: { ...cluster.spec.k3s, version: 'v1.37.1+k3s1' } } };
    expect(await messages(other)).toEqual([
      'k3s.version v1.37.1+k3s1: no CIS control table for k3s 1.37 (lib/k3s/cis-controls.ts covers 1.32-1.36); read the guide for that minor and add one',
    ]);
  });
});

describe('a synth with one control removed', () => {
  const HARDENING = '../../lib/k3s/cis-hardening';
  afterEach(() => jest.dontMock(HARDENING));

  test('GIVEN the kubelet arguments without seccomp-default WHEN synthesizing THEN it fails with control 4.2.14, naming every node', async () => {
    const original = hardening.hardenedNodeConfig();
    const without = { ...original, 'kubelet-arg': original['kubelet-arg'].filter((a) => !a.startsWith('seccomp-default=')) };
    // A synth from a module registry of its own, in which cis-hardening returns that config
    // (the transform's exports are read-only bindings, as an ES module's are: no spyOn).
    let isolated!: { synthesize: typeof synthesize; UserError: typeof UserError };
    jest.isolateModules(() => {
      jest.doMock(HARDENING, () => ({ ...jest.requireActual<typeof hardening>(HARDENING), hardenedNodeConfig: () => without }));
      isolated = {
        synthesize: jest.requireActual<typeof import('../../lib/synth')>('../../lib/synth').synthesize,
        UserError: jest.requireActual<typeof import('../../lib/errors')>('../../lib/errors').UserError,
      };
    });
    const error = await isolated.synthesize(defaultSpecText(), 'cluster.yaml').catch((e: unknown) => e);
    if (!(error instanceof isolated.UserError)) throw error;
    expect(error.problems).toEqual([
      '[k3s-cis] CIS 4.2.14 (The --seccomp-default parameter is set to true) not met: ' +
        'host-provisioning/ansible/roles/k3s/files/config-atlas.yaml (atlas): kubelet-arg seccomp-default is not set, expected "true"; ' +
        'host-provisioning/k3os/pi-cp.yaml (pi-cp): kubelet-arg seccomp-default is not set, expected "true"; ' +
        'host-provisioning/k3os/pi-worker.yaml (pi-worker): kubelet-arg seccomp-default is not set, expected "true"',
    ]);
  });
});

describe('K3sCliFlagsCheck', () => {
  const check = new K3sCliFlagsCheck();

  test('GIVEN the shipped cluster THEN every rendered key is a flag the pinned k3s defines', async () => {
    expect(await check.run(cluster)).toEqual([]);
  });

  test('catches a misspelled server flag and a server-only flag on an agent', async () => {
    const server = tamper(PI_CP, (c) => c.replace('--secrets-encryption', '--secret-encryption'));
    const agent = tamper(ATLAS, (c) => `${c}secrets-encryption: true\n`);
    expect([...(await check.run(server)), ...(await check.run(agent))].map((f) => f.message)).toEqual([
      'host-provisioning/k3os/pi-cp.yaml: k3s server defines no flag --secret-encryption (the k3s CLI flags, lib/k3s/k3s-cli-flags.ts)',
      'host-provisioning/ansible/roles/k3s/files/config-atlas.yaml: k3s agent defines no flag --secrets-encryption (the k3s CLI flags, lib/k3s/k3s-cli-flags.ts)',
    ]);
  });
});

describe('the report section', () => {
  test('GIVEN the shipped cluster THEN docs/cluster.md lists every control with its status, and the exemptions with reasons', () => {
    const report = clusterReport(cluster);
    const section = report.slice(report.indexOf('## CIS hardening (k3s)'));
    const rows = section.split('\n').filter((l) => /^\| (guide:|\d)/.test(l)).map((l) => l.split(' | '));
    expect(rows.map((r) => [r[0].slice(2), r[4].split(':')[0]])).toEqual(
      evaluateCisControls(cluster).outcomes!.map((o) => [o.control.id, o.result.status]),
    );
    expect(rows.find((r) => r[0] === '| 1.2.11')![4]).toMatch(/^not applicable: left out on purpose: every pod start would need the registry/);
    expect(section).toContain('| tigera-operator | the bootstrap HelmChart creates it without labels');
  });
});

describe('a Debian control plane', () => {
  const debianServer = (): string => defaultSpecText().replace('    role: server\n    os: k3os', '    role: server\n    os: debian');

  test('GIVEN the server on Debian THEN its Ansible files meet every applicable control', async () => {
    const { cluster: c } = await synthesize(debianServer(), 'cluster.yaml');
    expect(evaluateCisControls(c).outcomes!.filter((o) => o.result.status === 'not met')).toEqual([]);
    expect(renderedServer(c)).toEqual(['server', 'host-provisioning/ansible/roles/k3s/files/config-pi-cp.yaml', true]);
  });

  test('WHEN the k3s role no longer writes the admission configuration THEN 1.2.9 and 5.2.1 fail', async () => {
    const { cluster: c } = await synthesize(debianServer(), 'cluster.yaml');
    const files = new FileSet();
    for (const [p, text] of c.files.entries()) {
      files.add(p, p !== 'host-provisioning/ansible/roles/k3s/tasks/main.yml' ? text : stringify(parse(text).filter((t: { 'ansible.builtin.copy'?: { dest?: string } }) => t['ansible.builtin.copy']?.dest !== PSA)));
    }
    const problem = 'host-provisioning/ansible/roles/k3s/files/config-pi-cp.yaml (pi-cp): the admission configuration /var/lib/rancher/k3s/server/psa.yaml is not written by provisioning';
    expect(await messages({ ...c, files })).toEqual([
      `CIS 1.2.9 (The admission control plugin EventRateLimit is set) not met: ${problem}`,
      `CIS 5.2.1 (The cluster has an active policy control mechanism in place for every namespace) not met: ${problem}`,
    ]);
  });
});

/** The server's role as the check reads it, its file, and whether the admission file is written there. */
function renderedServer(c: RenderedCluster): [string, string, boolean] {
  const server = renderedNodes(c).nodes.find((n) => n.node === 'pi-cp')!;
  return [server.role, server.file, server.nodeFiles.has(PSA)];
}
