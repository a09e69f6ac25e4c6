import { z } from 'zod';

/*
 * The storage section of cluster.yaml: ZFS pools on the storage node and the datasets in
 * them. One declaration feeds the Ansible that creates pools and datasets and the
 * StorageClasses/PVs/backups in dist/.
 */

const POOL_NAME = /^[a-z][a-z0-9_-]*$/;
const DATASET_NAME = /^[a-z][a-z0-9_-]*$/;
/** A stable device path; /dev/sdX names move between boots and would let a pool import the wrong disk. */
const DEVICE_PATH = /^\/dev\/disk\/by-(id|path|partuuid)\/\S+$/;
const RECORDSIZE = /^(512|[1-9][0-9]*[KM])$/;

const devicePath = z
  .string()
  .regex(DEVICE_PATH, { error: 'must be a stable device path under /dev/disk/by-id/ (or by-path, by-partuuid)' });

const nvmeSchema = z
  .object({
    devices: z
      .array(devicePath)
      .min(1)
      .max(2)
      .describe('The NVMe boot drives whose free space holds SLOG and L2ARC partitions.'),
    slogGiB: z.number().int().min(1).default(16).describe('Size of the SLOG partition on each drive (mirrored).'),
    l2arcGiB: z.number().int().min(0).default(0).describe('Size of the L2ARC partition on each drive (striped); 0 for none.'),
  })
  .strict();

const poolSchema = z
  .object({
    name: z.string().regex(POOL_NAME, { error: 'must be a ZFS pool name (a-z, 0-9, "_", "-"; starting with a letter)' }),
    layout: z.enum(['single', 'mirror', 'raidz1', 'raidz2', 'raidz3']).describe('vdev layout of the data disks.'),
    disks: z.array(devicePath).min(1),
    ashift: z.number().int().min(9).max(16).default(12),
    nvme: nvmeSchema.optional().describe('SLOG/L2ARC on partitions of the NVMe boot drives.'),
  })
  .strict();

const datasetSchema = z
  .object({
    name: z.string().regex(DATASET_NAME, { error: 'must be a dataset name (a-z, 0-9, "_", "-"; starting with a letter)' }),
    pool: z.string().describe('The pool the dataset lives in.'),
    recordsize: z
      .string()
      .regex(RECORDSIZE, { error: 'must be a ZFS recordsize such as 16K, 128K or 1M' })
      .default('128K'),
    compression: z.enum(['off', 'lz4', 'zstd', 'gzip']).default('lz4'),
    quotaGiB: z.number().int().min(1).optional().describe('Hard quota; none when omitted.'),
    nfs: z.boolean().default(true).describe('Exported over NFS to the cluster.'),
    backup: z.boolean().default(true).describe('Backed up off-site (restic to B2).'),
  })
  .strict();

const CRON = /^(\S+\s+){4}\S+$/;

const backupSchema = z
  .object({
    bucket: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{4,48}[a-z0-9]$/, { error: 'must be a Backblaze B2 bucket name (6-50 of a-z, 0-9, "-")' }),
    endpoint: z
      .string()
      .regex(/^s3\.[a-z0-9-]+\.backblazeb2\.com$/, { error: 'must be a B2 S3 endpoint such as s3.us-west-004.backblazeb2.com' })
      .describe("The bucket's S3-compatible endpoint (shown in the B2 console)."),
    schedule: z
      .string()
      .regex(CRON, { error: 'must be a cron expression with 5 fields, e.g. "30 3 * * *"' })
      .default('30 3 * * *')
      .describe('When the nightly backup starts (host time zone).'),
    retention: z
      .object({
        daily: z.number().int().min(1).default(7),
        weekly: z.number().int().min(0).default(4),
        monthly: z.number().int().min(0).default(12),
      })
      .strict()
      .default({ daily: 7, weekly: 4, monthly: 12 }),
    credentialsFile: z
      .string()
      .regex(/^\/\S+$/, { error: 'must be an absolute path on the storage node' })
      .default('/etc/restic/b2.env')
      .describe('Root-only file on the storage node with AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, RESTIC_PASSWORD (from Ansible Vault).'),
    restoreSecret: z
      .string()
      .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { error: 'must be a Secret name (DNS label)' })
      .default('restic-b2')
      .describe('Secret in kube-system with the same three keys, for restore Jobs (npm run restore).'),
  })
  .strict();

export const storageSchema = z
  .object({
    pools: z.array(poolSchema).min(1),
    datasets: z.array(datasetSchema).default([]),
    backup: backupSchema.optional().describe('Off-site backups of datasets with backup: true, with restic to Backblaze B2.'),
  })
  .strict();
