import * as k8s from 'cdk8s-plus-33/lib/imports/k8s';
import { UserError } from '../errors';
import { storageNode } from '../spec/nodes';
import { ClusterSpec } from '../spec/schema';
import { backupPlan } from './backup-plan';

/** restic, multi-arch, pinned. */
export const RESTIC_IMAGE = 'docker.io/restic/restic:0.19.1';

/**
 * A Job that restores one backup of a dataset into a new folder beside the live data
 * (`<mountpoint>/restore-<snapshot>`), never over it: you compare, then move what you need.
 * It runs on the storage node, where the dataset is, with the restore Secret's credentials.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function restoreJob(spec: ClusterSpec, datasetName: string, snapshot: string): any {
  const plan = backupPlan(spec);
  if (!plan) {
    throw new UserError('cannot render a restore Job: storage.backup is not configured in the spec');
  }
  const dataset = plan.datasets.find((d) => d.dataset.split('/')[1] === datasetName);
  if (!dataset) {
    const known = plan.datasets.map((d) => d.dataset.split('/')[1]).join(', ');
    throw new UserError(`--restore: "${datasetName}" is not a backed-up dataset; datasets with backup: true: ${known || '(none)'}`);
  }
  if (!/^(latest|[0-9a-f]{8,64})$/.test(snapshot)) {
    throw new UserError(`--snapshot: "${snapshot}" is not a restic snapshot ID (8 to 64 hex digits) or "latest"`);
  }
  const secret = spec.storage.backup!.restoreSecret;
  const env = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'RESTIC_PASSWORD'].map((key) => ({
    name: key,
    valueFrom: { secretKeyRef: { name: secret, key } },
  }));
  const name = `restore-${datasetName}-${snapshot}`.slice(0, 63).replace(/-$/, '');
  return k8s.KubeJob.manifest({
    metadata: {
      name,
      namespace: 'kube-system',
      labels: { 'app.kubernetes.io/name': 'restore', 'app.kubernetes.io/instance': name, 'app.kubernetes.io/part-of': 'homelab' },
    },
    spec: {
      backoffLimit: 0,
      ttlSecondsAfterFinished: 86400,
      template: {
        spec: {
          restartPolicy: 'Never',
          automountServiceAccountToken: false,
          affinity: {
            nodeAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: {
                nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [storageNode(spec).name] }] }],
              },
            },
          },
          containers: [
            {
              name: 'restic',
              image: RESTIC_IMAGE,
              args: ['-r', dataset.repository, 'restore', snapshot, '--target', `/restore/restore-${snapshot}`],
              env,
              resources: {
                requests: { cpu: k8s.Quantity.fromString('100m'), memory: k8s.Quantity.fromString('256Mi') },
                limits: { memory: k8s.Quantity.fromString('1Gi') },
              },
              securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'], add: ['CHOWN', 'FOWNER', 'DAC_OVERRIDE'] } },
              volumeMounts: [
                { name: 'target', mountPath: '/restore' },
                { name: 'cache', mountPath: '/root/.cache' },
              ],
            },
          ],
          volumes: [
            { name: 'target', hostPath: { path: dataset.mountpoint, type: 'Directory' } },
            { name: 'cache', emptyDir: {} },
          ],
        },
      },
    },
  });
}
