import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { admissionConfiguration, ADMISSION_CONFIG_PATH, POD_SECURITY_EXEMPTIONS } from '../../lib/k3s/cis-hardening';
import { K3S_VERSION } from '../../lib/spec/schema';
import { REPO } from '../helpers';
import { synthesized } from '../helpers-render';

/*
 * The admission configuration as kube-apiserver reads it: tools/admission-config-check
 * decodes it with k8s.io/apiserver's ReadAdmissionConfiguration (strict) and loads and
 * validates the PodSecurity part with the Pod Security admission library, both at the
 * Kubernetes minor of k3s.version. Go modules come from the module cache only (.ci/run
 * downloads them); no network here.
 */

const TOOL = join(REPO, 'tools/admission-config-check');
const hasGo = spawnSync('go', ['version']).status === 0;
const goTest = hasGo ? test : test.skip;
if (process.env.CI === 'true' && !hasGo) {
  test('Go is installed in CI', () => {
    throw new Error('go is missing: the admission configuration is checked with the Kubernetes libraries');
  });
}

let dir: string;
let binary: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'admission-'));
  binary = join(dir, 'admission-config-check');
  if (!hasGo) return;
  const build = spawnSync('go', ['build', '-o', binary, '.'], {
    cwd: TOOL,
    encoding: 'utf8',
    env: { ...process.env, GOFLAGS: '-mod=readonly', GOPROXY: 'off', GOTOOLCHAIN: 'local' },
  });
  if (build.status !== 0) throw new Error(`go build failed (run: cd tools/admission-config-check && go mod download):\n${build.stderr}`);
}, 600000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function check(text: string): { status: number | null; stdout: string; stderr: string } {
  const file = join(dir, `config-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, text);
  const r = spawnSync(binary, [file], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout.trim(), stderr: r.stderr.trim() };
}

describe('the admission configuration, read by the Kubernetes libraries', () => {
  test('GIVEN tools/admission-config-check/go.mod THEN its Kubernetes libraries are at the minor of k3s.version', async () => {
    const { cluster } = await synthesized();
    const minor = K3S_VERSION.exec(cluster.spec.k3s.version)![2];
    const requires = [...readFileSync(join(TOOL, 'go.mod'), 'utf8').matchAll(/^\s*(k8s\.io\/(?:apiserver|apimachinery|pod-security-admission)) v0\.(\d+)\.\d+/gm)];
    expect(requires.map((m) => [m[1], m[2]]).sort()).toEqual([
      ['k8s.io/apimachinery', minor],
      ['k8s.io/apiserver', minor],
      ['k8s.io/pod-security-admission', minor],
    ]);
  });

  goTest('GIVEN the file the shipped server gets THEN kube-apiserver would accept it, restricted by default with the named exemptions', async () => {
    const { cluster } = await synthesized();
    const server = parse(cluster.files.get('host-provisioning/k3os/pi-cp.yaml')!);
    const file = server.write_files.find((f: { path: string }) => f.path === ADMISSION_CONFIG_PATH);
    const r = check(file.content);
    expect([r.status, r.stderr]).toEqual([0, '']);
    expect(JSON.parse(r.stdout)).toEqual({
      defaults: { Enforce: 'restricted', EnforceVersion: 'latest', Audit: 'restricted', AuditVersion: 'latest', Warn: 'restricted', WarnVersion: 'latest' },
      exemptions: { Usernames: [], Namespaces: POD_SECURITY_EXEMPTIONS.map((e) => e.namespace), RuntimeClasses: [] },
    });
  });

  goTest('catches a level Pod Security does not know', () => {
    const config = admissionConfiguration() as { plugins: { name: string; configuration: { defaults: Record<string, string> } }[] };
    config.plugins[0].configuration.defaults.enforce = 'strict';
    expect(check(stringify(config))).toEqual({
      status: 1,
      stdout: '',
      stderr: 'PodSecurity: defaults.enforce: Invalid value: "strict": must be one of privileged, baseline, restricted',
    });
  });

  goTest('catches a field the API server does not know (strict decoding)', () => {
    expect(check(stringify({ ...admissionConfiguration(), plugin: [] }))).toEqual({
      status: 1,
      stdout: '',
      stderr: 'admission configuration: strict decoding error: unknown field "plugin"',
    });
  });
});
