import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, parseAllDocuments, stringify } from 'yaml';
import type { Yaml } from '../../lib/yaml/yaml';

// The API server as judge (scripts/cluster/dry-run.mjs): a real kube-apiserver built from the
// Go module proxy receives every object of a rendered tree, after the CRDs the boot installs.

const ROOT = join(__dirname, '..', '..');

interface Result {
  id: string;
  accepted: boolean;
  errors: string[];
  warnings: string[];
  podSecurity: string[];
}
interface Report {
  crds: { source: string; count: number; accepted: boolean; errors: string[] }[];
  namespaces: { count: number; accepted: boolean };
  groups: { name: string; kind: string; results: Result[] }[];
  objects: number;
  refused: number;
  podSecurityRefused: number;
}

function dryRun(root: string, spec?: string): { status: number | null; report: Report; stderr: string } {
  const args = ['scripts/cluster.mjs', 'dry-run', '--json', '--root', root, ...(spec ? ['--spec', spec] : [])];
  const r = spawnSync('node', args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (!r.stdout.trim()) throw new Error(`dry-run printed no report (exit ${r.status}):\n${r.stderr}`);
  return { status: r.status, report: JSON.parse(r.stdout), stderr: r.stderr };
}

/** A copy of the rendered tree (and cluster.yaml) to break on purpose. */
function copyTree(): string {
  const dir = mkdtempSync(join(tmpdir(), 'dry-run-test-'));
  for (const d of ['dist', 'flux', 'host-provisioning', 'cluster.yaml']) cpSync(join(ROOT, d), join(dir, d), { recursive: true });
  return dir;
}

function edit(file: string, change: (o: Yaml) => void): void {
  const o = parse(readFileSync(file, 'utf8'));
  change(o);
  writeFileSync(file, stringify(o));
}

/** Objects in a stage folder, counted from its files (what kustomize must hand over). */
function objectsIn(stageDir: string): number {
  const k = parse(readFileSync(join(stageDir, 'kustomization.yaml'), 'utf8'));
  return (k.resources as string[])
    .map((f) => parseAllDocuments(readFileSync(join(stageDir, f), 'utf8')).filter((d) => d.toJS()).length)
    .reduce((a, b) => a + b, 0);
}

const byId = (report: Report, id: string): Result => {
  const found = report.groups.flatMap((g) => g.results).find((r) => r.id === id);
  if (!found) throw new Error(`no result for ${id}`);
  return found;
};

describe('server-side dry-run of every object against a real kube-apiserver', () => {
  test('the shipped tree: every CRD, namespace and object is accepted (Calico\'s Installation too, now that its CRDs are installed first), no pod refused by Pod Security', () => {
    // WHEN
    const { status, report, stderr } = dryRun(ROOT);
    // THEN
    const refused = report.groups.flatMap((g) => g.results.filter((r) => !r.accepted || r.podSecurity.length).map((r) => ({ group: g.name, ...r })));
    expect(refused.map((r) => [r.group, r.id, r.errors.join(' ')])).toEqual([]);
    expect(report.crds.filter((c) => !c.accepted)).toEqual([]);
    expect([status, report.refused, report.podSecurityRefused]).toEqual([0, 0, 0]);
    expect(stderr).not.toContain('internal error');
    // every stage is judged whole: as many results as its files hold objects
    const stages = report.groups.filter((g) => g.name.startsWith('dist/'));
    for (const g of stages) expect([g.name, g.results.length]).toEqual([g.name, objectsIn(join(ROOT, g.name))]);
    expect(stages.length).toBeGreaterThan(10);
    // the charts of every HelmRelease and bootstrap HelmChart are rendered and judged too
    expect(report.groups.filter((g) => g.kind === 'chart').map((g) => g.name.split(' → ')[0]).sort()).toEqual([
      'chart cert-manager v1.21.1',
      'chart crd.projectcalico.org.v1 v3.32.0',
      'chart csi-driver-nfs 4.12.1',
      'chart flux2 2.18.3',
      'chart metallb 0.16.1',
      'chart tigera-operator v3.32.0',
      'chart traefik 41.3.0',
    ]);
  });

  test('catches what the API server refuses: unknown fields, invalid values, CRD schemas, Pod Security, a missing CRD', () => {
    // GIVEN a copy of the tree with five mistakes
    const dir = copyTree();
    try {
      const games = join(dir, 'dist/games/games');
      edit(join(games, 'persistentvolumeclaim-minecraft-world.yaml'), (p) => {
        p.spec.storageClassNamee = 'x';
      });
      edit(join(games, 'service-minecraft.yaml'), (s) => {
        s.spec.ports[0].port = 70000;
      });
      edit(join(dir, 'dist/ingress-controllers/cert-manager/helmrelease-cert-manager.yaml'), (h) => {
        h.spec.interval = 'every half hour';
      });
      edit(join(games, 'deployment-minecraft.yaml'), (d) => {
        d.spec.template.spec.hostNetwork = true;
      });
      // the Gateway API CRDs' Kustomization and source removed from the CRD stage
      const crdStage = join(dir, 'dist/ingress-crds/kustomization.yaml');
      edit(crdStage, (k) => {
        k.resources = [];
      });
      // WHEN
      const { status, report } = dryRun(dir);
      // THEN
      expect(status).toBe(1);
      expect(byId(report, 'PersistentVolumeClaim games/minecraft-world').errors.join('\n')).toContain('.spec.storageClassNamee: field not declared in schema');
      expect(byId(report, 'Service games/minecraft').errors.join('\n')).toContain('spec.ports[0].port: Invalid value: 70000');
      expect(byId(report, 'HelmRelease.helm.toolkit.fluxcd.io cert-manager/cert-manager').errors.join('\n')).toContain('spec.interval');
      const minecraft = byId(report, 'Deployment.apps games/minecraft');
      expect([minecraft.accepted, minecraft.errors]).toEqual([true, []]);
      expect(minecraft.podSecurity).toEqual([expect.stringMatching(/^refused by Pod Security "restricted" of namespace games: would violate PodSecurity "restricted:latest": host namespaces \(hostNetwork=true\)/)]);
      const gateway = report.groups.flatMap((g) => g.results).filter((r) => /^(GatewayClass|Gateway|HTTPRoute)\.gateway\.networking\.k8s\.io /.test(r.id));
      expect(gateway.map((r) => [r.accepted, r.errors.some((e) => /no matches for kind "(GatewayClass|Gateway|HTTPRoute)" in version "gateway.networking.k8s.io\/v1"/.test(e))])).toEqual(
        gateway.map(() => [false, true]),
      );
      // Traefik's GatewayClass (chart), the Gateway (dist/ingress), Grafana's HTTPRoute
      expect(gateway.map((r) => r.id).sort()).toEqual([
        'Gateway.gateway.networking.k8s.io traefik/homelab',
        'GatewayClass.gateway.networking.k8s.io traefik/traefik',
        'HTTPRoute.gateway.networking.k8s.io observability/grafana',
      ]);
      expect([report.refused, report.podSecurityRefused]).toEqual([3 + gateway.length, 1]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test.each(['four-nodes', 'shared-vip-games'])('the %s fixture: its synthesized tree is accepted whole', (fixture) => {
    // GIVEN the fixture synthesized into its own folder
    const dir = mkdtempSync(join(tmpdir(), `dry-run-${fixture}-`));
    try {
      const spec = join(ROOT, 'test/fixtures/valid', `${fixture}.yaml`);
      const synth = spawnSync('node', ['scripts/synth.mjs', '--spec', spec, '--out', dir], { cwd: ROOT, encoding: 'utf8' });
      expect(synth.status).toBe(0);
      // WHEN
      const { status, report } = dryRun(dir, spec);
      // THEN
      const refused = report.groups.flatMap((g) => g.results.filter((r) => !r.accepted || r.podSecurity.length).map((r) => r.id));
      expect(refused).toEqual([]);
      expect([status, report.refused]).toEqual([0, 0]);
      expect(report.objects).toBeGreaterThan(50);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a spec of another Kubernetes minor is refused, naming both minors, with no report', () => {
    // GIVEN the minimal fixture, on k3s v1.34
    const spec = join(ROOT, 'test/fixtures/valid/minimal.yaml');
    // WHEN
    const r = spawnSync('node', ['scripts/cluster.mjs', 'dry-run', '--root', ROOT, '--spec', spec], { cwd: ROOT, encoding: 'utf8' });
    // THEN
    expect([r.status, r.stdout, r.stderr]).toEqual([
      2,
      '',
      'error: k3s.version is Kubernetes 1.34, but the test cluster is built at 1.33 (test/cluster/go/kubernetes/go.mod)\n',
    ]);
  });
});
