#!/usr/bin/env bash
# Converge test for the generated Ansible: a Debian bookworm root filesystem made with
# debootstrap, the playbook run against it twice over a chroot connection, for every task
# that can run without a kernel (tags zfs, service, kernel and download are skipped: they
# need ZFS, a running systemd, module loading or the internet beyond Debian's mirror).
# The second run must report no change. Needs root, debootstrap and ansible (for
# community.general.chroot). Usage: scripts/converge-test.sh [SPEC]
set -euo pipefail
cd "$(dirname "$0")/.."
spec="${1:-cluster.yaml}"
work="$(mktemp -d /var/tmp/homelab-converge.XXXXXX)"
rootfs="$work/rootfs"
cleanup() {
  for m in proc sys dev/pts dev; do umount "$rootfs/$m" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

node --import tsx main.ts --spec "$spec" --out "$work/out" >/dev/null
echo "converge: debootstrap bookworm into $rootfs"
debootstrap --variant=minbase --include=python3,python3-apt,ca-certificates,sudo,systemd bookworm "$rootfs" http://deb.debian.org/debian >"$work/debootstrap.log" 2>&1 \
  || { tail -n 20 "$work/debootstrap.log"; exit 1; }
# No service may start inside the chroot.
printf '#!/bin/sh\nexit 101\n' >"$rootfs/usr/sbin/policy-rc.d"
chmod 0755 "$rootfs/usr/sbin/policy-rc.d"
mount -t proc proc "$rootfs/proc"

storage="$(node -e "const y=require('yaml');const i=y.parse(require('fs').readFileSync('$work/out/host-provisioning/ansible/inventory.yml','utf8'));console.log(Object.keys(i.all.children.storage.hosts)[0])")"
run() {
  ANSIBLE_HOST_KEY_CHECKING=false ANSIBLE_NOCOLOR=1 ansible-playbook \
    -i "$work/out/host-provisioning/ansible/inventory.yml" "$work/out/host-provisioning/ansible/site.yml" \
    --limit "$storage" --skip-tags zfs,service,kernel,download \
    -e ansible_connection=community.general.chroot -e "ansible_host=$rootfs" -e ansible_become=false \
    -e homelab_k3s_token=converge-test-token -e "homelab_restic_env=RESTIC_PASSWORD=converge-test"
}
echo "converge: first run"
run >"$work/first.log" 2>&1 || { tail -n 40 "$work/first.log"; exit 1; }
grep -A3 'PLAY RECAP' "$work/first.log"
echo "converge: second run"
run >"$work/second.log" 2>&1 || { tail -n 40 "$work/second.log"; exit 1; }
recap="$(grep -A3 'PLAY RECAP' "$work/second.log")"
echo "$recap"
if ! echo "$recap" | grep -q 'changed=0 .*failed=0'; then
  echo "converge: the second run changed something:" >&2
  grep -B2 '^changed:' "$work/second.log" >&2 || true
  exit 1
fi
host_health_checks() {
  # The host-health roles' units, checked by systemd against the converged root (the SMART
  # exporter's binary is a download, skipped here, so its unit is verified in the jest tests).
  local verify
  verify="$(systemd-analyze verify --root="$rootfs" homelab-zfs-metrics.timer homelab-zfs-metrics.service 2>&1)" \
    || { echo "converge: systemd-analyze verify failed: $verify" >&2; return 1; }
  [ -z "$verify" ] || { echo "converge: systemd-analyze verify: $verify" >&2; return 1; }
  local dropin="$work/out/host-provisioning/ansible/roles/watchdog/files/watchdog-$storage.conf"
  if [ -f "$dropin" ]; then
    cmp "$dropin" "$rootfs/etc/systemd/system.conf.d/60-homelab-watchdog.conf" \
      || { echo "converge: the watchdog drop-in was not installed as rendered" >&2; return 1; }
    chroot "$rootfs" systemd-analyze cat-config systemd/system.conf | grep -q '^WatchdogDevice=/dev/watchdog$' \
      || { echo "converge: systemd does not read the watchdog drop-in" >&2; return 1; }
    verify="$(systemd-analyze verify --root="$rootfs" homelab-watchdog-metrics.timer homelab-watchdog-metrics.service 2>&1)" \
      || { echo "converge: systemd-analyze verify failed: $verify" >&2; return 1; }
    [ -z "$verify" ] || { echo "converge: systemd-analyze verify: $verify" >&2; return 1; }
  fi
  echo "converge: host-health units verify, watchdog drop-in in place"
}
host_health_checks
echo "converge: ok, the second run changed nothing"
