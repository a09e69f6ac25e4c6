import * as k8s from 'cdk8s-plus-33/lib/imports/k8s';
import { Construct } from 'constructs';
import { HomelabWorkload } from '../k8s/homelab-workload';
import { Placement } from '../placement/placement';
import { RenderedObject } from '../output/rendered';
import { SYSTEM_UPGRADE_CONTROLLER } from '../upstream/charts';

/** Where the controller, its Plans and the upgrade Jobs live. */
export const UPGRADE_NAMESPACE = 'system-upgrade';
/** The identity of the controller. */
export const UPGRADE_SERVICE_ACCOUNT = 'system-upgrade';
/**
 * The identity of the upgrade Jobs' pods (the Plans' serviceAccountName): a token and only
 * what their steps use (lib/upgrades/upgrade-plans.ts, checked by the upgrade-access check).
 */
export const UPGRADE_JOB_SERVICE_ACCOUNT = 'system-upgrade-job';
export const UPGRADE_CONTROLLER_NAME = 'system-upgrade-controller';

export const UPGRADE_CONTROLLER_IMAGE = `docker.io/rancher/system-upgrade-controller:${SYSTEM_UPGRADE_CONTROLLER.tag}`;
/**
 * The image the Jobs cordon and drain nodes with. It runs on the node being upgraded, so it
 * must be published for every node architecture; keep it within one minor of the server.
 */
export const UPGRADE_KUBECTL_IMAGE = 'docker.io/rancher/kubectl:v1.33.13';
/** The environment variable that carries it. */
export const KUBECTL_IMAGE_ENV = 'SYSTEM_UPGRADE_JOB_KUBECTL_IMAGE';

/** The kubectl image the rendered controller gives its Jobs, if a controller is rendered. */
export function renderedKubectlImage(objects: readonly RenderedObject[]): string | undefined {
  return objects
    .filter((o) => o.manifest.kind === 'Deployment')
    .flatMap((o) => (o.manifest.spec?.template?.spec?.containers ?? []) as { env?: { name: string; value?: string }[] }[])
    .flatMap((c) => c.env ?? [])
    .find((e) => e.name === KUBECTL_IMAGE_ENV)?.value;
}

const rule = (apiGroups: string[], resources: string[], verbs: string[]): k8s.PolicyRule => ({ apiGroups, resources, verbs });
const READ = ['get', 'list', 'watch'];

/**
 * rancher/system-upgrade-controller: watches the Plans in its namespace and runs one
 * privileged Job per node that needs upgrading. One replica on any worker (the control plane
 * runs only node agents); when its worker is drained for an upgrade it moves to another and
 * carries on from the Plans' status. Leader election keeps a rollout's two pods from both acting.
 */
export class SystemUpgradeController extends Construct {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const metadata = (name: string): { name: string; namespace: string } => ({ name, namespace: UPGRADE_NAMESPACE });
    new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: metadata(UPGRADE_SERVICE_ACCOUNT),
      automountServiceAccountToken: false,
    });
    const subjects = [{ kind: 'ServiceAccount', name: UPGRADE_SERVICE_ACCOUNT, namespace: UPGRADE_NAMESPACE }];
    const bindCluster = (name: string, rules: k8s.PolicyRule[]): void => {
      new k8s.KubeClusterRole(this, `${name}-role`, { metadata: { name }, rules });
      new k8s.KubeClusterRoleBinding(this, `${name}-binding`, {
        metadata: { name },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
        subjects,
      });
    };
    // The controller: Plans and their status, the nodes it selects and labels, the Jobs it
    // watches, events, and its own CRD, which it registers at start.
    bindCluster('homelab:system-upgrade-controller', [
      rule(['upgrade.cattle.io'], ['plans', 'plans/status'], [...READ, 'create', 'patch', 'update', 'delete']),
      rule([''], ['nodes', 'namespaces'], READ),
      rule([''], ['nodes'], ['update']),
      rule(['batch'], ['jobs'], READ),
      rule([''], ['events'], ['get', 'create', 'patch', 'update']),
      rule(['apiextensions.k8s.io'], ['customresourcedefinitions'], [...READ, 'create', 'patch', 'update']),
    ]);
    new k8s.KubeRole(this, 'Role', {
      metadata: metadata('homelab:system-upgrade-controller'),
      rules: [
        rule(['batch'], ['jobs'], [...READ, 'create', 'delete', 'deletecollection', 'patch', 'update']),
        rule([''], ['secrets'], READ),
        rule(['coordination.k8s.io'], ['leases'], ['create']),
        { apiGroups: ['coordination.k8s.io'], resources: ['leases'], resourceNames: [UPGRADE_CONTROLLER_NAME], verbs: ['get', 'update'] },
      ],
    });
    new k8s.KubeRoleBinding(this, 'RoleBinding', {
      metadata: metadata('homelab:system-upgrade-controller'),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'homelab:system-upgrade-controller' },
      subjects,
    });

    const env: Record<string, string> = {
      SYSTEM_UPGRADE_CONTROLLER_NAME: UPGRADE_CONTROLLER_NAME,
      SYSTEM_UPGRADE_CONTROLLER_LEADER_ELECT: 'true',
      SYSTEM_UPGRADE_CONTROLLER_THREADS: '2',
      // A k3OS upgrade downloads an image and reboots a Pi: give a Job 30 minutes.
      SYSTEM_UPGRADE_JOB_ACTIVE_DEADLINE_SECONDS: '1800',
      SYSTEM_UPGRADE_JOB_BACKOFF_LIMIT: '99',
      SYSTEM_UPGRADE_JOB_IMAGE_PULL_POLICY: 'IfNotPresent',
      [KUBECTL_IMAGE_ENV]: UPGRADE_KUBECTL_IMAGE,
      SYSTEM_UPGRADE_JOB_PRIVILEGED: 'true',
      SYSTEM_UPGRADE_JOB_TTL_SECONDS_AFTER_FINISH: '900',
      SYSTEM_UPGRADE_PLAN_POLLING_INTERVAL: '15m',
    };
    new HomelabWorkload(this, 'Controller', {
      kind: 'Deployment',
      name: UPGRADE_CONTROLLER_NAME,
      namespace: UPGRADE_NAMESPACE,
      component: 'upgrades',
      placement: Placement.anywhere(),
      usesKubernetesApi: {
        reason: 'creates the upgrade Jobs from Plans and labels the nodes they finish on',
        serviceAccountName: UPGRADE_SERVICE_ACCOUNT,
      },
      podSecurityContext: { runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [
        {
          name: 'controller',
          image: UPGRADE_CONTROLLER_IMAGE,
          env: [
            ...Object.entries(env).map(([name, value]) => ({ name, value })),
            { name: 'SYSTEM_UPGRADE_CONTROLLER_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
            { name: 'SYSTEM_UPGRADE_CONTROLLER_NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
          ],
          resources: {
            requests: { cpu: k8s.Quantity.fromString('10m'), memory: k8s.Quantity.fromString('32Mi') },
            limits: { memory: k8s.Quantity.fromString('128Mi') },
          },
          volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
        },
      ],
      volumes: [{ name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('16Mi') } }],
    });
  }
}
