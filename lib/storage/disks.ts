import { ClusterSpec } from '../spec/schema';

/*
 * The disks the storage node's pools are built from, as cluster.yaml names them, and how
 * the SMART exporter labels each (docs/decisions/0083-disk-health.md).
 */

/** The release of prometheus-community/smartctl_exporter (GitHub tag without the v; Renovate updates it). */
const SMARTCTL_EXPORTER_VERSION = '0.14.0';

/** The SMART exporter on the storage node: prometheus-community/smartctl_exporter, a host service. */
export const SMARTCTL_EXPORTER = {
  version: SMARTCTL_EXPORTER_VERSION,
  port: 9633,
  /** Where Ansible unpacks the release (one folder per version, so an upgrade is a new folder). */
  dir: `/opt/smartctl_exporter-${SMARTCTL_EXPORTER_VERSION}`,
  /** The smartctl it runs: the distribution's, with the self-test log added (see the decision). */
  smartctl: '/usr/local/sbin/homelab-smartctl',
} as const;

/** Temperatures (°C) smartd warns at and the alerts fire at, by kind of drive. */
export const DISK_TEMPERATURE_CELSIUS = {
  data: { warning: 45, critical: 55 },
  nvme: { warning: 65, critical: 75 },
} as const;

export interface PoolDisk {
  /** The path in cluster.yaml, e.g. /dev/disk/by-id/ata-WDC_…. */
  readonly path: string;
  readonly pool: string;
  /** `data` for a vdev member, `nvme` for a drive holding SLOG/L2ARC partitions. */
  readonly role: 'data' | 'nvme';
  /** The `device` label smartctl_exporter gives it. */
  readonly exporterLabel: string;
}

/**
 * The `device` label smartctl_exporter v0.14.0 derives from a device path (smartctl.go,
 * buildDeviceLabel): /dev/disk/by-id/ or /dev/disk/by-path/ or /dev/ stripped, the rest's "/" as "_".
 */
export function smartctlExporterLabel(path: string): string {
  return path.replace(/^\/dev\/(?:disk\/by-id\/|disk\/by-path\/|)/, '').replace(/\//g, '_');
}

/** Every disk of every pool and every NVMe drive, in cluster.yaml order, each once. */
export function poolDisks(spec: ClusterSpec): PoolDisk[] {
  const disks: PoolDisk[] = [];
  for (const pool of spec.storage.pools) {
    for (const path of pool.disks) disks.push({ path, pool: pool.name, role: 'data', exporterLabel: smartctlExporterLabel(path) });
    for (const path of pool.nvme?.devices ?? []) disks.push({ path, pool: pool.name, role: 'nvme', exporterLabel: smartctlExporterLabel(path) });
  }
  return disks;
}
