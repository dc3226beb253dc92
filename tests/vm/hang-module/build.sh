#!/bin/bash
# Build the watchdog-hang scenario's test module (kdump_snp_hang.c) for the
# guest kernel, in a chroot of the guest's base tree (an overlay: the
# cached base stays as it is) with the guest's own compiler and the
# kernel's headers from the Debian archive. The module is cached by kernel
# release and source hash. Two callers at once (make vm-images in the
# background of tests/run-tests, a scenario of make check-vm) build it once:
# the build holds $KDUMP_SNP_CACHE/hang-module/.lock, and a caller that
# waited for it finds the module cached.
#
# Usage: tests/vm/hang-module/build.sh BASE_ROOT KVER
#   prints the path of the cached kdump_snp_hang.ko on its last line
# shellcheck disable=SC2250,SC2292 # -o all style checks: this script uses $var and [ ] like the other VM scripts
# shellcheck disable=SC2312 # substitutions inside arguments fill messages; values that decide an outcome are tested where used
# shellcheck disable=SC2310 # vm_run_heartbeat and cached return their status explicitly
# shellcheck disable=SC2016 # the chroot's sh expands $1, not this script
set -euo pipefail

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/vm/lib.sh
. "$here/../lib.sh"

[ "$#" = 2 ] || vm_die "usage: $0 BASE_ROOT KVER"
base=$1
kver=$2
[ -d "$base/usr/lib/modules/$kver" ] || vm_die "$base has no kernel $kver"
[ "$(id -u)" = 0 ] || vm_die "building the test module needs root (overlay mount, chroot)"

hash=$(vm_sha256 "$here/kdump_snp_hang.c" "$here/Kbuild")
cache=$VM_CACHE/hang-module/$kver-$hash
cached() {
	[ -s "$cache/kdump_snp_hang.ko" ] || return 1
	vm_say "test module: cached $cache/kdump_snp_hang.ko"
	printf '%s\n' "$cache/kdump_snp_hang.ko"
}
if cached; then
	exit 0
fi
command -v flock >/dev/null 2>&1 || vm_apt_install util-linux
mkdir -p -- "$VM_CACHE/hang-module"
exec 9>"$VM_CACHE/hang-module/.lock"
if ! flock -n 9; then
	vm_say "test module: waiting for another build (lock $VM_CACHE/hang-module/.lock)"
	flock 9
fi
# built by the holder of the lock before us
if cached; then
	exit 0
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/hang-module.XXXXXX")
mounts=()
cleanup() {
	local i
	for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do
		umount "${mounts[i]}" 2>/dev/null || umount -l "${mounts[i]}" || true
	done
	# only once nothing is mounted below it
	if ! awk -v d="$work/" 'index($2 "/", d) == 1 { found = 1 } END { exit !found }' /proc/mounts; then
		rm -rf --one-file-system -- "$work"
	fi
}
trap cleanup EXIT
mkdir -p "$work/upper" "$work/ovl" "$work/root"
mount -t overlay overlay -o "lowerdir=$base,upperdir=$work/upper,workdir=$work/ovl" "$work/root"
mounts+=("$work/root")
root=$work/root
mount -t proc proc "$root/proc"
mounts+=("$root/proc")
mount -t tmpfs -o mode=0755,size=16m devtmp "$root/dev"
mounts+=("$root/dev")
mknod -m 0666 "$root/dev/null" c 1 3
mknod -m 0666 "$root/dev/zero" c 1 5
mknod -m 0666 "$root/dev/urandom" c 1 9
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
chmod 0755 "$root/usr/sbin/policy-rc.d"
cp -- /etc/resolv.conf "$root/etc/resolv.conf"
printf 'deb %s trixie main\n' "$(vm_host_mirror)" >"$root/etc/apt/sources.list"

t=$(vm_now)
vm_say "test module: apt: gcc make linux-headers-$kver in the guest's chroot"
vm_run_heartbeat apt "$work/apt.log" nice -n 19 chroot "$root" \
	sh -c 'apt-get update -q && apt-get install -y -q --no-install-recommends gcc make "linux-headers-$1"' \
	sh "$kver" || { tail -n 30 "$work/apt.log"; vm_die "installing the build tools in the chroot failed"; }
vm_say "test module: tools installed ($(vm_elapsed "$t")s)"

mkdir -p "$root/tmp/hang"
cp -- "$here/kdump_snp_hang.c" "$here/Kbuild" "$root/tmp/hang/"
t=$(vm_now)
nice -n 19 chroot "$root" make -C "/usr/src/linux-headers-$kver" M=/tmp/hang modules >"$work/make.log" 2>&1 ||
	{ cat -- "$work/make.log"; vm_die "building kdump_snp_hang.ko failed"; }
modinfo -F vermagic "$root/tmp/hang/kdump_snp_hang.ko" | grep -q "^$kver " ||
	vm_die "kdump_snp_hang.ko is not for $kver: $(modinfo -F vermagic "$root/tmp/hang/kdump_snp_hang.ko")"
mkdir -p "$cache"
cp -- "$root/tmp/hang/kdump_snp_hang.ko" "$cache/kdump_snp_hang.ko.tmp"
mv -f -- "$cache/kdump_snp_hang.ko.tmp" "$cache/kdump_snp_hang.ko"
vm_say "test module: built ($(vm_elapsed "$t")s)"
printf '%s\n' "$cache/kdump_snp_hang.ko"
