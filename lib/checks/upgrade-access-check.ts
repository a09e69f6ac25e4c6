import { describeObject, RenderedCluster } from '../output/rendered';
import { allows, grantsOf, mountsToken, upgradeJobPod } from '../upgrades/upgrade-job-access';
import { Check, Finding } from './check';

/**
 * The upgrade Jobs can do their work and nothing more: for every Plan, the pod the
 * controller would run (lib/upgrades/upgrade-job-access.ts) has a token, every request its
 * steps make is allowed by the RBAC bound to its ServiceAccount, and every permission bound
 * to that account is used by some step of some Plan that runs as it.
 */
export class UpgradeAccessCheck implements Check {
  public readonly name = 'upgrade-access';

  public async run(cluster: RenderedCluster): Promise<Finding[]> {
    const findings: Finding[] = [];
    const manifests = cluster.objects.map((o) => o.manifest);
    const plans = cluster.objects.filter((o) => o.manifest.kind === 'Plan' && o.manifest.apiVersion?.startsWith('upgrade.cattle.io/'));
    const accounts = new Map<string, { namespace: string; name: string; used: Set<number> }>();
    const error = (message: string): void => {
      findings.push({ severity: 'error', check: this.name, message });
    };
    for (const { file, manifest } of plans) {
      const pod = upgradeJobPod(manifest);
      const key = `${pod.namespace}/${pod.serviceAccountName}`;
      const grants = grantsOf(manifests, pod.namespace, pod.serviceAccountName);
      const account = accounts.get(key) ?? { namespace: pod.namespace, name: pod.serviceAccountName, used: new Set<number>() };
      accounts.set(key, account);
      const requests = pod.steps.flatMap((s) => s.requests);
      if (requests.length === 0) {
        continue;
      }
      const token = mountsToken(manifests, pod.namespace, pod.serviceAccountName);
      if (token !== true) {
        error(
          `${file}: ${describeObject(manifest)}: its Job pods run as ServiceAccount ${key}, which ` +
            `${token === undefined ? 'is not rendered' : 'sets automountServiceAccountToken: false'}; the controller sets no token ` +
            `on the pod, so ${pod.steps.filter((s) => s.requests.length > 0).map((s) => s.container).join(' and ')} cannot reach the API`,
        );
      }
      for (const r of requests) {
        const i = grants.findIndex((g) => allows(g, r));
        if (i < 0) {
          const where = r.namespace ? ` in namespace ${r.namespace}` : '';
          error(`${file}: ${describeObject(manifest)}: ${key} may not ${r.verb} ${r.group || 'core'}/${r.resource}${where}, which ${r.because} needs`);
        }
        grants.forEach((g, j) => allows(g, r) && account.used.add(j));
      }
    }
    for (const account of accounts.values()) {
      grantsOf(manifests, account.namespace, account.name).forEach((g, j) => {
        if (!account.used.has(j)) {
          const where = g.namespace ? ` in namespace ${g.namespace}` : '';
          error(
            `${g.from}: grants ${account.namespace}/${account.name} ${g.verb} on ${g.group || 'core'}/${g.resource}${where}, ` +
              'which no step of its upgrade Jobs uses; remove it',
          );
        }
      });
    }
    return findings;
  }
}
