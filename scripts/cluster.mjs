// npm run cluster:<command>: the test cluster (test/cluster/README.md).
//   tools               build the Go programs (from the Go module proxy) and print their paths
//   dry-run [--root DIR] [--spec FILE] [--json]
//                       every object of the rendered tree judged by a real kube-apiserver
//   boot [--root DIR] [--spec FILE] [--json]
//                       a first boot on the spec's nodes, simulated by kwok
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { boot, formatBoot } from './cluster/boot.mjs';
import { dryRun, formatDryRun } from './cluster/dry-run.mjs';
import { InputError } from './cluster/objects.mjs';
import { PROJECT_ROOT } from './cluster/paths.mjs';
import { specModule } from './cluster/spec.mjs';
import { ensureTools, TOOLS } from './cluster/tools.mjs';

const USAGE = `Usage: npm run cluster:tools
       npm run cluster:dry-run -- [--root DIR] [--spec FILE] [--json]
       npm run cluster:boot -- [--root DIR] [--spec FILE] [--json]
  --root DIR   the rendered tree (dist/, flux/, host-provisioning/) to judge (default: this repository)
  --spec FILE  its cluster description (default: DIR/cluster.yaml)
  --json       print the report as JSON
`;

function parseArgs(argv) {
  const opts = { command: argv[0], root: PROJECT_ROOT, spec: undefined, json: false };
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') opts.json = true;
    else if (a === '--root' || a === '--spec') {
      if (!argv[i + 1]) throw new InputError(`${a} needs a value`);
      opts[a.slice(2)] = resolve(argv[++i]);
    } else throw new InputError(`unknown argument "${a}"`);
  }
  return opts;
}

/** The spec facts the test cluster needs, read by the project's own parser (nodes.ts). */
function readSpec(file) {
  if (!existsSync(file)) throw new InputError(`${file} does not exist (give the cluster description with --spec FILE)`);
  const facts = specModule().specFacts(readFileSync(file, 'utf8'), file);
  const [, major, minor, patch] = /^v(\d+)\.(\d+)\.(\d+)\+/.exec(facts.k3sVersion);
  return { ...facts, kubeVersion: `v${major}.${minor}.${patch}`, minor: `${major}.${minor}` };
}

/** The Kubernetes version the test cluster is built at (test/cluster/go/kubernetes/go.mod). */
function builtMinor() {
  const mod = readFileSync(join(PROJECT_ROOT, 'test', 'cluster', 'go', 'kubernetes', 'go.mod'), 'utf8');
  const m = /^\s*k8s\.io\/kubernetes v(\d+)\.(\d+)\./m.exec(mod);
  return `${m[1]}.${m[2]}`;
}

/** The spec, refused when its Kubernetes minor is not the one the test cluster is built at. */
function checkedSpec(opts) {
  const spec = readSpec(opts.spec ?? join(opts.root, 'cluster.yaml'));
  if (spec.minor !== builtMinor()) {
    throw new InputError(`k3s.version is Kubernetes ${spec.minor}, but the test cluster is built at ${builtMinor()} (test/cluster/go/kubernetes/go.mod)`);
  }
  return spec;
}

async function main(argv) {
  const opts = parseArgs(argv);
  const log = (line) => process.stderr.write(`cluster: ${line}\n`);
  if (opts.command === 'tools') {
    const paths = ensureTools(Object.keys(TOOLS));
    for (const [name, path] of Object.entries(paths)) process.stdout.write(`${name}\t${path}\n`);
    return 0;
  }
  if (opts.command === 'dry-run') {
    const spec = checkedSpec(opts);
    const bin = ensureTools(['etcd', 'kube-apiserver', 'kubectl', 'helm']);
    const report = await dryRun({ root: opts.root, bin, serviceCidr: spec.serviceCidr, kubeVersion: spec.kubeVersion, log });
    process.stdout.write(opts.json ? `${JSON.stringify(report, null, 2)}\n` : formatDryRun(report));
    return report.refused || report.podSecurityRefused ? 1 : 0;
  }
  if (opts.command === 'boot') {
    const facts = checkedSpec(opts);
    const bin = ensureTools(['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kubectl', 'kwok', 'helm']);
    const { report } = await boot({ root: opts.root, bin, facts, log });
    process.stdout.write(opts.json ? `${JSON.stringify(report, null, 2)}\n` : formatBoot(report));
    return report.steps.every((s) => s.ready) ? 0 : 1;
  }
  process.stderr.write(USAGE);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    if (e instanceof InputError || e?.name === 'UserError') {
      process.stderr.write(`error: ${e.message}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`internal error (a bug; please report it):\n${e instanceof Error ? e.stack : String(e)}\n`);
      process.exitCode = 3;
    }
  },
);
