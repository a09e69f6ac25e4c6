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
  .regex(DEVICE_PATH, { message: 'must be a stable device path under /dev/disk/by-id/ (or by-path, by-partuuid)' });

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
    name: z.string().regex(POOL_NAME, { message: 'must be a ZFS pool name (a-z, 0-9, "_", "-"; starting with a letter)' }),
    layout: z.enum(['single', 'mirror', 'raidz1', 'raidz2', 'raidz3']).describe('vdev layout of the data disks.'),
    disks: z.array(devicePath).min(1),
    ashift: z.number().int().min(9).max(16).default(12),
    nvme: nvmeSchema.optional().describe('SLOG/L2ARC on partitions of the NVMe boot drives.'),
  })
  .strict();

const datasetSchema = z
  .object({
    name: z.string().regex(DATASET_NAME, { message: 'must be a dataset name (a-z, 0-9, "_", "-"; starting with a letter)' }),
    pool: z.string().describe('The pool the dataset lives in.'),
    recordsize: z
      .string()
      .regex(RECORDSIZE, { message: 'must be a ZFS recordsize such as 16K, 128K or 1M' })
      .default('128K'),
    compression: z.enum(['off', 'lz4', 'zstd', 'gzip']).default('lz4'),
    quotaGiB: z.number().int().min(1).optional().describe('Hard quota; none when omitted.'),
    nfs: z.boolean().default(true).describe('Exported over NFS to the cluster.'),
    backup: z.boolean().default(true).describe('Backed up off-site (restic to B2).'),
  })
  .strict();

export const storageSchema = z
  .object({
    pools: z.array(poolSchema).min(1),
    datasets: z.array(datasetSchema).default([]),
  })
  .strict();
