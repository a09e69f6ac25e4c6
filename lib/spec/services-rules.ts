import { ClusterSpec } from './schema';

/** The monitoring stack's dataset exists (the services' datasets: lib/services/registry.ts). */
export function observabilityDatasetProblems(spec: ClusterSpec): string[] {
  const known = spec.storage.datasets.map((d) => d.name);
  const obs = spec.services.observability;
  return obs.enabled && !known.includes(obs.dataset)
    ? [`services.observability.dataset: "${obs.dataset}" is not a dataset; known datasets: ${known.join(', ') || '(none)'}`]
    : [];
}
