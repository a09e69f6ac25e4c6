// What would make the API server dial a pod: admission webhook configurations, aggregated
// APIServices and CRD conversion webhooks. Their servers run in simulated pods (no
// containers; pod addresses are not on this machine), so the test cluster never installs
// them: the configurations are left out and conversion becomes None, and each is reported.
const DIALS_A_POD = ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'APIService'];

/** Returns { objects, removed } where removed holds one line per object left out or changed. */
export function withoutPodServers(objects) {
  const removed = [];
  const kept = [];
  for (const o of objects) {
    const id = `${o.kind} ${o.metadata?.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata?.name}`;
    if (DIALS_A_POD.includes(o.kind)) {
      removed.push(`${id}: not installed (its server would run in a simulated pod)`);
    } else if (o.kind === 'CustomResourceDefinition' && o.spec?.conversion?.strategy === 'Webhook') {
      kept.push({ ...o, spec: { ...o.spec, conversion: { strategy: 'None' } } });
      removed.push(`${id}: conversion webhook replaced by strategy None (its server would run in a simulated pod)`);
    } else {
      kept.push(o);
    }
  }
  return { objects: kept, removed };
}
