import { TEXTFILE_DIR } from '../conventions/node-paths';
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
 * Where each dataset's snapshot is mounted while restic reads it: one fixed path per dataset
 * (`<dir>/<pool>-<dataset>`). restic groups snapshots by host and path, and looks for a parent
 * snapshot with the same host and path: backing up `.zfs/snapshot/<name>` (a new path every
 * night) would give every snapshot a group of its own (`forget` never removes one) and no
 * parent (every file re-read).
 */
export const BACKUP_SOURCE_DIR = '/run/homelab-backup';

/** The fixed path a dataset's snapshot is backed up from. */
export function backupSourcePath(dataset: string): string {
  return `${BACKUP_SOURCE_DIR}/${dataset.replace(/\//g, '-')}`;
}

/**
 * The backup script for the storage node. For each dataset it backs up the newest ZFS
 * snapshot (sanoid takes them), so the copy is one consistent point in time: the snapshot is
 * bind-mounted at the dataset's fixed path (backupSourcePath), backed up with the snapshot's
 * creation time and name as tag, and the retention is applied per host and path. Works with
 * restic 0.14 (Debian 12) and 0.18 (Debian 13): `--time`, `--tag`, `--host`, `--group-by`.
 * Credentials come from a root-only environment file; none is in here. The file can be
 * sourced (the tests do) to run `backup` alone.
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
    '',
    '# backup DATASET MOUNTPOINT REPOSITORY: the newest snapshot of DATASET, from its fixed path.',
    'backup() {',
    '  local dataset="$1" mountpoint="$2" repository="$3" snapshot created source rc=0',
    '  # Called as `backup … || failed=1`, so errexit does not apply here: every step is checked.',
    '  snapshot="$(zfs list -H -t snapshot -o name -s creation "$dataset" | tail -n 1 | cut -d@ -f2)"',
    '  if [ -z "$snapshot" ]; then echo "no snapshot of $dataset yet" >&2; return 1; fi',
    '  created="$(zfs get -H -p -o value creation "$dataset@$snapshot")" || return 1',
    `  source="${BACKUP_SOURCE_DIR}/\${dataset//\\//-}"`,
    '  mkdir -p "$source" || return 1',
    '  if mountpoint -q "$source"; then umount "$source" || return 1; fi',
    '  mount --bind "$mountpoint/.zfs/snapshot/$snapshot" "$source" || { echo "cannot mount $dataset@$snapshot at $source" >&2; return 1; }',
    '  restic -r "$repository" cat config >/dev/null 2>&1 || restic -r "$repository" init || rc=1',
    `  if [ "$rc" = 0 ]; then restic -r "$repository" backup --host ${spec.name} --time "$(date -d "@$created" '+%Y-%m-%d %H:%M:%S')" --tag "$snapshot" "$source" || rc=1; fi`,
    '  umount "$source" || rc=1',
    `  if [ "$rc" = 0 ]; then restic -r "$repository" forget --host ${spec.name} --group-by host,paths ${keep} --prune || rc=1; fi`,
    '  return "$rc"',
    '}',
    '',
    'main() {',
    '  set -a',
    `  . ${plan.credentialsFile}`,
    '  set +a',
    '  local failed=0',
    ...plan.datasets.map((d) => `  backup ${d.dataset} ${d.mountpoint} ${d.repository} || failed=1`),
    '  if [ "$failed" = 0 ]; then',
    `    mkdir -p "$(dirname ${BACKUP_METRICS_FILE})"`,
    `    echo "homelab_backup_last_success_timestamp_seconds $(date +%s)" > ${BACKUP_METRICS_FILE}.tmp`,
    `    mv ${BACKUP_METRICS_FILE}.tmp ${BACKUP_METRICS_FILE}`,
    '  fi',
    '  return "$failed"',
    '}',
    '',
    'if [ "${BASH_SOURCE[0]}" = "$0" ]; then main; fi',
    '',
  ];
  return lines.join('\n');
}
