import { RenderedCluster } from '../output/rendered';
import { clusterReport } from './cluster-report';
import { wireguardPeersDoc } from './wireguard-peers';

/** The documents `npm run report` writes into docs/, by file name. */
export function reportFiles(cluster: RenderedCluster): Record<string, string> {
  return { 'cluster.md': clusterReport(cluster), 'wireguard-peers.md': wireguardPeersDoc(cluster) };
}
