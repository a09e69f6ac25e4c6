import { parse } from 'yaml';
import { ArchitectureCheck, HostConsistencyCheck, KubernetesSchemaCheck, StageDependencyCheck } from '../../lib/checks';
import { UPGRADES, UPGRADES_CONTROLLERS } from '../../charts/stages';
import { imageCatalog } from '../../lib/services/registry';
import { Stage, StageRegistry } from '../../lib/stages/stage';
import { RenderedCluster } from '../../lib/output/rendered';
import { synthesize } from '../../lib/synth';
import { defaultSpecText } from '../helpers';
import { renderSpec, synthesized } from '../helpers-render';

/*
 * The k3s upgrade plans: pinned to the spec's one version, the server first and then one
 * worker plan after the other, each node selected by exactly one plan for its OS.
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Manifest = Record<string, any>;

function plans(cluster: RenderedCluster): Manifest[] {
  return cluster.objects.filter((o) => o.manifest.kind === 'Plan').map((o) => o.manifest as Manifest);
}

function plan(cluster: RenderedCluster, name: string): Manifest {
  const found = plans(cluster).find((p) => p.metadata.name === name);
  expect(found).toBeDefined();
  return found!;
}

/** The plan a worker plan's prepare step waits for, read from its script. */
function waitsFor(p: Manifest): string | undefined {
  const script: string | undefined = p.spec.prepare?.args?.[0];
  return script?.match(/wait plan\/(\S+)/)?.[1];
}

/** The shipped spec with every node on Debian: no k3OS, so no k3OS release either. */
function allDebian(text: string): string {
  return text.replace(/os: k3os/g, 'os: debian').replace(/^\s+# The petercb\/k3os.*\n\s+k3osRelease: .*\n/m, '');
}

describe('upgrade plans of the shipped cluster', () => {
  const cluster = renderSpec(defaultSpecText());
  const { spec } = cluster;

  test('one plan per role and OS, each pinned to the spec: k3s on Debian, the k3OS release on the Pis', () => {
    expect(plans(cluster).map((p) => [p.metadata.name, p.spec.version, p.spec.nodeSelector.matchExpressions[0].values])).toEqual([
      ['k3os-server', spec.k3s.k3osRelease, ['pi-cp']],
      ['k3s-agent', spec.k3s.version, ['atlas']],
      ['k3os-agent', spec.k3s.k3osRelease, ['pi-worker']],
    ]);
    expect(plan(cluster, 'k3s-agent').spec.upgrade).toEqual({ image: 'docker.io/rancher/k3s-upgrade' });
    expect(plan(cluster, 'k3os-agent').spec.upgrade.image).toBe('ghcr.io/petercb/k3os');
    // a Pi booted from live media has no installed system to upgrade
    expect(plan(cluster, 'k3os-agent').spec.nodeSelector.matchExpressions[1]).toEqual({ key: 'k3os.io/mode', operator: 'NotIn', values: ['live'] });
    expect(plan(cluster, 'k3s-agent').spec.nodeSelector.matchExpressions).toHaveLength(1);
  });

  test('the server goes first, then each worker plan after the one before it', () => {
    expect(waitsFor(plan(cluster, 'k3os-server'))).toBeUndefined();
    expect(waitsFor(plan(cluster, 'k3s-agent'))).toBe('k3os-server');
    expect(waitsFor(plan(cluster, 'k3os-agent'))).toBe('k3s-agent');
    const script: string = plan(cluster, 'k3s-agent').spec.prepare.args[0];
    // munged as the controller writes it into the plan status, and the k3s version the control plane must report
    expect(script).toContain(`{.status.latestVersion}=${spec.k3s.k3osRelease}'`);
    expect(script).toContain(`{.status.nodeInfo.kubeletVersion}=${spec.k3s.version}'`);
    expect(plan(cluster, 'k3s-agent').spec.prepare.image).toBe(`docker.io/rancher/k3s-upgrade:${spec.k3s.version.replace('+', '-')}`);
    expect(plans(cluster).every((p) => p.spec.concurrency === 1)).toBe(true);
  });

  test('the server is cordoned and tolerates its taint; rebooting Pis are drained; Debian workers only cordoned', () => {
    const server = plan(cluster, 'k3os-server').spec;
    expect([server.cordon, server.drain, server.tolerations]).toEqual([
      true,
      undefined,
      [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }],
    ]);
    expect(plan(cluster, 'k3os-agent').spec.drain).toMatchObject({ ignoreDaemonSets: true, deleteEmptydirData: true });
    expect(plan(cluster, 'k3os-agent').spec.upgrade.args).toContain('--reboot');
    expect([plan(cluster, 'k3s-agent').spec.cordon, plan(cluster, 'k3s-agent').spec.drain]).toEqual([true, undefined]);
  });

  test('the controller runs on a worker, never the control plane, and the Plan CRD comes at the image tag', () => {
    const deployment = cluster.objects.find((o) => o.manifest.kind === 'Deployment' && o.manifest.metadata.name === 'system-upgrade-controller')!;
    const pod = deployment.manifest.spec.template.spec;
    expect(pod.tolerations).toBeUndefined();
    const crds = cluster.objects.find((o) => o.manifest.kind === 'GitRepository' && o.manifest.metadata.name === 'system-upgrade-controller')!;
    expect(pod.containers[0].image).toBe(`docker.io/rancher/system-upgrade-controller:${crds.manifest.spec.ref.tag}`);
    expect(deployment.group).toBe('upgrades-controllers');
  });
});

describe('upgrade plans follow cluster.yaml', () => {
  test('a new k3s version moves the Debian install, the k3OS images and every plan together', async () => {
    const text = defaultSpecText().replace(/version: v1\.33\.11\+k3s1/, 'version: v1.33.12+k3s1').replace('k3osRelease: v0.33.11-k3s1-r4', 'k3osRelease: v0.33.12-k3s1-r1');
    const { cluster } = await synthesized(text, 'cluster.yaml');
    expect(plans(cluster).map((p) => p.spec.version)).toEqual(['v0.33.12-k3s1-r1', 'v1.33.12+k3s1', 'v0.33.12-k3s1-r1']);
    expect(parse(cluster.files.get('host-provisioning/ansible/inventory.yml')!).all.children.debian.hosts.atlas.k3s_version).toBe('v1.33.12+k3s1');
    expect(cluster.files.get('host-provisioning/k3os/images.txt')).toContain('pi-cp v0.33.12-k3s1-r1 arm64 https://github.com/petercb/k3os/releases/download/v0.33.12-k3s1-r1/k3os-rpi4-arm64.img');
  });

  test('a cluster without k3OS gets k3s-server and k3s-agent, the workers waiting for the server', async () => {
    const { cluster } = await synthesized(allDebian(defaultSpecText()), 'cluster.yaml');
    expect(plans(cluster).map((p) => [p.metadata.name, p.spec.nodeSelector.matchExpressions[0].values, waitsFor(p)])).toEqual([
      ['k3s-server', ['pi-cp'], undefined],
      ['k3s-agent', ['atlas', 'pi-worker'], 'k3s-server'],
    ]);
    expect(cluster.files.get('host-provisioning/k3os/images.txt')).toBeUndefined();
  });

  test('an upgrade window is written into every plan with the cluster time zone', async () => {
    const text = defaultSpecText().replace('k3osRelease: v0.33.11-k3s1-r4', 'k3osRelease: v0.33.11-k3s1-r4\n  upgradeWindow: { days: [sat, sun], startTime: "03:00", endTime: "06:00" }');
    const cluster = renderSpec(text);
    expect(plans(cluster).map((p) => p.spec.window)).toEqual(
      Array(3).fill({ days: ['sat', 'sun'], startTime: '03:00', endTime: '06:00', timeZone: cluster.spec.timezone }),
    );
  });
});

describe('checks on the upgrade plans', () => {
  const cluster = renderSpec(defaultSpecText());

  test('they pass the shipped cluster', async () => {
    for (const check of [new ArchitectureCheck(), new HostConsistencyCheck(), new StageDependencyCheck()]) {
      expect(await check.run(cluster)).toEqual([]);
    }
  });

  test('the host check catches a kubectl for the Jobs more than one minor from k3s', async () => {
    const newer = renderSpec(defaultSpecText().replace(/version: v1\.33\.11\+k3s1/, 'version: v1.35.1+k3s1').replace(/k3osRelease: \S+/, 'k3osRelease: v0.35.1-k3s1-r1'));
    expect((await new HostConsistencyCheck().run(newer)).map((f) => f.message)).toEqual([
      'upgrade plans: the Jobs cordon and drain with docker.io/rancher/kubectl:v1.33.13, more than one minor from k3s v1.35.1+k3s1; move UPGRADE_KUBECTL_IMAGE (lib/upgrades/system-upgrade-controller.ts) to the same minor',
    ]);
    const nextMinor = renderSpec(defaultSpecText().replace(/version: v1\.33\.11\+k3s1/, 'version: v1.34.1+k3s1').replace(/k3osRelease: \S+/, 'k3osRelease: v0.34.1-k3s1-r1'));
    expect(await new HostConsistencyCheck().run(nextMinor)).toEqual([]);
  });

  test('the stage check catches plans delivered without waiting for the stage that installs their CRD', async () => {
    const orphan = new Stage({ name: UPGRADES.name, layer: 'upgrades', purpose: 'test', chart: UPGRADES.chart });
    const stages = new StageRegistry([UPGRADES_CONTROLLERS, orphan]);
    const { cluster: broken } = await synthesize(defaultSpecText(), 'cluster.yaml', { stages, checks: [] });
    expect((await new StageDependencyCheck().run(broken)).map((f) => f.message)).toEqual(
      ['k3os-server', 'k3s-agent', 'k3os-agent'].map(
        (name) =>
          `dist/upgrades/system-upgrade/plan-${name}.yaml: Plan/system-upgrade/${name}: stage upgrades uses Plan of upgrade.cattle.io, whose CRD is Kustomization/flux-system/system-upgrade-controller-crds in stage upgrades-controllers, but is not applied after it; make it depend on that stage`,
      ),
    );
  });

  test('the architecture check catches an upgrade image the Pis cannot run, and an unknown kubectl image', async () => {
    const { 'ghcr.io/petercb/k3os': _k3os, 'docker.io/rancher/kubectl': _kubectl, ...others } = imageCatalog(cluster.spec);
    const check = new ArchitectureCheck({ ...others, 'ghcr.io/petercb/k3os': { architectures: ['amd64'] } });
    const plan = (name: string): string => `dist/upgrades/system-upgrade/plan-${name}.yaml: Plan/system-upgrade/${name}`;
    const unknownKubectl = 'image docker.io/rancher/kubectl:v1.33.13 is not in lib/images.ts; add it with the architectures it is published for';
    expect((await check.run(cluster)).map((f) => f.message)).toEqual([
      `${plan('k3os-server')}: image ghcr.io/petercb/k3os (amd64) may be scheduled on pi-cp (arm64); restrict its placement or use a multi-arch image`,
      `${plan('k3os-server')}: ${unknownKubectl}`,
      `${plan('k3s-agent')}: ${unknownKubectl}`,
      `${plan('k3os-agent')}: image ghcr.io/petercb/k3os (amd64) may be scheduled on pi-worker (arm64); restrict its placement or use a multi-arch image`,
      `${plan('k3os-agent')}: ${unknownKubectl}`,
    ]);
  });

  test('the schema check rejects a Plan the CRD does not allow', async () => {
    const objects = cluster.objects.map((o) =>
      o.manifest.kind === 'Plan' && o.manifest.metadata.name === 'k3s-agent'
        ? { ...o, manifest: { ...o.manifest, spec: { ...o.manifest.spec, concurrency: 'one' } } }
        : o,
    );
    const messages = (await new KubernetesSchemaCheck().run({ ...cluster, objects })).map((f) => f.message);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain('plan-k3s-agent.yaml');
    expect(messages[0]).toContain('concurrency');
  });
});
