import * as k8s from 'cdk8s-plus-33/lib/imports/k8s';
import { Construct } from 'constructs';
import { Plan, PlanSpec, PlanSpecWindowDays } from '../../imports/upgrade.cattle.io';
import { CONTROL_PLANE_TAINT, HOSTNAME_LABEL } from '../placement/placement';
import { ClusterSpec, NodeSpec } from '../spec/schema';
import { UPGRADE_JOB_SERVICE_ACCOUNT, UPGRADE_NAMESPACE } from './system-upgrade-controller';

/** The spec's day names as the Plan CRD spells them (the same three letters). */
const WINDOW_DAYS = {
  mon: PlanSpecWindowDays.MON,
  tue: PlanSpecWindowDays.TUE,
  wed: PlanSpecWindowDays.WED,
  thu: PlanSpecWindowDays.THU,
  fri: PlanSpecWindowDays.FRI,
  sat: PlanSpecWindowDays.SAT,
  sun: PlanSpecWindowDays.SUN,
} as const;

/** Replaces the k3s binary on a Debian node and restarts k3s; tagged with the k3s version. */
export const K3S_UPGRADE_IMAGE = 'docker.io/rancher/k3s-upgrade';
/** The k3OS fork's image: writes its kernel and root filesystem to the node and reboots it. */
export const K3OS_UPGRADE_IMAGE = 'ghcr.io/petercb/k3os';

/** An image tag for a version: the controller writes `+` as `-` (v1.33.11+k3s1 -> v1.33.11-k3s1). */
export function imageTagOf(version: string): string {
  return version.replace(/\+/g, '-');
}

/** One Plan: the nodes of one role that share an operating system, and how they are upgraded. */
export interface UpgradeGroup {
  readonly name: string;
  readonly role: NodeSpec['role'];
  readonly os: NodeSpec['os'];
  readonly nodes: readonly NodeSpec[];
  /** What the plan moves the nodes to: the k3s version, or the k3OS release that carries it. */
  readonly version: string;
}

/**
 * The upgrade groups of a cluster in the order they run: `k3s-server` or `k3os-server`,
 * then `k3s-agent` and `k3os-agent` for whichever agents exist. Every node is in exactly one.
 */
export function upgradeGroups(spec: ClusterSpec): UpgradeGroup[] {
  const groups: UpgradeGroup[] = [];
  for (const role of ['server', 'agent'] as const) {
    for (const os of ['debian', 'k3os'] as const) {
      const nodes = spec.nodes.filter((n) => n.role === role && n.os === os);
      if (nodes.length === 0) continue;
      const k3os = os === 'k3os';
      groups.push({
        name: `${k3os ? 'k3os' : 'k3s'}-${role}`,
        role,
        os,
        nodes,
        version: k3os ? spec.k3s.k3osRelease! : spec.k3s.version,
      });
    }
  }
  return groups;
}

/**
 * A worker plan's prepare step: wait until the plan before it has taken the new version and
 * finished, and the control plane reports the new k3s. The plans run in a chain (server,
 * then each worker plan), so one node is upgraded at a time and workers never run ahead of
 * the server. It exits non-zero after its timeouts; the Job retries it.
 */
export function waitForScript(previous: UpgradeGroup, k3sVersion: string): string {
  const plan = `/opt/k3s kubectl -n ${UPGRADE_NAMESPACE} wait plan/${previous.name}`;
  return [
    'set -eu',
    `${plan} --for='jsonpath={.status.latestVersion}=${imageTagOf(previous.version)}' --timeout=20m`,
    `${plan} --for=condition=Complete --timeout=60m`,
    `/opt/k3s kubectl wait node --selector=node-role.kubernetes.io/control-plane --for='jsonpath={.status.nodeInfo.kubeletVersion}=${k3sVersion}' --timeout=20m`,
    '',
  ].join('\n');
}

export interface UpgradePlansProps {
  readonly spec: ClusterSpec;
}

/**
 * system-upgrade-controller Plans that move every node to the spec's one k3s version (and
 * the k3OS release that carries it), one node at a time, the server first and then each
 * worker plan after the one before it (see waitForScript):
 * - Debian nodes swap the k3s binary and restart k3s; pods keep running, so the node is
 *   only cordoned;
 * - k3OS nodes reboot into the new release: workers are drained first so their pods move
 *   in an orderly way; the server (which runs only node agents) is cordoned.
 * Nodes are selected by name from the spec, so a node added to cluster.yaml is covered by
 * the next synth. `k3s.upgradeWindow`, when set, limits when a plan may start.
 */
export class UpgradePlans extends Construct {
  constructor(scope: Construct, id: string, props: UpgradePlansProps) {
    super(scope, id);
    const { spec } = props;
    const groups = upgradeGroups(spec);
    const window = spec.k3s.upgradeWindow
      ? {
          days: spec.k3s.upgradeWindow.days.map((d) => WINDOW_DAYS[d]),
          startTime: spec.k3s.upgradeWindow.startTime,
          endTime: spec.k3s.upgradeWindow.endTime,
          timeZone: spec.timezone,
        }
      : undefined;
    const planSpecs: PlanSpec[] = [];
    groups.forEach((group, i) => {
      const k3os = group.os === 'k3os';
      const agent = group.role === 'agent';
      const planSpec: PlanSpec = {
        version: group.version,
        concurrency: 1,
        serviceAccountName: UPGRADE_JOB_SERVICE_ACCOUNT,
        nodeSelector: {
          matchExpressions: [
            { key: HOSTNAME_LABEL, operator: 'In', values: group.nodes.map((n) => n.name) },
            // k3OS labels a node booted from live media; there is no installed system to upgrade.
            ...(k3os ? [{ key: 'k3os.io/mode', operator: 'NotIn', values: ['live'] }] : []),
          ],
        },
        tolerations: agent ? undefined : [{ key: CONTROL_PLANE_TAINT.key, operator: 'Exists', effect: CONTROL_PLANE_TAINT.effect }],
        window,
        // Workers include the wait for the server; beyond this the plan stops until it changes.
        jobActiveDeadlineSecs: agent ? 7200 : undefined,
        prepare: agent
          ? {
              image: `${K3S_UPGRADE_IMAGE}:${imageTagOf(spec.k3s.version)}`,
              command: ['sh', '-c'],
              args: [waitForScript(groups[i - 1], spec.k3s.version)],
            }
          : undefined,
        cordon: agent && k3os ? undefined : true,
        drain:
          agent && k3os
            ? { force: true, ignoreDaemonSets: true, deleteEmptydirData: true, skipWaitForDeleteTimeout: 60 }
            : undefined,
        upgrade: k3os
          ? {
              image: K3OS_UPGRADE_IMAGE,
              command: ['k3os', '--debug'],
              args: [
                'upgrade',
                '--kernel',
                '--rootfs',
                '--remount',
                '--sync',
                '--reboot',
                '--lock-file=/host/run/k3os/upgrade.lock',
                '--source=/k3os/system',
                '--destination=/host/k3os/system',
              ],
            }
          : { image: K3S_UPGRADE_IMAGE },
      };
      new Plan(this, group.name, {
        metadata: {
          name: group.name,
          namespace: UPGRADE_NAMESPACE,
          labels: { 'app.kubernetes.io/part-of': 'homelab', 'app.kubernetes.io/component': 'upgrades' },
        },
        spec: planSpec,
      });
      planSpecs.push(planSpec);
    });
    new UpgradeJobAccess(this, 'JobAccess', { plans: planSpecs });
  }
}

/**
 * The ServiceAccount the upgrade Jobs run as, with a token (the controller sets none on the
 * pod, so the account decides) and exactly the access their steps use:
 * - a worker plan's prepare step (`kubectl wait` on the plan before it and on the control
 *   plane's node): get, list, watch on Plans in this namespace and on nodes;
 * - cordon: get and patch nodes; drain also lists pods, reads the DaemonSets that own them,
 *   evicts pods and reads each until it is gone.
 * The upgrade step itself makes no request. The upgrade-access check proves this against a
 * model of the controller's pod template and kubectl's requests.
 */
class UpgradeJobAccess extends Construct {
  constructor(scope: Construct, id: string, props: { plans: readonly PlanSpec[] }) {
    super(scope, id);
    const prepares = props.plans.some((p) => p.prepare !== undefined);
    const drains = props.plans.some((p) => p.drain !== undefined);
    const cordons = drains || props.plans.some((p) => p.cordon === true);
    const name = `homelab:${UPGRADE_JOB_SERVICE_ACCOUNT}`;
    const subjects = [{ kind: 'ServiceAccount', name: UPGRADE_JOB_SERVICE_ACCOUNT, namespace: UPGRADE_NAMESPACE }];
    const rule = (apiGroups: string[], resources: string[], verbs: string[]): k8s.PolicyRule => ({ apiGroups, resources, verbs });
    new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name: UPGRADE_JOB_SERVICE_ACCOUNT, namespace: UPGRADE_NAMESPACE },
      automountServiceAccountToken: true,
    });
    const nodeVerbs = [...(cordons || prepares ? ['get'] : []), ...(prepares ? ['list', 'watch'] : []), ...(cordons ? ['patch'] : [])];
    const clusterRules = [
      ...(nodeVerbs.length > 0 ? [rule([''], ['nodes'], nodeVerbs)] : []),
      ...(drains
        ? [
            rule([''], ['pods'], ['get', 'list']),
            rule([''], ['pods/eviction'], ['create']),
            rule(['apps'], ['daemonsets'], ['get']),
          ]
        : []),
    ];
    if (clusterRules.length > 0) {
      new k8s.KubeClusterRole(this, 'ClusterRole', { metadata: { name }, rules: clusterRules });
      new k8s.KubeClusterRoleBinding(this, 'ClusterRoleBinding', {
        metadata: { name },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
        subjects,
      });
    }
    if (prepares) {
      new k8s.KubeRole(this, 'Role', {
        metadata: { name, namespace: UPGRADE_NAMESPACE },
        rules: [rule(['upgrade.cattle.io'], ['plans'], ['get', 'list', 'watch'])],
      });
      new k8s.KubeRoleBinding(this, 'RoleBinding', {
        metadata: { name, namespace: UPGRADE_NAMESPACE },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
        subjects,
      });
    }
  }
}
