// npm run import: regenerates imports/ from the CRD bundles in ../shared/crds (offline).
// For each bundle it keeps only the CRDs this project uses, then
// - `cdk8s import` writes typed constructs to imports/<group>.ts, and
// - `crd-generate` (@kubernetes-models) writes the schema validators the synth checks use
//   to imports/validators/<group>/<Group><Version><Kind>.js (ES modules).
// Only generated code is committed; the CRD YAML stays in ../shared.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

const CRDS = '../shared/crds';
/** bundle -> the CRD names used; `validators: false` where @kubernetes-models ships a package. */
const BUNDLES = [
  { file: 'flux.yaml', names: ['gitrepositories.source.toolkit.fluxcd.io', 'helmrepositories.source.toolkit.fluxcd.io', 'kustomizations.kustomize.toolkit.fluxcd.io', 'helmreleases.helm.toolkit.fluxcd.io', 'helmcharts.source.toolkit.fluxcd.io', 'buckets.source.toolkit.fluxcd.io', 'ocirepositories.source.toolkit.fluxcd.io', 'externalartifacts.source.toolkit.fluxcd.io'], validators: false },
  { file: 'metallb.yaml', names: ['ipaddresspools.metallb.io', 'l2advertisements.metallb.io'] },
  { file: 'calico-operator.yaml', names: ['installations.operator.tigera.io'] },
  { file: 'helm-controller-k3s.yaml', names: ['helmcharts.helm.cattle.io'] },
  { file: 'gateway-api.yaml', names: ['gatewayclasses.gateway.networking.k8s.io', 'gateways.gateway.networking.k8s.io', 'httproutes.gateway.networking.k8s.io'] },
  { file: 'cert-manager.yaml', names: ['clusterissuers.cert-manager.io', 'certificates.cert-manager.io'] },
  { file: 'system-upgrade-controller.yaml', names: ['plans.upgrade.cattle.io'] },
];

const work = mkdtempSync(join(tmpdir(), 'crd-import-'));
// `cdk8s import` records each imported file in cdk8s.yaml; those are temporary cuts, so keep the file as it was.
const cdk8sConfig = readFileSync('cdk8s.yaml', 'utf8');
try {
  for (const bundle of BUNDLES) {
    const docs = parseAllDocuments(readFileSync(join(CRDS, bundle.file), 'utf8')).filter((d) =>
      bundle.names.includes(d.toJS()?.metadata?.name),
    );
    if (docs.length !== bundle.names.length) {
      throw new Error(`${bundle.file}: found ${docs.length} of ${bundle.names.length} CRDs`);
    }
    const cut = join(work, bundle.file);
    writeFileSync(cut, docs.map((d) => d.toString()).join('---\n'));
    execFileSync('npx', ['cdk8s', 'import', cut, '--language', 'typescript', '--output', 'imports', '--no-check-upgrade'], { stdio: 'inherit' });
    if (bundle.validators === false) continue;
    const out = join(work, `models-${bundle.file}`);
    execFileSync('npx', ['crd-generate', '--input', cut, '--output', out], { stdio: 'ignore' });
    const groups = [...new Set(docs.map((d) => d.toJS().spec.group))];
    if (groups.length !== 1) {
      throw new Error(`${bundle.file}: validators expect one API group per bundle, got ${groups.join(', ')}`);
    }
    const target = join('imports', 'validators', groups[0]);
    rmSync(target, { recursive: true, force: true });
    mkdirSync(target, { recursive: true });
    writeFileSync(join(target, 'package.json'), '{ "type": "module" }\n');
    for (const f of readdirSync(join(out, '_schemas')).filter((n) => n.endsWith('.js'))) {
      renameSync(join(out, '_schemas', f), join(target, f));
    }
  }
} finally {
  writeFileSync('cdk8s.yaml', cdk8sConfig);
  rmSync(work, { recursive: true, force: true });
}
