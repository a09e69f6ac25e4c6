import { imageRepository } from '../../images';
import { HomelabNamespace } from '../../k8s/homelab-namespace';
import { VIP_KEYS } from '../../net/vip-keys';
import { ServiceModule } from '../service-module';
import { GameServer, GAMES_NAMESPACE } from './game-server';

/** One game server per `services.games` entry, on the storage node, world data on NFS. */
export const GAMES_SERVICE: ServiceModule = {
  name: 'games',
  enabled: (spec) => spec.services.games.length > 0,
  stage: { name: 'games', layer: 'games', purpose: 'game servers on the storage node, world data on NFS', dependsOn: ['networking', 'storage'] },
  vipRequests: (spec) => spec.services.games.map((g, i) => ({ key: VIP_KEYS.game(g.name), path: `services.games[${i}].vip`, explicit: g.vip })),
  // The spec declares the architectures each game image is published for.
  images: (spec) => Object.fromEntries(spec.services.games.map((g) => [imageRepository(g.image), { architectures: g.architectures }])),
  datasets: (spec) => spec.services.games.map((g, i) => ({ dataset: g.dataset, path: `services.games[${i}].dataset` })),
  build(scope, { spec, vips }) {
    const asRoot = spec.services.games.filter((g) => g.runAsUser === 0).map((g) => g.name);
    const namespace = new HomelabNamespace(scope, 'Namespace', {
      name: GAMES_NAMESPACE,
      podSecurity: asRoot.length > 0 ? 'baseline' : 'restricted',
      podSecurityReason: asRoot.length > 0 ? `${asRoot.join(', ')} must run as root (runAsUser: 0 in cluster.yaml)` : undefined,
    });
    spec.services.games.forEach((game, i) => {
      new GameServer(scope, `Game-${game.name}`, { spec, vips, namespace, game, path: `services.games[${i}]` });
    });
  },
};
