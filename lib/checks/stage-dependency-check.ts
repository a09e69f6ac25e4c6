import { STAGES } from '../../charts/stages';
import { describeObject, RenderedCluster } from '../render';
import { Stage, StageRegistry } from '../stages/stage';
import { ANNOTATIONS } from '../analysis/annotations';
import { Check, Finding } from './check';

/** API groups whose CRDs a chart installs (its `crds/` or templates), by chart name. */
export const CHART_CRD_GROUPS: Readonly<Record<string, readonly string[]>> = {
  'tigera-operator': ['operator.tigera.io', 'crd.projectcalico.org'],
  metallb: ['metallb.io'],
  'cert-manager': ['cert-manager.io', 'acme.cert-manager.io'],
  traefik: ['traefik.io'],
};

/** Groups that exist before any stage: Kubernetes itself and Flux (installed at bootstrap). */
function builtIn(group: string): boolean {
  return group === '' || !group.includes('.') || group.endsWith('.k8s.io') || group.endsWith('.toolkit.fluxcd.io');
}

function allDependencies(stage: Stage): Set<Stage> {
  const out = new Set<Stage>();
  const visit = (s: Stage): void => s.dependsOn.forEach((d) => (out.has(d) ? undefined : (out.add(d), visit(d))));
  visit(stage);
  return out;
}

/**
 * Flux applies a stage only after the stages it depends on are ready, so a stage that uses a
 * custom resource must depend (directly or not) on the stage whose chart or CRD bundle
 * installs it, and must not install and use it in the same stage.
 */
export class StageDependencyCheck implements Check {
  public readonly name = 'stage-dependencies';

  constructor(private readonly stages: StageRegistry = STAGES) {}

  public async run(cluster: RenderedCluster): Promise<Finding[]> {
    const installer = new Map<string, string>();
    for (const { group, manifest } of cluster.objects) {
      const groups =
        manifest.kind === 'HelmRelease'
          ? (CHART_CRD_GROUPS[manifest.spec?.chart?.spec?.chart] ?? [])
          : manifest.kind === 'Kustomization' && manifest.metadata.annotations?.[ANNOTATIONS.installsCrds]
            ? [manifest.metadata.annotations[ANNOTATIONS.installsCrds]]
            : [];
      groups.forEach((g) => installer.set(g, group));
    }
    const findings: Finding[] = [];
    for (const { file, group: stageName, manifest } of cluster.objects) {
      const apiGroup = manifest.apiVersion.includes('/') ? manifest.apiVersion.split('/')[0] : '';
      const from = installer.get(apiGroup);
      // A group some stage installs (the Gateway API is a *.k8s.io group) is never built in.
      if ((!from && builtIn(apiGroup)) || stageName === 'flux') continue;
      const where = `${file}: ${describeObject(manifest)}`;
      if (!from) {
        findings.push(this.error(`${where}: no stage installs the CRDs of ${apiGroup}`));
        continue;
      }
      const stage = this.stages.ordered.find((s) => s.name === stageName);
      if (!stage) continue;
      if (from === stageName) {
        findings.push(this.error(`${where}: stage ${stageName} both installs and uses ${apiGroup}; move the custom resource to a stage that depends on it`));
      } else if (![...allDependencies(stage)].some((d) => d.name === from)) {
        findings.push(this.error(`${where}: stage ${stageName} uses ${apiGroup}, installed by stage ${from}, but does not depend on it`));
      }
    }
    return findings;
  }

  private error(message: string): Finding {
    return { severity: 'error', check: this.name, message };
  }
}
