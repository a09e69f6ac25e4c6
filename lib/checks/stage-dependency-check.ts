import { ANNOTATIONS } from '../analysis/annotations';
import { clusterScopedKinds, K3S_SERVED_APIS, releaseObjects } from '../helm/cluster-charts';
import { chartsMissing, clusterObjects, describeObject, RenderedCluster, RenderedObject } from '../output/rendered';
import { Stage } from '../stages/stage';
import { Check, Finding } from './check';

/** Groups that exist before any stage: Kubernetes itself and what k3s serves. */
function builtIn(group: string): boolean {
  return group === '' || !group.includes('.') || (group.endsWith('.k8s.io') && group !== 'gateway.networking.k8s.io') || K3S_SERVED_APIS.some((a) => a.startsWith(`${group}/`));
}

function allDependencies(stage: Stage): Set<string> {
  const out = new Set<string>();
  const visit = (s: Stage): void => {
    for (const d of s.dependsOn) {
      if (!out.has(d.name)) {
        out.add(d.name);
        visit(d);
      }
    }
  };
  visit(stage);
  return out;
}

/** Who installs a kind's CRD. */
interface Installer {
  /** A stage, `flux`, or `bootstrap/<file>`. */
  readonly group: string;
  /** The release whose render holds the CRD, if a chart installs it. */
  readonly release?: string;
  /** From the chart's `crds/` folder: Helm creates those before the release's other objects. */
  readonly crdsFolder: boolean;
  readonly what: string;
}

/**
 * Every custom resource needs its CRD installed by something applied before it:
 * - in the control plane's auto-deploy folder, by an earlier file (k3s applies them in name
 *   order; a HelmChart's install is retried until the CRDs it needs exist);
 * - in flux/ or a Flux stage, by the bootstrap or Flux's own release (flux/), or by a stage it
 *   depends on (directly or not); a
 *   stage that installs and uses a kind in one go fails on a fresh cluster;
 * - inside one chart release, only the chart's `crds/` folder counts: Helm refuses a release
 *   whose templates hold a kind the API server does not know yet.
 * Which CRDs a release installs is read from its render; a Git-published bundle names its group.
 */
export class StageDependencyCheck implements Check {
  public readonly name = 'stage-dependencies';

  public async run(cluster: RenderedCluster): Promise<Finding[]> {
    const bootstrapRenders = this.bootstrapChartObjects(cluster);
    const everything: RenderedObject[] = [...cluster.bootstrapObjects, ...bootstrapRenders, ...cluster.objects, ...cluster.chartObjects];
    const installers = new Map<string, Installer[]>();
    const add = (key: string, installer: Installer): void => {
      installers.set(key, [...(installers.get(key) ?? []), installer]);
    };
    for (const { group, manifest, release, file } of everything) {
      if (manifest.kind === 'CustomResourceDefinition') {
        add(`${manifest.spec.group}/${manifest.spec.names.kind}`, { group, release, crdsFolder: /\]$/.test(file) && /\/crds\//.test(file), what: describeObject(manifest) });
      } else if (manifest.kind === 'Kustomization' && manifest.metadata.annotations?.[ANNOTATIONS.installsCrds]) {
        add(`${manifest.metadata.annotations[ANNOTATIONS.installsCrds]}/*`, { group, crdsFolder: false, what: describeObject(manifest) });
      }
    }
    const findings: Finding[] = [];
    for (const { file, group: where, manifest, release } of everything) {
      const apiGroup = manifest.apiVersion.includes('/') ? manifest.apiVersion.split('/')[0] : '';
      if (manifest.kind === 'CustomResourceDefinition' || builtIn(apiGroup)) continue;
      const candidates = [...(installers.get(`${apiGroup}/${manifest.kind}`) ?? []), ...(installers.get(`${apiGroup}/*`) ?? [])];
      const label = `${file}: ${describeObject(manifest)}`;
      if (candidates.length === 0) {
        // Without chart renders (no chart cache: synth says so) what the releases install is unknown.
        if (chartsMissing(cluster)) continue;
        findings.push(this.error(`${label}: in ${this.describeGroup(where)}, kind ${manifest.kind} of ${apiGroup}: no stage, chart or bootstrap file installs its CRD`));
        continue;
      }
      if (candidates.some((c) => this.before(cluster, c, where, release))) continue;
      const c = candidates[0];
      const from = c.release ? `${c.what} from ${c.release} in ${this.describeGroup(c.group)}` : `${c.what} in ${this.describeGroup(c.group)}`;
      if (c.group === where) {
        findings.push(
          this.error(
            `${label}: ${this.describeGroup(where)} both installs and uses ${manifest.kind} of ${apiGroup} (${from}); install the CRD in an earlier stage the user depends on`,
          ),
        );
      } else {
        findings.push(this.error(`${label}: ${this.describeGroup(where)} uses ${manifest.kind} of ${apiGroup}, whose CRD is ${from}, but is not applied after it; make it depend on that stage`));
      }
    }
    return findings;
  }

  /** Whether (in the stages the cluster was rendered with) the installer's CRD exists before an object of `group` (from `release`, if any) is applied. */
  private before(cluster: RenderedCluster, c: Installer, group: string, release: string | undefined): boolean {
    if (c.release && c.release === release) return c.crdsFolder;
    if (c.group.startsWith('bootstrap/')) return !group.startsWith('bootstrap/') || c.group < group;
    // Flux's own release (flux/) is up before Flux applies anything: k3s installs it at
    // bootstrap, or the user does by hand on a cluster without an auto-deploy folder.
    if (c.group === 'flux') return !group.startsWith('bootstrap/');
    if (group.startsWith('bootstrap/') || group === 'flux') return false;
    const stage = cluster.stages.ordered.find((s) => s.name === group);
    return stage !== undefined && allDependencies(stage).has(c.group);
  }

  private describeGroup(group: string): string {
    if (group.startsWith('bootstrap/')) return `the bootstrap file ${group.slice('bootstrap/'.length)}`;
    return group === 'flux' ? 'flux/' : `stage ${group}`;
  }

  /** The objects of every bootstrap HelmChart, including those a HelmRelease takes over later. */
  private bootstrapChartObjects(cluster: RenderedCluster): RenderedObject[] {
    const scoped = clusterScopedKinds([...clusterObjects(cluster), ...cluster.releases.flatMap((r) => r.objects)].map((o) => o.manifest));
    return cluster.releases.filter((r) => r.release.kind === 'HelmChart').flatMap((r) => releaseObjects(r, scoped));
  }

  private error(message: string): Finding {
    return { severity: 'error', check: this.name, message };
  }
}
