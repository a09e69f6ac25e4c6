import { ClusterSpec } from './schema';

/** Cross-field rules of the services: the datasets they name exist. */
export function serviceDatasetProblems(spec: ClusterSpec): string[] {
  const known = spec.storage.datasets.map((d) => d.name);
  const refs: [string, string][] = spec.services.games.map((g, i) => [g.dataset, `services.games[${i}].dataset`]);
  if (spec.services.dlna.enabled) {
    refs.push([spec.services.dlna.dataset, 'services.dlna.dataset']);
  }
  if (spec.services.observability.enabled) {
    refs.push([spec.services.observability.dataset, 'services.observability.dataset']);
  }
  const ha = spec.services.homeAssistant;
  if (ha?.mode === 'cluster') {
    refs.push([ha.dataset, 'services.homeAssistant.dataset']);
  }
  return refs
    .filter(([name]) => !known.includes(name))
    .map(([name, path]) => `${path}: "${name}" is not a dataset; known datasets: ${known.join(', ') || '(none)'}`);
}
