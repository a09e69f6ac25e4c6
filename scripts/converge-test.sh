#!/usr/bin/env bash
# Converge test for the generated Ansible: a debootstrap root filesystem of the storage
# node's Debian release (inventory debian_release), the playbook run against it twice over a
# chroot connection. Every task runs except those tagged as needing a real kernel, disks, a
# running systemd or the internet beyond Debian's mirror (lib/host/task-tags.ts); each skipped
# task is listed with its reason. The second run must report no change.
# Needs root, debootstrap and ansible (community.general.chroot).
# Usage: scripts/converge-test.sh [SPEC]   (CI runs it for cluster.yaml and a bookworm fixture)
set -euo pipefail
cd "$(dirname "$0")/.."
spec="${1:-cluster.yaml}"
work="$(mktemp -d /var/tmp/homelab-converge.XXXXXX)"
rootfs="$work/rootfs"
cleanup() {
  for m in proc; do umount "$rootfs/$m" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

node --import tsx main.ts --spec "$spec" --out "$work/out" >/dev/null
inventory="$work/out/host-provisioning/ansible/inventory.yml"
read -r storage release < <(node -e "
const y = require('yaml');
const i = y.parse(require('fs').readFileSync('$inventory', 'utf8'));
const host = Object.keys(i.all.children.storage.hosts)[0];
console.log(host, i.all.children.debian.hosts[host].debian_release);
")
# The tags to skip and why, from the one list the roles are tagged with.
mapfile -t skipped < <(node --import tsx -e "
const { CHROOT_SKIPPED_TAGS } = require('./lib/host/task-tags.ts');
for (const [tag, why] of Object.entries(CHROOT_SKIPPED_TAGS)) console.log(tag + '\t' + why);
")
skip_tags="$(printf '%s\n' "${skipped[@]}" | cut -f1 | paste -sd, -)"

echo "converge: $spec, storage node $storage on Debian $release: debootstrap into $rootfs"
debootstrap --variant=minbase --include=python3,python3-apt,ca-certificates,sudo,systemd "$release" "$rootfs" http://deb.debian.org/debian >"$work/debootstrap.log" 2>&1 \
  || { tail -n 20 "$work/debootstrap.log"; exit 1; }
# No service may start inside the chroot.
printf '#!/bin/sh\nexit 101\n' >"$rootfs/usr/sbin/policy-rc.d"
chmod 0755 "$rootfs/usr/sbin/policy-rc.d"
mount -t proc proc "$rootfs/proc"

playbook() {
  ANSIBLE_HOST_KEY_CHECKING=false ANSIBLE_NOCOLOR=1 ansible-playbook \
    -i "$inventory" "$work/out/host-provisioning/ansible/site.yml" --limit "$storage" "$@" \
    -e ansible_connection=community.general.chroot -e "ansible_host=$rootfs" -e ansible_become=false \
    -e homelab_k3s_token=converge-test-token -e "homelab_restic_env=RESTIC_PASSWORD=converge-test"
}

echo "converge: skipped tasks (they need what a chroot does not have):"
for line in "${skipped[@]}"; do
  tag="${line%%$'\t'*}"
  why="${line#*$'\t'}"
  playbook --list-tasks --tags "$tag" 2>/dev/null | grep -E '^ {6}\S' | sed -E 's/^ +//; s/\s+TAGS: .*$//' | while read -r task; do
    echo "  - [$tag] $task: $why"
  done
done

echo "converge: first run"
playbook --skip-tags "$skip_tags" >"$work/first.log" 2>&1 || { tail -n 40 "$work/first.log"; exit 1; }
grep -A3 'PLAY RECAP' "$work/first.log"
ran="$(grep -cE '^(ok|changed): ' "$work/first.log" || true)"
echo "converge: $ran task results in the first run"
echo "converge: second run"
playbook --skip-tags "$skip_tags" >"$work/second.log" 2>&1 || { tail -n 40 "$work/second.log"; exit 1; }
recap="$(grep -A3 'PLAY RECAP' "$work/second.log")"
echo "$recap"
if ! echo "$recap" | grep -q 'changed=0 .*failed=0'; then
  echo "converge: the second run changed something:" >&2
  grep -B2 '^changed:' "$work/second.log" >&2 || true
  exit 1
fi
host_health_checks() {
  # The host-health roles' units, checked by the release's own systemd inside the converged root
  # (the host's older systemd does not know the release's unit keys; the SMART
  # exporter's binary is a download, skipped here, so its unit is verified in the jest tests).
  local verify
  verify="$(chroot "$rootfs" systemd-analyze verify /etc/systemd/system/homelab-zfs-metrics.timer /etc/systemd/system/homelab-zfs-metrics.service 2>&1)" \
    || { echo "converge: systemd-analyze verify failed: $verify" >&2; return 1; }
  [ -z "$verify" ] || { echo "converge: systemd-analyze verify: $verify" >&2; return 1; }
  local dropin="$work/out/host-provisioning/ansible/roles/watchdog/files/watchdog-$storage.conf"
  if [ -f "$dropin" ]; then
    cmp "$dropin" "$rootfs/etc/systemd/system.conf.d/60-homelab-watchdog.conf" \
      || { echo "converge: the watchdog drop-in was not installed as rendered" >&2; return 1; }
    chroot "$rootfs" systemd-analyze cat-config systemd/system.conf | grep -q '^WatchdogDevice=/dev/watchdog$' \
      || { echo "converge: systemd does not read the watchdog drop-in" >&2; return 1; }
    verify="$(chroot "$rootfs" systemd-analyze verify /etc/systemd/system/homelab-watchdog-metrics.timer /etc/systemd/system/homelab-watchdog-metrics.service 2>&1)" \
      || { echo "converge: systemd-analyze verify failed: $verify" >&2; return 1; }
    [ -z "$verify" ] || { echo "converge: systemd-analyze verify: $verify" >&2; return 1; }
  fi
  echo "converge: host-health units verify, watchdog drop-in in place"
}
host_health_checks
# The restic this release ships knows every flag the generated backup script passes it.
backup_script="$work/out/host-provisioning/ansible/roles/storage/files/homelab-backup"
if [ -f "$backup_script" ]; then
  grep -oE 'restic -r "\$repository" [a-z]+[^;|&]*' "$backup_script" | while read -r line; do
    cmd="$(echo "$line" | awk '{print $4}')"
    for flag in $(echo "$line" | grep -oE -- '--[a-z-]+'); do
      if ! chroot "$rootfs" restic "$cmd" --help 2>&1 | grep -qE -- "(^|[ ,])$flag([ =]|$)"; then
        echo "converge: restic $(chroot "$rootfs" restic version | awk '{print $2}') of Debian $release has no $cmd $flag, which homelab-backup uses" >&2
        exit 1
      fi
    done
    echo "converge: restic $cmd accepts $(echo "$line" | grep -oE -- '--[a-z-]+' | paste -sd' ' -)"
  done
fi
# What the roles installed is there, at the versions the release facts say.
# The release facts (lib/host/node-os.ts) name the versions the scripts were checked against.
node --import tsx -e "
const { DEBIAN_RELEASES } = require('./lib/host/node-os.ts');
const r = DEBIAN_RELEASES['$release'];
console.log('restic ' + r.restic + '\nsanoid ' + r.sanoid + '\nzfsutils-linux ' + r.zfs.version);
" | while read -r pkg expected; do
  if ! actual="$(chroot "$rootfs" dpkg-query -W -f '${Version}' "$pkg" 2>/dev/null)"; then
    echo "converge: $pkg is not installed for this cluster (nothing uses it); not compared"
    continue
  fi
  case "$actual" in
    "$expected"*) echo "converge: Debian $release ships $pkg $actual, as lib/host/node-os.ts says ($expected)" ;;
    *) echo "converge: Debian $release ships $pkg $actual, but lib/host/node-os.ts says $expected" >&2; exit 1 ;;
  esac
done
echo "converge: ok, Debian $release, the second run changed nothing"
