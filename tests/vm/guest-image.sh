#!/bin/bash
# shellcheck disable=SC2016 # dpkg-query formats are single-quoted on purpose
# Build the Debian 13 (trixie) guest disk for the VM tests, in one of two
# flavours: ours (kdump-snp, with dracut) or the stock peer (Debian's
# kdump-tools, with initramfs-tools).
#
# Usage: tests/vm/guest-image.sh [--flavour kdump-snp|kdump-tools]
#            [--pkg-deb FILE] [--pkg-destdir DIR] [--out DIR] [--overlay DIR]
#            [--var-disk FILE] [--add-package PKG] [--rebuild-base]
#        tests/vm/guest-image.sh --base-only [--flavour F] [--add-package PKG]
#            [--rebuild-base]
#
#   --flavour F        kdump-snp (default): our package on a dracut guest;
#                      kdump-tools: Debian's kdump-tools, kexec-tools,
#                      makedumpfile and initramfs-tools instead
#   --pkg-deb FILE     our Debian package (make deb), installed with dpkg in
#                      the run layer's chroot as apt would (maintainer
#                      scripts, conffiles, kdump.service enabled), before
#                      --pkg-destdir (kdump-snp only). May be given more
#                      than once (the crash kernel package beside ours):
#                      one `dpkg -i` installs them all
#   --pkg-destdir DIR  the tree of `make install DESTDIR=DIR` (configured with
#                      --prefix=/usr --sysconfdir=/etc), layered into the
#                      image; kdump.service is enabled (kdump-snp only)
#   --out DIR          where the disk and guest.env go
#                      (default $KDUMP_SNP_CACHE/guest/run)
#   --overlay DIR      a tree copied over the run layer last (either flavour)
#   --add-package PKG  kdump-tools only: one more Debian package in its base
#                      (may be given more than once), which makes a base
#                      of its own, kdump-tools-extra-base-<hash>, cached
#                      and pruned apart from the plain one: make bench's
#                      nfs runs give kdump-tools the NFS client it needs
#                      for NFS= (nfs-common), which its package does not
#                      pull in and kdump-snp does not need
#   --var-disk FILE    /var on a second disk: FILE becomes an ext4 image
#                      (2 GiB sparse, label kdumpvar, UUID $VAR_UUID) of the
#                      run layer's /var, mounted by fstab; the root disk
#                      keeps its own /var below the mount point
#   --rebuild-base     build the flavour's base again even when it is cached
#   --base-only        build the flavour's base (and for kdump-tools the
#                      kdump-snp base it is made from) unless it is cached,
#                      under the same lock, and stop before the run layer:
#                      no disk, no guest.env; the last line printed is the
#                      base's folder (root/, vmlinuz, initrd.img, kver).
#                      For tests/vm/prefetch-images.sh (make vm-images)
#
# Layers:
#   base   (kdump-snp) debootstrap --variant=minbase of trixie plus systemd,
#          udev, dracut (not initramfs-tools), makedumpfile, e2fsprogs,
#          kmod, procps and linux-image-amd64 (6.12), configured (fstab by
#          UUID, hostname kdump-guest, empty root password, multi-user
#          target); the boot initramfs made by the guest's own dracut in the
#          chroot. Cached as a root tree in $KDUMP_SNP_CACHE/guest/base-<hash>/
#          with vmlinuz and initrd.img beside it, keyed by the package list
#          and BASE_VERSION. Needs root (debootstrap, chroot, mounts of
#          proc/sys/tmpfs inside the chroot while dracut runs) and the Debian
#          archive the host's apt uses.
#   base   (kdump-tools) a copy of the kdump-snp base (so the same suite,
#          kernel package version and configuration), in whose chroot apt
#          swaps dracut for initramfs-tools and installs kdump-tools with
#          kexec-tools and makedumpfile (kdump-tools' Recommends:
#          initramfs-tools-core, makedumpfile), USE_KDUMP=1 preseeded. The
#          boot initramfs comes from update-initramfs, the capture initramfs
#          (/var/lib/kdump/initrd.img-KVER) from kdump-tools' own kernel hook,
#          both run in the chroot (details in build_kdump_tools_base), with
#          the copy of /etc/kdump/sysctl.conf that a first `kdump-config
#          load` keeps, so that the guest's boot does not build it again.
#          Cached in
#          $KDUMP_SNP_CACHE/guest/kdump-tools-base-<hash>/, keyed by the
#          kdump-snp base's key and KT_BASE_VERSION; with --add-package,
#          the same made with those packages installed by the same apt
#          run, in kdump-tools-extra-base-<hash>/ (the packages in the key).
#   run    every run: a hard-linked copy of the flavour's base root, the
#          guest test files of tests/vm/guest/ and the --pkg-destdir tree
#          (kdump-snp) on top, then --overlay, made into an ext4 image with
#          `mkfs.ext4 -d` (no loop mount): OUT/disk.img, 3 GiB sparse, label
#          kdumproot, a fixed UUID.
#
# OUT/guest.env tells tests/vm/boot-guest.sh what to boot:
#   DISK= KERNEL= INITRD= ROOT_UUID= KVER=
#
# Environment: KDUMP_SNP_CACHE (default /var/cache/kdump-snp),
# KDUMP_SNP_GUEST_MIRROR (default: the host's apt mirror).

# shellcheck disable=SC2250,SC2292 # -o all style checks: this script uses $var and [ ] throughout
# shellcheck disable=SC2312 # pipelines run under pipefail; substitutions inside arguments fill messages and report text, and values that decide an outcome are tested where used
# shellcheck disable=SC2310 # the functions called in conditions (vm_run_heartbeat, kt_chroot) return their status explicitly, none relies on set -e inside
set -euo pipefail

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/vm/lib.sh
. "$here/lib.sh"

# Bump when the base layer is made differently (the key of the cache).
BASE_VERSION=1
SUITE=trixie
ROOT_UUID=6b1d9a4e-3c2f-4d8e-9a51-0c0ffee5d0a1
ROOT_LABEL=kdumproot
DISK_SIZE=3G
GUEST_HOSTNAME=kdump-guest
VAR_UUID=3c9e1b7a-52d4-4f0e-b6a8-7d1c2e3f4a5b
# debootstrap resolves only the first alternative of a dependency, so the
# kernel (linux-initramfs-tool: initramfs-tools | dracut) is installed
# afterwards with apt in the chroot, where dracut already provides it
# openssh-client: the ssh dump target's client (kdump-cycle.sh ssh-target);
# libmnl0: kdumpctl's rtnetlink library (a dependency of the package);
# dhcpcd-base: the DHCP client of KDUMP_NET=dhcp (kdump-cycle.sh ssh-dhcp)
BASE_PACKAGES=(systemd-sysv udev dracut zstd makedumpfile e2fsprogs kmod procps linux-base openssh-client libmnl0
	dhcpcd-base)
KERNEL_PACKAGES=(linux-image-amd64)
# the boot initramfs: generic (no host-only), with just what this machine
# needs to mount its root; `--drivers` keeps out the other drivers
DRACUT_DRIVERS=(virtio_pci virtio_blk ext4 crc32c_generic)
# an arbitrary but fixed id: journals stay readable across boots
MACHINE_ID=6b5f0d1e2a3c4b5d8e9f00112233aa01
# The kdump-tools flavour: bump when its base is made differently.
KT_BASE_VERSION=2
# what replaces dracut and our package (dracut conflicts with
# initramfs-tools; the trailing "-" removes a package)
KT_PACKAGES=(initramfs-tools kdump-tools kexec-tools makedumpfile dracut- dracut-core-)
# debconf answers: kdump enabled as `dpkg-reconfigure kdump-tools` would;
# kexec-tools' reboot-by-kexec left at Debian's default (off)
KT_DEBCONF='kdump-tools kdump-tools/use_kdump boolean true
kexec-tools kexec-tools/load_kexec boolean false'

flavour=kdump-snp
pkg_destdir=
pkg_debs=()
overlay=
var_disk=
out=$VM_GUEST_CACHE/run
out_opt=
rebuild_base=0
base_only=0
kt_extra=()
while [ "$#" -gt 0 ]; do
	case $1 in
	--flavour)
		[ "$#" -ge 2 ] || vm_die "--flavour needs kdump-snp or kdump-tools"
		flavour=$2
		shift 2
		;;
	--overlay)
		[ "$#" -ge 2 ] || vm_die "--overlay needs a folder"
		overlay=$2
		shift 2
		;;
	--add-package)
		[ "$#" -ge 2 ] || vm_die "--add-package needs a package name"
		case $2 in
		'' | *[!a-z0-9.+-]*) vm_die "--add-package $2: not a Debian package name" ;;
		*) kt_extra+=("$2") ;;
		esac
		shift 2
		;;
	--var-disk)
		[ "$#" -ge 2 ] || vm_die "--var-disk needs a file"
		var_disk=$2
		shift 2
		;;
	--pkg-deb)
		[ "$#" -ge 2 ] || vm_die "--pkg-deb needs a .deb file"
		pkg_debs+=("$2")
		shift 2
		;;
	--pkg-destdir)
		[ "$#" -ge 2 ] || vm_die "--pkg-destdir needs a folder"
		pkg_destdir=$2
		shift 2
		;;
	--out)
		[ "$#" -ge 2 ] || vm_die "--out needs a folder"
		out=$2
		out_opt=$2
		shift 2
		;;
	--rebuild-base)
		rebuild_base=1
		shift
		;;
	--base-only)
		base_only=1
		shift
		;;
	-h | --help)
		sed -n '3,/^$/s/^# \{0,1\}//p' "$0"
		exit 0
		;;
	*) vm_die "unknown argument '$1' (see --help)" ;;
	esac
done
if [ -n "$pkg_destdir" ]; then
	[ -d "$pkg_destdir" ] || vm_die "--pkg-destdir $pkg_destdir: no such folder"
	pkg_destdir=$(cd -- "$pkg_destdir" && pwd)
fi
case $flavour in
kdump-snp) [ "${#kt_extra[@]}" = 0 ] || vm_die "--add-package is for the kdump-tools flavour" ;;
kdump-tools)
	[ -z "$pkg_destdir" ] || vm_die "--pkg-destdir is for the kdump-snp flavour (the kdump-tools guest has Debian's tools)"
	[ "${#pkg_debs[@]}" = 0 ] || vm_die "--pkg-deb is for the kdump-snp flavour (the kdump-tools guest has Debian's tools)"
	;;
*) vm_die "--flavour $flavour: not kdump-snp or kdump-tools" ;;
esac
if [ "$base_only" = 1 ]; then
	for opt in "--pkg-deb:${pkg_debs[*]}" "--pkg-destdir:$pkg_destdir" "--overlay:$overlay" \
		"--var-disk:$var_disk" "--out:$out_opt"; do
		[ -z "${opt#*:}" ] || vm_die "--base-only builds no run layer: ${opt%%:*} is for the run layer"
	done
fi
for i in "${!pkg_debs[@]}"; do
	f=${pkg_debs[i]}
	[ -f "$f" ] || vm_die "--pkg-deb $f: no such file"
	pkg_debs[i]=$(cd -- "$(dirname -- "$f")" && pwd)/$(basename -- "$f")
done
if [ -n "$overlay" ]; then
	[ -d "$overlay" ] || vm_die "--overlay $overlay: no such folder"
	overlay=$(cd -- "$overlay" && pwd)
fi
[ "$(id -u)" = 0 ] || vm_die "building the guest image needs root (debootstrap, chroot)"

total_start=$(vm_now)

# ---- host tools ---------------------------------------------------------------

missing=()
command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
command -v mkfs.ext4 >/dev/null 2>&1 || missing+=(e2fsprogs)
command -v flock >/dev/null 2>&1 || missing+=(util-linux)
[ -r /usr/share/keyrings/debian-archive-keyring.gpg ] || missing+=(debian-archive-keyring)
[ "${#missing[@]}" = 0 ] || vm_apt_install "${missing[@]}"

mkdir -p -- "$VM_GUEST_CACHE"
[ "$base_only" = 1 ] || mkdir -p -- "$out"
# left by interrupted runs (never below a mount: see chroot_umount)
find "$VM_GUEST_CACHE" -maxdepth 1 -name '.base.*' -mmin +120 -exec rm -rf --one-file-system -- {} + 2>/dev/null || true

base_key=$(vm_sha256_str "v=$BASE_VERSION suite=$SUITE uuid=$ROOT_UUID pkgs=${BASE_PACKAGES[*]} kernel=${KERNEL_PACKAGES[*]} drivers=${DRACUT_DRIVERS[*]} format=$VM_LIB_FORMAT")
snp_base=$VM_GUEST_CACHE/base-$base_key
kt_key=$(vm_sha256_str "v=$KT_BASE_VERSION from=$base_key pkgs=${KT_PACKAGES[*]} debconf=$KT_DEBCONF")
kt_base=$VM_GUEST_CACHE/kdump-tools-base-$kt_key
kt_glob='kdump-tools-base-*'
if [ "${#kt_extra[@]}" -gt 0 ]; then
	# the plain base's key stays what it was, so that its cache holds
	kt_key=$(vm_sha256_str "v=$KT_BASE_VERSION from=$base_key pkgs=${KT_PACKAGES[*]} extra=${kt_extra[*]} debconf=$KT_DEBCONF")
	kt_base=$VM_GUEST_CACHE/kdump-tools-extra-base-$kt_key
	kt_glob='kdump-tools-extra-base-*'
fi
KT_PACKAGES+=(${kt_extra[@]+"${kt_extra[@]}"})

# ---- chroot mounts ------------------------------------------------------------

# The chroot gets its own proc, sysfs and a tmpfs /dev with a few nodes (no
# bind mount of the host's /dev, so that removing a tree can never reach
# the host's device nodes). Everything is unmounted on exit.
CHROOT_MOUNTS=()

chroot_mount() {
	local root=$1
	mount -t proc proc "$root/proc"
	CHROOT_MOUNTS+=("$root/proc")
	mount -t sysfs sysfs "$root/sys"
	CHROOT_MOUNTS+=("$root/sys")
	mount -t tmpfs -o mode=0755,size=16m devtmp "$root/dev"
	CHROOT_MOUNTS+=("$root/dev")
	mknod -m 0666 "$root/dev/null" c 1 3
	mknod -m 0666 "$root/dev/zero" c 1 5
	mknod -m 0666 "$root/dev/full" c 1 7
	mknod -m 0666 "$root/dev/random" c 1 8
	mknod -m 0666 "$root/dev/urandom" c 1 9
	mknod -m 0666 "$root/dev/tty" c 5 0
	mknod -m 0600 "$root/dev/console" c 5 1
	mkdir -p "$root/dev/pts" "$root/dev/shm"
	ln -s /proc/self/fd "$root/dev/fd"
	mount -t tmpfs -o mode=0755,size=64m runtmp "$root/run"
	CHROOT_MOUNTS+=("$root/run")
}

chroot_umount() {
	local i
	for ((i = ${#CHROOT_MOUNTS[@]} - 1; i >= 0; i--)); do
		umount "${CHROOT_MOUNTS[i]}" 2>/dev/null || umount -l "${CHROOT_MOUNTS[i]}" || true
	done
	CHROOT_MOUNTS=()
}

# remove_tree DIR: rm -rf that stays on DIR's filesystem and refuses a tree
# with anything still mounted below it
remove_tree() {
	local dir=$1
	[ -e "$dir" ] || return 0
	if awk -v d="$dir/" 'index($2 "/", d) == 1 { found = 1 } END { exit !found }' /proc/mounts; then
		vm_say "WARNING: $dir still has mounts; not removing it"
		return 0
	fi
	rm -rf --one-file-system -- "$dir"
}

WORK_DIRS=()
cleanup() {
	local d
	vm_heartbeat_kill
	chroot_umount
	for d in "${WORK_DIRS[@]}"; do
		remove_tree "$d"
	done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- base layer ---------------------------------------------------------------

build_base() {
	local tmp root mirror t kver
	mirror=$(vm_host_mirror)
	tmp=$(mktemp -d "$VM_GUEST_CACHE/.base.XXXXXX")
	WORK_DIRS+=("$tmp")
	root=$tmp/root
	vm_say "base: building $SUITE from $mirror into $tmp"
	vm_say "base: packages: ${BASE_PACKAGES[*]} + ${KERNEL_PACKAGES[*]}"

	t=$(vm_now)
	vm_say "base: debootstrap (takes minutes)"
	local include
	include=$(IFS=,; printf '%s' "${BASE_PACKAGES[*]}")
	vm_run_heartbeat debootstrap "$tmp/debootstrap.log" \
		nice -n 10 debootstrap --variant=minbase --components=main \
		--include="$include" "$SUITE" "$root" "$mirror" ||
		vm_die "debootstrap failed (log: $tmp/debootstrap.log; $root/debootstrap/debootstrap.log)"
	vm_say "base: debootstrap done ($(vm_elapsed "$t")s, $(du -sh --one-file-system -- "$root" | cut -f1))"

	vm_say "base: configuring"
	# services must not start in the chroot
	printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
	chmod 0755 "$root/usr/sbin/policy-rc.d"
	cp -- /etc/resolv.conf "$root/etc/resolv.conf"
	printf 'deb %s %s main\n' "$mirror" "$SUITE" >"$root/etc/apt/sources.list"
	printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n' \
		>"$root/etc/apt/apt.conf.d/90kdump-snp-guest"
	printf '%s\n' "$GUEST_HOSTNAME" >"$root/etc/hostname"
	printf '127.0.0.1\tlocalhost\n127.0.1.1\t%s\n::1\tlocalhost ip6-localhost ip6-loopback\n' \
		"$GUEST_HOSTNAME" >"$root/etc/hosts"
	printf '# <fs> <mount point> <type> <options> <dump> <pass>\nUUID=%s / ext4 defaults,errors=remount-ro 0 1\n' \
		"$ROOT_UUID" >"$root/etc/fstab"
	printf '%s\n' "$MACHINE_ID" >"$root/etc/machine-id"
	chroot "$root" passwd -d root >/dev/null
	ln -sf /usr/lib/systemd/system/multi-user.target "$root/etc/systemd/system/default.target"
	# the journal on disk: the host can read it after a run
	mkdir -p "$root/var/log/journal"

	chroot_mount "$root"

	t=$(vm_now)
	vm_say "base: installing ${KERNEL_PACKAGES[*]} in the chroot"
	# the kernel's postinst would run dracut with the defaults; we run it
	# ourselves below with the arguments this machine needs
	local hook=$root/etc/kernel/postinst.d/dracut
	[ ! -e "$hook" ] || chmod a-x "$hook"
	vm_run_heartbeat apt "$tmp/apt.log" nice -n 10 chroot "$root" \
		env DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 \
		sh -c 'apt-get update -q && apt-get install -y -q "$@" && apt-get clean' \
		sh "${KERNEL_PACKAGES[@]}" ||
		vm_die "installing ${KERNEL_PACKAGES[*]} in the chroot failed (log: $tmp/apt.log)"
	[ ! -e "$hook" ] || chmod a+x "$hook"
	if chroot "$root" dpkg-query -W -f='${Status}\n' initramfs-tools 2>/dev/null | grep 'ok installed' >/dev/null; then
		vm_die "initramfs-tools got into the image instead of dracut"
	fi
	kver=$(find "$root/usr/lib/modules" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | sort -V | tail -n1)
	if [ -z "$kver" ] || ! [ -e "$root/boot/vmlinuz-$kver" ]; then
		vm_die "no kernel in the chroot after installing it"
	fi
	vm_say "base: kernel $kver installed ($(vm_elapsed "$t")s)"

	t=$(vm_now)
	vm_say "base: dracut $(chroot "$root" dpkg-query -W -f='${Version}' dracut) in the chroot: boot initramfs for $kver"
	vm_run_heartbeat dracut "$tmp/dracut.log" nice -n 10 chroot "$root" \
		dracut --force --no-hostonly --no-hostonly-cmdline \
		--drivers "${DRACUT_DRIVERS[*]}" --kver "$kver" "/boot/initrd.img-$kver" ||
		vm_die "dracut in the chroot failed (log: $tmp/dracut.log)"
	vm_say "base: initramfs done ($(vm_elapsed "$t")s, $(du -h -- "$root/boot/initrd.img-$kver" | cut -f1))"

	base_finish "$tmp" "$kver" "$1"
}

# base_finish TMP KVER DEST: tidy the chroot TMP/root, put the kernel,
# initrd and package list beside it and move TMP to DEST, the cache entry
base_finish() {
	local tmp=$1 kver=$2 dest=$3 root=$1/root
	chroot_umount
	rm -f -- "$root/usr/sbin/policy-rc.d"
	: >"$root/etc/resolv.conf"
	rm -rf --one-file-system -- "$root/var/lib/apt/lists/"* "$root/var/cache/apt/"*.bin "$root/debootstrap"

	cp -- "$root/boot/vmlinuz-$kver" "$tmp/vmlinuz"
	install -m 0644 -- "$root/boot/initrd.img-$kver" "$tmp/initrd.img"
	chmod 0755 -- "$tmp"
	printf '%s\n' "$kver" >"$tmp/kver"
	chroot "$root" dpkg-query -W -f='${Package} ${Version}\n' >"$tmp/packages.txt"
	mkdir -p -- "$tmp/logs"
	mv -- "$tmp/"*.log "$tmp/logs/"
	remove_tree "$dest"
	mv -- "$tmp" "$dest"
	WORK_DIRS=()
	vm_say "base: cached as $dest ($(du -sh --one-file-system -- "$dest/root" | cut -f1))"
}

# kt_chroot LABEL LOG CMD...: run CMD in the chroot $root (the caller's)
# with apt's environment, under vm_run_heartbeat
kt_chroot() {
	local label=$1 log=$2
	shift 2
	vm_run_heartbeat "$label" "$log" nice -n 10 chroot "$root" \
		env DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 "$@"
}

# build_kdump_tools_base DEST: the kdump-tools flavour, from the kdump-snp
# base (see the header)
build_kdump_tools_base() {
	local dest=$1 tmp root mirror t kver stamp
	mirror=$(vm_host_mirror)
	kver=$(cat "$snp_base/kver")
	tmp=$(mktemp -d "$VM_GUEST_CACHE/.base.XXXXXX")
	WORK_DIRS+=("$tmp")
	root=$tmp/root
	t=$(vm_now)
	vm_say "base (kdump-tools): copying the kdump-snp base $snp_base"
	cp -a -- "$snp_base/root" "$root"
	vm_say "base (kdump-tools): copied ($(vm_elapsed "$t")s)"

	printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
	chmod 0755 "$root/usr/sbin/policy-rc.d"
	cp -- /etc/resolv.conf "$root/etc/resolv.conf"
	printf 'deb %s %s main\n' "$mirror" "$SUITE" >"$root/etc/apt/sources.list"
	chroot_mount "$root"

	t=$(vm_now)
	vm_say "base (kdump-tools): apt: ${KT_PACKAGES[*]}"
	printf '%s\n' "$KT_DEBCONF" >"$root/run/kdump-snp-debconf"
	stamp=$root/run/kdump-snp-stamp
	: >"$stamp"
	kt_chroot apt "$tmp/apt.log" sh -c \
		'debconf-set-selections /run/kdump-snp-debconf &&
		apt-get update -q && apt-get install -y -q "$@" &&
		apt-get autoremove --purge -y -q && apt-get clean' \
		sh "${KT_PACKAGES[@]}" ||
		vm_die "installing ${KT_PACKAGES[*]} in the chroot failed (log: $tmp/apt.log)"
	if chroot "$root" dpkg-query -W -f='${Status}\n' dracut 2>/dev/null | grep 'ok installed' >/dev/null; then
		vm_die "dracut is still in the kdump-tools image"
	fi
	if ! [ -e "$root/boot/vmlinuz-$kver" ] || ! [ -d "$root/usr/lib/modules/$kver" ]; then
		vm_die "kernel $kver of the kdump-snp base is gone from the kdump-tools image"
	fi
	vm_say "base (kdump-tools): installed kdump-tools $(chroot "$root" dpkg-query -W -f='${Version}' kdump-tools), kexec-tools $(chroot "$root" dpkg-query -W -f='${Version}' kexec-tools), initramfs-tools $(chroot "$root" dpkg-query -W -f='${Version}' initramfs-tools) ($(vm_elapsed "$t")s)"

	# USE_KDUMP=1 from the debconf answer; refuse to cache a disabled peer
	grep -x 'USE_KDUMP=1' "$root/etc/default/kdump-tools" >/dev/null ||
		vm_die "/etc/default/kdump-tools in the chroot does not say USE_KDUMP=1"

	# the boot initramfs: initramfs-tools' trigger may have made it already
	# while apt ran; otherwise (still dracut's) make it now
	t=$(vm_now)
	if [ -n "$(find "$root/boot/initrd.img-$kver" -newer "$stamp" 2>/dev/null)" ]; then
		vm_say "base (kdump-tools): boot initramfs made by initramfs-tools while apt ran"
	else
		kt_chroot update-initramfs "$tmp/update-initramfs.log" \
			update-initramfs -c -k "$kver" ||
			vm_die "update-initramfs in the chroot failed (log: $tmp/update-initramfs.log)"
		vm_say "base (kdump-tools): boot initramfs by update-initramfs ($(vm_elapsed "$t")s, $(du -h -- "$root/boot/initrd.img-$kver" | cut -f1))"
	fi

	# the capture initramfs: kdump-tools' kernel hook, as on a running
	# system, with two changes that only a chroot needs. The hook refuses
	# chroots through `ischroot`, hence the one here that says no. It turns
	# MODULES=most into MODULES=dep, which looks for the root device in
	# /proc/mounts and fails in a chroot; for the length of the hook
	# /etc/initramfs-tools says MODULES=list with the guest's disk and
	# root filesystem drivers (what dep finds on the running guest; the
	# list of our dracut boot image). The hook copies that configuration to
	# /var/lib/kdump/initramfs-tools; /etc/initramfs-tools is restored.
	t=$(vm_now)
	local itconf=$root/etc/initramfs-tools
	cp -- "$itconf/modules" "$tmp/initramfs-tools.modules"
	printf '# kdump-snp VM test image: the capture initramfs built in a chroot\nMODULES=list\n' \
		>"$itconf/conf.d/kdump-snp-chroot"
	printf '%s\n' "${DRACUT_DRIVERS[@]}" >>"$itconf/modules"
	mkdir -p -- "$root/run/kdump-snp-shim"
	printf '#!/bin/sh\n# not a chroot, as far as the kdump-tools hook is concerned\nexit 1\n' \
		>"$root/run/kdump-snp-shim/ischroot"
	chmod 0755 -- "$root/run/kdump-snp-shim/ischroot"
	kt_chroot kdump-initramfs "$tmp/kdump-initramfs.log" \
		env PATH=/run/kdump-snp-shim:/usr/sbin:/usr/bin:/sbin:/bin \
		sh -c '/etc/kernel/postinst.d/kdump-tools "$1" && kdump-config symlinks "$1"' sh "$kver" ||
		vm_die "kdump-tools' initramfs hook in the chroot failed (log: $tmp/kdump-initramfs.log)"
	rm -f -- "$itconf/conf.d/kdump-snp-chroot"
	cp -- "$tmp/initramfs-tools.modules" "$itconf/modules"
	rm -f -- "$tmp/initramfs-tools.modules"
	# `kdump-config load` rebuilds that initramfs when /etc/kdump/sysctl.conf
	# differs from the copy it keeps per kernel, which a first start lacks;
	# the copy that its first start would leave makes it keep the image
	cp -- "$root/etc/kdump/sysctl.conf" "$root/var/lib/kdump/latest_sysctls-$kver"
	[ -s "$root/var/lib/kdump/initrd.img-$kver" ] ||
		vm_die "kdump-tools' hook made no /var/lib/kdump/initrd.img-$kver (log: $tmp/kdump-initramfs.log)"
	vm_say "base (kdump-tools): capture initramfs /var/lib/kdump/initrd.img-$kver by kdump-tools' hook ($(vm_elapsed "$t")s, $(du -h -- "$root/var/lib/kdump/initrd.img-$kver" | cut -f1))"
	base_finish "$tmp" "$kver" "$dest"
}

# prune_bases GLOB: keep the two newest cached bases whose names match GLOB
prune_bases() {
	local old
	while IFS= read -r old; do
		remove_tree "$VM_GUEST_CACHE/$old"
	done < <(find "$VM_GUEST_CACHE" -maxdepth 1 -name "$1" -type d -printf '%T@ %f\n' |
		sort -rn | tail -n +3 | cut -d' ' -f2-)
}

exec 9>"$VM_GUEST_CACHE/.lock"
if ! flock -n 9; then
	vm_say "guest image: waiting for another build (lock $VM_GUEST_CACHE/.lock)"
	flock 9
fi
base_start=$(vm_now)
if { [ "$rebuild_base" = 1 ] && [ "$flavour" = kdump-snp ]; } || ! [ -s "$snp_base/kver" ]; then
	build_base "$snp_base"
	vm_say "base: built in $(vm_elapsed "$base_start")s"
else
	vm_say "base: cached ($snp_base)"
fi
touch -- "$snp_base"
prune_bases 'base-*'
base=$snp_base
if [ "$flavour" = kdump-tools ]; then
	base_start=$(vm_now)
	if [ "$rebuild_base" = 1 ] || ! [ -s "$kt_base/kver" ]; then
		build_kdump_tools_base "$kt_base"
		vm_say "base (kdump-tools): built in $(vm_elapsed "$base_start")s"
	else
		vm_say "base (kdump-tools): cached ($kt_base)"
	fi
	touch -- "$kt_base"
	prune_bases "$kt_glob"
	base=$kt_base
fi
touch -- "$base"
kver=$(cat "$base/kver")

if [ "$base_only" = 1 ]; then
	vm_say "guest base ($flavour) ready in $(vm_elapsed "$total_start")s (kernel $kver); --base-only: no run layer"
	printf '%s\n' "$base"
	exit 0
fi

# ---- run layer ----------------------------------------------------------------

# install_debs ROOT WORK DEB...: one dpkg -i of the DEBs in the chroot ROOT, a hard-linked
# copy of the base. dpkg replaces the files it writes (new file, rename),
# except its logs, which it appends to, and its lock files, which it
# opens for writing: those are copied first, so the cached base is never
# written to. Services do not start (policy-rc.d);
# ischroot in the chroot tells our postinst to leave crashkernel= alone.
install_debs() {
	local root=$1 work=$2 f t ours=0
	shift 2
	local -a in_root=()
	t=$(vm_now)
	vm_say "run: installing $(for f in "$@"; do basename -- "$f"; done | tr '\n' ' ')with dpkg"
	for f in var/log/dpkg.log var/log/alternatives.log var/lib/dpkg/lock var/lib/dpkg/lock-frontend \
		var/lib/dpkg/triggers/Lock; do
		if [ -f "$root/$f" ]; then
			cp -p -- "$root/$f" "$root/$f.new"
			mv -f -- "$root/$f.new" "$root/$f"
		fi
	done
	mkdir -p -- "$root/tmp/debs"
	for f in "$@"; do
		cp -- "$f" "$root/tmp/debs/"
		in_root+=("/tmp/debs/$(basename -- "$f")")
		[ "$(dpkg-deb -f "$f" Package)" != kdump-snp ] || ours=1
	done
	printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
	chmod 0755 "$root/usr/sbin/policy-rc.d"
	chroot_mount "$root"
	vm_run_heartbeat dpkg "$work/dpkg.log" chroot "$root" \
		env DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 dpkg -i "${in_root[@]}" ||
		{ cat -- "$work/dpkg.log"; vm_die "dpkg -i $* in the guest's chroot failed"; }
	chroot_umount
	rm -rf -- "$root/usr/sbin/policy-rc.d" "$root/tmp/debs"
	[ "$ours" = 0 ] || [ -L "$root/etc/systemd/system/multi-user.target.wants/kdump.service" ] ||
		vm_die "dpkg -i $* did not enable kdump.service"
	vm_say "run: dpkg -i done in $(vm_elapsed "$t")s"
}

t=$(vm_now)
layer=$(mktemp -d "$out/.layer.XXXXXX")
WORK_DIRS+=("$layer")
# hard links: cheap; every file added below replaces its link (tar unlinks
# before writing, ln -sf and install too), so the base is never written to
if ! cp -al -- "$base/root" "$layer/root" 2>/dev/null; then
	rm -rf --one-file-system -- "$layer/root"
	cp -a -- "$base/root" "$layer/root"
fi
root=$layer/root

# the guest test driver
install -D -m 0755 -- "$here/guest/kdump-snp-test.sh" "$root/usr/lib/kdump-snp-test/kdump-snp-test.sh.new"
mv -f -- "$root/usr/lib/kdump-snp-test/kdump-snp-test.sh.new" "$root/usr/lib/kdump-snp-test/kdump-snp-test.sh"
rm -f -- "$root/etc/systemd/system/kdump-snp-test.service"
install -m 0644 -- "$here/guest/kdump-snp-test.service" "$root/etc/systemd/system/kdump-snp-test.service"
mkdir -p -- "$root/etc/systemd/system/multi-user.target.wants"
ln -sf /etc/systemd/system/kdump-snp-test.service \
	"$root/etc/systemd/system/multi-user.target.wants/kdump-snp-test.service"

[ "${#pkg_debs[@]}" = 0 ] || install_debs "$root" "$layer" "${pkg_debs[@]}"

if [ -n "$pkg_destdir" ]; then
	vm_say "run: adding $pkg_destdir"
	# --keep-directory-symlink: the guest's /lib, /sbin are links into /usr
	tar -C "$pkg_destdir" --owner=0 --group=0 --numeric-owner -cf - . |
		tar -C "$root" --keep-directory-symlink -xf -
	unit=
	for d in usr/lib/systemd/system lib/systemd/system etc/systemd/system; do
		if [ -e "$pkg_destdir/$d/kdump.service" ]; then
			unit=/$d/kdump.service
			break
		fi
	done
	[ -n "$unit" ] || vm_die "$pkg_destdir has no kdump.service"
	ln -sf "$unit" "$root/etc/systemd/system/multi-user.target.wants/kdump.service"
	vm_say "run: kdump.service enabled"
fi

if [ "$flavour" = kdump-tools ] &&
	! [ -L "$root/etc/systemd/system/basic.target.wants/kdump-tools.service" ]; then
	vm_die "kdump-tools.service is not enabled in the kdump-tools base"
fi

if [ -n "$overlay" ]; then
	vm_say "run: overlay $overlay"
	tar -C "$overlay" --owner=0 --group=0 --numeric-owner -cf - . |
		tar -C "$root" --keep-directory-symlink -xf -
fi

if [ -n "$var_disk" ]; then
	vm_say "run: /var on a second disk $var_disk (UUID $VAR_UUID)"
	rm -f -- "$var_disk"
	truncate -s 2G -- "$var_disk"
	mkfs.ext4 -q -F -t ext4 -L kdumpvar -U "$VAR_UUID" -E root_owner=0:0 \
		-d "$root/var" "$var_disk" || vm_die "mkfs.ext4 of the /var disk failed"
	# a new file: /etc/fstab is a hard link into the cached base
	{
		cat -- "$root/etc/fstab"
		printf 'UUID=%s /var ext4 defaults 0 2\n' "$VAR_UUID"
	} >"$root/etc/fstab.new"
	mv -f -- "$root/etc/fstab.new" "$root/etc/fstab"
fi

disk=$out/disk.img
rm -f -- "$disk.tmp"
truncate -s "$DISK_SIZE" -- "$disk.tmp"
vm_run_heartbeat mkfs.ext4 "$layer/mkfs.log" nice -n 10 \
	mkfs.ext4 -q -F -t ext4 -L "$ROOT_LABEL" -U "$ROOT_UUID" -E root_owner=0:0 \
	-d "$root" "$disk.tmp" || vm_die "mkfs.ext4 -d failed"
mv -f -- "$disk.tmp" "$disk"
{
	printf 'DISK=%s\n' "$disk"
	printf 'KERNEL=%s\n' "$base/vmlinuz"
	printf 'INITRD=%s\n' "$base/initrd.img"
	printf 'ROOT_UUID=%s\n' "$ROOT_UUID"
	printf 'KVER=%s\n' "$kver"
} >"$out/guest.env.tmp"
mv -f -- "$out/guest.env.tmp" "$out/guest.env"
cleanup
WORK_DIRS=()
vm_say "run: disk $disk ($DISK_SIZE sparse, $(du -h -- "$disk" | cut -f1) used) in $(vm_elapsed "$t")s"
vm_say "guest image ($flavour) ready in $(vm_elapsed "$total_start")s: $out/guest.env (kernel $kver)"
