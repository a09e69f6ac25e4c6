import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { HomelabNamespace } from '../lib/k8s/homelab-namespace';
import { GameServer, GAMES_NAMESPACE } from '../lib/services/game-server';
import { StageChartProps } from '../lib/stages/stage';

/** One game server per `services.games` entry. */
export class GamesChart extends Chart {
  constructor(scope: Construct, id: string, props: StageChartProps) {
    super(scope, id);
    const { spec, vips } = props;
    const asRoot = spec.services.games.filter((g) => g.runAsUser === 0).map((g) => g.name);
    new HomelabNamespace(this, 'Namespace', {
      name: GAMES_NAMESPACE,
      podSecurity: asRoot.length > 0 ? 'baseline' : 'restricted',
      podSecurityReason: asRoot.length > 0 ? `${asRoot.join(', ')} must run as root (runAsUser: 0 in cluster.yaml)` : undefined,
      holdsData: true,
      traffic: {
        exposedPorts: spec.services.games.flatMap((g) => g.ports.map((p) => ({ port: p.port, protocol: p.protocol }))),
      },
    });
    spec.services.games.forEach((game, i) => {
      new GameServer(this, `Game-${game.name}`, { spec, vips, game, path: `services.games[${i}]` });
    });
  }
}
