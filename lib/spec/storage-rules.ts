import { ClusterSpec } from './schema';

/** The fewest data disks each vdev layout accepts. */
const MIN_DISKS: Record<string, number> = { single: 1, mirror: 2, raidz1: 3, raidz2: 4, raidz3: 5 };

/** Cross-field rules of the storage section: unique names and disks, references, layouts. */
export function storageProblems(spec: ClusterSpec): string[] {
  const { pools, datasets } = spec.storage;
  const problems: string[] = [];
  const poolNames = pools.map((p) => p.name);

  const seenPools = new Map<string, number>();
  pools.forEach((pool, i) => {
    if (seenPools.has(pool.name)) {
      problems.push(`storage.pools[${i}].name: "${pool.name}" is already used by storage.pools[${seenPools.get(pool.name)}]; it must be unique`);
    }
    seenPools.set(pool.name, i);
    const min = MIN_DISKS[pool.layout];
    if (pool.disks.length < min) {
      problems.push(`storage.pools[${i}].disks: ${pool.disks.length} disk(s) is too few for ${pool.layout}; it needs at least ${min}`);
    }
    if (pool.layout === 'single' && pool.disks.length > 1) {
      problems.push(`storage.pools[${i}].disks: layout single takes exactly one disk, not ${pool.disks.length}; use mirror or raidz`);
    }
  });

  const seenDevices = new Map<string, string>();
  pools.forEach((pool, i) => {
    const devices: [string, string][] = [
      ...pool.disks.map((d, j): [string, string] => [d, `storage.pools[${i}].disks[${j}]`]),
      ...(pool.nvme?.devices ?? []).map((d, j): [string, string] => [d, `storage.pools[${i}].nvme.devices[${j}]`]),
    ];
    for (const [device, path] of devices) {
      const owner = seenDevices.get(device);
      if (owner) {
        problems.push(`${path}: "${device}" is already used by ${owner}; a device belongs to one place`);
      } else {
        seenDevices.set(device, path);
      }
    }
  });

  const seenDatasets = new Map<string, number>();
  datasets.forEach((dataset, i) => {
    // Services, StorageClasses and backups name a dataset by its name alone.
    const first = seenDatasets.get(dataset.name);
    if (first !== undefined) {
      const other = datasets[first].pool === dataset.pool ? '' : ` (in pool ${datasets[first].pool})`;
      problems.push(
        `storage.datasets[${i}].name: "${dataset.name}" is already used by storage.datasets[${first}]${other}; services name datasets by name alone, so names must be unique across pools`,
      );
    } else {
      seenDatasets.set(dataset.name, i);
    }
    if (!poolNames.includes(dataset.pool)) {
      problems.push(`storage.datasets[${i}].pool: "${dataset.pool}" is not a pool; known pools: ${poolNames.join(', ')}`);
    }
  });
  return problems;
}
