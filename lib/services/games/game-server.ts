import * as k8s from 'cdk8s-plus-33/lib/imports/k8s';
import { Construct } from 'constructs';
import { HomelabNamespace } from '../../k8s/homelab-namespace';
import { LoadBalancerService } from '../../k8s/load-balancer-service';
import { HomelabWorkload, SecurityExceptions } from '../../k8s/homelab-workload';
import { VIP_KEYS } from '../../net/vip-keys';
import { VIP_ANNOTATION, VIP_KEY_ANNOTATION, VipAssignments } from '../../net/vip-allocator';
import { L2_ANNOUNCER_LABEL } from '../../networking/metallb';
import { Placement } from '../../placement/placement';
import { storageNode } from '../../spec/nodes';
import { ClusterSpec, GameSpec } from '../../spec/schema';
import { DataVolume } from '../../storage/data-volume';

export const GAMES_NAMESPACE = 'games';

export interface GameServerProps {
  readonly spec: ClusterSpec;
  /** The namespace it runs in: what it needs opens there. */
  readonly namespace: HomelabNamespace;
  readonly vips: VipAssignments;
  readonly game: GameSpec;
  /** The spec path of the game, for the reasons of its exceptions. */
  readonly path: string;
}

/** Whether another game asks for the same explicit VIP (then the Service shares it). */
function sharesVip(spec: ClusterSpec, game: GameSpec): boolean {
  return game.vip !== undefined && spec.services.games.some((g) => g !== game && g.vip === game.vip);
}

/**
 * A game server from the spec: pinned to the storage node, world data on a prune-protected
 * claim in its dataset, memory requested and limited as the spec says, every TCP and UDP
 * port behind its VIP, and enough grace on stop to save the world. A VIP of its own keeps
 * client addresses (`Local`); MetalLB only lets Services share a VIP when they select the
 * same pods or use the `Cluster` policy, so a shared VIP uses `Cluster`.
 */
export class GameServer extends Construct {
  constructor(scope: Construct, id: string, props: GameServerProps) {
    super(scope, id);
    const { spec, vips, game } = props;
    const world = new DataVolume(this, 'World', {
      spec,
      name: `${game.name}-world`,
      namespace: props.namespace,
      dataset: game.dataset,
      sizeGiB: game.worldSizeGiB,
    });
    const memory = k8s.Quantity.fromString(`${game.memoryMiB}Mi`);
    const tcp = game.ports.find((p) => p.protocol === 'TCP');
    const exceptions: SecurityExceptions = {
      readOnlyRootFilesystem: 'game server images unpack and update the server at start, not only in their data folder',
      ...(game.runAsUser === 0 ? { runAsNonRoot: `${props.path}.runAsUser is 0: this image cannot run as another user` } : {}),
    };
    const workload = new HomelabWorkload(this, 'Server', {
      kind: 'Deployment',
      name: game.name,
      namespace: GAMES_NAMESPACE,
      component: 'game-server',
      placement: Placement.pinned(storageNode(spec)),
      terminationGracePeriodSeconds: game.stopSeconds,
      securityExceptions: exceptions,
      podSecurityContext: {
        runAsNonRoot: game.runAsUser !== 0,
        runAsUser: game.runAsUser,
        runAsGroup: game.runAsUser,
        fsGroup: game.runAsUser,
        seccompProfile: { type: 'RuntimeDefault' },
      },
      containers: [
        {
          name: 'server',
          image: `${game.image}:${game.version}`,
          env: Object.entries(game.env)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([name, value]) =>
              typeof value === 'string' ? { name, value } : { name, valueFrom: { secretKeyRef: { name: value.secretKeyRef.name, key: value.secretKeyRef.key } } },
            ),
          ports: game.ports.map((p) => ({ name: p.name, containerPort: p.port, protocol: p.protocol })),
          resources: {
            requests: { cpu: k8s.Quantity.fromString('500m'), memory },
            limits: { memory },
          },
          // Only TCP can be probed generically; a UDP-only server is judged by its process.
          startupProbe: tcp ? { tcpSocket: { port: k8s.IntOrString.fromNumber(tcp.port) }, periodSeconds: 10, failureThreshold: 60 } : undefined,
          readinessProbe: tcp ? { tcpSocket: { port: k8s.IntOrString.fromNumber(tcp.port) }, periodSeconds: 10 } : undefined,
          livenessProbe: tcp ? { tcpSocket: { port: k8s.IntOrString.fromNumber(tcp.port) }, periodSeconds: 30, failureThreshold: 4 } : undefined,
          securityContext: {
            allowPrivilegeEscalation: false,
            runAsNonRoot: game.runAsUser !== 0,
            capabilities: { drop: ['ALL'] },
            seccompProfile: { type: 'RuntimeDefault' },
          },
          volumeMounts: [{ name: 'world', mountPath: '/data' }],
        },
      ],
      volumes: [world.volume('world')],
    });
    const shared = sharesVip(spec, game);
    const vip = vips.get(VIP_KEYS.game(game.name));
    new LoadBalancerService(this, 'Service', {
      namespace: props.namespace,
      name: game.name,
      // announced only by the node the game is pinned to (charts/networking-chart.ts)
      labels: { [L2_ANNOUNCER_LABEL]: storageNode(spec).name },
      annotations: {
          [VIP_ANNOTATION]: vip,
          [VIP_KEY_ANNOTATION]: VIP_KEYS.game(game.name),
          ...(shared ? { 'metallb.io/allow-shared-ip': vip } : {}),
        },
      spec: {
        externalTrafficPolicy: shared ? 'Cluster' : 'Local',
        selector: workload.selector,
        ports: game.ports.map((p) => ({ name: p.name, port: p.port, targetPort: k8s.IntOrString.fromNumber(p.port), protocol: p.protocol })),
      },
    });
  }
}
