import { TEXTFILE_DIR } from '../observability/constants';
import { ClusterSpec } from '../spec/schema';
import { datasetMountpoint } from './data-volume';

/** Where the backup job records its last success, for node-exporter's textfile collector. */
export const BACKUP_METRICS_FILE = `${TEXTFILE_DIR}/homelab_backup.prom`;

export interface DatasetBackup {
  /** `pool/dataset`. */
  readonly dataset: string;
  readonly mountpoint: string;
  /** The restic repository of this dataset in the bucket. */
  readonly repository: string;
}

export interface BackupPlan {
  readonly schedule: string;
  readonly credentialsFile: string;
  readonly retention: { readonly daily: number; readonly weekly: number; readonly monthly: number };
  readonly datasets: readonly DatasetBackup[];
}

/** What the nightly backup does, from the spec; undefined when no backup is configured. */
export function backupPlan(spec: ClusterSpec): BackupPlan | undefined {
  const b = spec.storage.backup;
  if (!b) {
    return undefined;
  }
  return {
    schedule: b.schedule,
    credentialsFile: b.credentialsFile,
    retention: { ...b.retention },
    datasets: spec.storage.datasets
      .filter((d) => d.backup)
      .map((d) => ({
        dataset: `${d.pool}/${d.name}`,
        mountpoint: datasetMountpoint(spec, d.name),
        repository: `s3:https://${b.endpoint}/${b.bucket}/${spec.name}/${d.pool}-${d.name}`,
      })),
  };
}

/**
 * The backup script for the storage node. For each dataset it backs up the newest ZFS
 * snapshot (sanoid takes them), so the copy is one consistent point in time, then applies
 * the retention. Credentials come from a root-only environment file; none is in here.
 */
export function backupScript(spec: ClusterSpec): string {
  const plan = backupPlan(spec);
  if (!plan) {
    throw new Error('storage.backup is not configured');
  }
  const keep = `--keep-daily ${plan.retention.daily} --keep-weekly ${plan.retention.weekly} --keep-monthly ${plan.retention.monthly}`;
  const lines = [
    '#!/usr/bin/env bash',
    '# Nightly off-site backup of ZFS snapshots with restic (see cluster.yaml storage.backup).',
    'set -euo pipefail',
    'set -a',
    `. ${plan.credentialsFile}`,
    'set +a',
    'failed=0',
    'backup() {',
    '  local dataset="$1" mountpoint="$2" repository="$3" snapshot',
    '  snapshot="$(zfs list -H -t snapshot -o name -s creation "$dataset" | tail -n 1 | cut -d@ -f2)"',
    '  if [ -z "$snapshot" ]; then echo "no snapshot of $dataset yet" >&2; return 1; fi',
    '  restic -r "$repository" cat config >/dev/null 2>&1 || restic -r "$repository" init',
    `  restic -r "$repository" backup --host ${spec.name} --tag "$snapshot" "$mountpoint/.zfs/snapshot/$snapshot"`,
    `  restic -r "$repository" forget --host ${spec.name} ${keep} --prune`,
    '}',
    ...plan.datasets.map((d) => `backup ${d.dataset} ${d.mountpoint} ${d.repository} || failed=1`),
    'if [ "$failed" = 0 ]; then',
    `  mkdir -p "$(dirname ${BACKUP_METRICS_FILE})"`,
    `  echo "homelab_backup_last_success_timestamp_seconds $(date +%s)" > ${BACKUP_METRICS_FILE}.tmp`,
    `  mv ${BACKUP_METRICS_FILE}.tmp ${BACKUP_METRICS_FILE}`,
    'fi',
    'exit "$failed"',
    '',
  ];
  return lines.join('\n');
}
