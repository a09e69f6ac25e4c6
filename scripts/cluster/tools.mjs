// The test cluster's programs, built from the Go module proxy (test/cluster/go/*/go.mod pin
// them; go.sum checks them). Binaries go to .build/cluster/bin; a binary is rebuilt when its
// go.mod or go.sum is newer. GOMODCACHE and GOCACHE make a rebuild in a fresh clone a link.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from './paths.mjs';

export const BIN_DIR = join(PROJECT_ROOT, '.build', 'cluster', 'bin');

/** Each program: the module that pins it and the upstream main package. */
export const TOOLS = {
  etcd: { module: 'kubernetes', pkg: 'go.etcd.io/etcd/server/v3' },
  'kube-apiserver': { module: 'kubernetes', pkg: 'k8s.io/kubernetes/cmd/kube-apiserver' },
  'kube-controller-manager': { module: 'kubernetes', pkg: 'k8s.io/kubernetes/cmd/kube-controller-manager' },
  'kube-scheduler': { module: 'kubernetes', pkg: 'k8s.io/kubernetes/cmd/kube-scheduler' },
  kubectl: { module: 'kubernetes', pkg: 'k8s.io/kubernetes/cmd/kubectl' },
  kwok: { module: 'tools', pkg: 'sigs.k8s.io/kwok/cmd/kwok' },
  helm: { module: 'tools', pkg: 'helm.sh/helm/v3/cmd/helm' },
};

function moduleDir(name) {
  return join(PROJECT_ROOT, 'test', 'cluster', 'go', name);
}

/**
 * The link flags upstream's build (hack/lib/version.sh) sets: without them the binaries
 * report v0.0.0-master and charts' kubeVersion constraints refuse the cluster.
 */
function ldflags(name) {
  if (TOOLS[name].module !== 'kubernetes' || name === 'etcd') return '';
  const mod = readFileSync(join(moduleDir('kubernetes'), 'go.mod'), 'utf8');
  const [, version, major, minor] = /^\s*k8s\.io\/kubernetes (v(\d+)\.(\d+)\.\d+)/m.exec(mod);
  const pkgs = ['k8s.io/component-base/version', 'k8s.io/client-go/pkg/version'];
  return pkgs
    .flatMap((p) => [`-X ${p}.gitVersion=${version}`, `-X ${p}.gitMajor=${major}`, `-X ${p}.gitMinor=${minor}`, `-X ${p}.gitTreeState=clean`])
    .join(' ');
}

function buildArgs(name, out) {
  const jobs = process.env.CLUSTER_BUILD_JOBS || '2';
  return ['build', '-p', jobs, '-trimpath', '-ldflags', ldflags(name), '-o', out, TOOLS[name].pkg];
}

function stale(name) {
  const bin = join(BIN_DIR, name);
  if (!existsSync(bin)) return true;
  // built with other flags (the -p value aside)
  const recipe = `${bin}.recipe`;
  if (!existsSync(recipe) || readFileSync(recipe, 'utf8') !== JSON.stringify(buildArgs(name, bin).slice(3))) return true;
  const dir = moduleDir(TOOLS[name].module);
  const built = statSync(bin).mtimeMs;
  return ['go.mod', 'go.sum'].some((f) => statSync(join(dir, f)).mtimeMs > built);
}

/**
 * Builds the named programs that are missing or stale; returns their paths by name.
 * Logs each build and its duration to `log` (stderr by default).
 */
export function ensureTools(names, log = (line) => process.stderr.write(`${line}\n`)) {
  mkdirSync(BIN_DIR, { recursive: true });
  const paths = {};
  for (const name of names) {
    const tool = TOOLS[name];
    if (!tool) throw new Error(`unknown cluster tool "${name}"; known: ${Object.keys(TOOLS).join(', ')}`);
    const out = join(BIN_DIR, name);
    if (stale(name)) {
      const started = Date.now();
      log(`cluster: building ${name} (${tool.pkg}) from the Go module proxy`);
      const r = spawnSync('nice', ['-n', '10', 'go', ...buildArgs(name, out)], {
        cwd: moduleDir(tool.module),
        env: { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: [process.env.GOFLAGS, '-mod=readonly'].filter(Boolean).join(' ') },
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      if (r.status !== 0) throw new Error(`building ${name} failed (go build ${tool.pkg} in ${moduleDir(tool.module)})`);
      writeFileSync(`${out}.recipe`, JSON.stringify(buildArgs(name, out).slice(3)));
      log(`cluster: built ${name} in ${Math.round((Date.now() - started) / 1000)} s`);
    }
    paths[name] = out;
  }
  return paths;
}
