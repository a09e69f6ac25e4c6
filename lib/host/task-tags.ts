/*
 * Tags on the Ansible tasks that cannot run in the converge test's chroot (a debootstrap root
 * with no kernel of its own, no disks, no running systemd, and only Debian's mirror to reach),
 * each with the reason. scripts/converge-test.sh skips exactly these and lists every skipped
 * task with its reason; everything else runs there, twice.
 */
export const CHROOT_SKIPPED_TAGS = {
  disk: 'needs the pool disks and the loaded ZFS module (partitions, pool, datasets)',
  'zfs-module': 'builds the ZFS kernel module with DKMS for a kernel the chroot does not boot (minutes of compiling, nothing to load it into)',
  kernel: 'loads kernel modules or applies sysctls to the running kernel, which is the test machine\'s',
  service: 'starts services: no systemd runs in the chroot',
  download: 'downloads k3s from GitHub; the converge test reaches only Debian\'s mirror',
} as const;

export type ChrootSkippedTag = keyof typeof CHROOT_SKIPPED_TAGS;
