# shellcheck shell=bash
# shellcheck disable=SC2250,SC2292 # -o all style checks: these helpers use $var and [ ] throughout
# shellcheck disable=SC2312 # the sourcing script sets pipefail; substitutions inside arguments fill messages, and values that decide an outcome are tested where used
# shellcheck disable=SC2154 # VM_* come from tests/vm/lib.sh, sourced first
# shellcheck disable=SC2016 # dpkg-query formats are single-quoted on purpose
# The NFS server of the VM scenario nfs-target: the Linux kernel's NFS
# server (nfsd) with nfs-kernel-server's rpc.nfsd, rpc.mountd and exportfs,
# NFSv4 only (no rpcbind, no lockd), in a second QEMU guest: the CI host's
# kernel may lack nfsd. The guest boots the VM suite's Debian kernel (the
# guest base's vmlinuz) with a busybox initramfs that holds those three
# programs with their libraries, taken from the guest base with
# nfs-kernel-server installed by apt in an overlay of it (the base itself
# stays untouched), and the modules nfsd, virtio_net, virtio_blk and ext4
# need. It exports the root of an ext4 disk without a journal (so that
# the host's debugfs reads what the server wrote without a journal
# replay), syncs every 2 s, and reaches the client guest over QEMU's own
# network: a -netdev stream on a UNIX socket in the run's directory, the
# only link either guest has. Nothing leaves the two guests.
#
# Sourced by tests/vm/kdump-cycle.sh (the nfs-target scenario) and
# bench/run-bench (make bench's nfs runs) after tests/vm/lib.sh.

# Bump when the server image is made differently (the key of its cache).
NFS_SERVER_VERSION=1
NFS_SERVER_ADDR=10.0.3.1
NFS_SERVER_NET=10.0.3.0/24
NFS_SERVER_MAC=52:54:00:4b:44:10
NFS_SERVER_PID=
# the client guest's NIC and its static address
NFS_CLIENT_MAC=52:54:00:4b:44:02
NFS_CLIENT_ADDR=10.0.3.15
# loaded in this order by the server's /init (with their dependencies)
NFS_SERVER_MODULES=(virtio_pci virtio_net virtio_blk crc32c_generic ext4 nfsd)
NFS_SERVER_BINS=(/usr/sbin/rpc.nfsd /usr/sbin/rpc.mountd /usr/sbin/exportfs)
# what libtirpc and the programs read besides their libraries
NFS_SERVER_FILES=(/etc/netconfig /etc/services /etc/protocols /etc/passwd /etc/group)

# the server's /init, written into its initramfs
nfs_server_init_text() {
	cat <<-EOF
		#!/bin/sh
		# /init of the NFS server guest (tests/vm/nfs-server.sh)
		/bin/busybox mkdir -p /usr/bin /usr/sbin
		/bin/busybox --install -s
		export PATH=/usr/sbin:/usr/bin:/sbin:/bin
		say() { echo "$VM_TAG nfs-server \$*" >/dev/console; }
		die() { say "failed: \$*"; poweroff -f; }
		mount -t proc proc /proc
		mount -t sysfs sysfs /sys
		mount -t devtmpfs devtmpfs /dev
		# one that does not fit this machine (crc32c-intel under TCG) is
		# skipped; what is missing shows at the mounts below
		while read -r m; do
			insmod "/lib/modules/\$m" 2>/dev/null || say "insmod \$m failed"
		done </modules.list
		ip link set lo up
		dev=
		for d in /sys/class/net/*; do
			[ "\${d##*/}" = lo ] || dev=\${d##*/}
		done
		[ -n "\$dev" ] || die "no network interface"
		ip link set "\$dev" up
		ip addr add $NFS_SERVER_ADDR/24 dev "\$dev"
		mkdir -p /srv /run /var/lib/nfs/v4recovery /etc
		mount -t ext4 /dev/vda /srv || die "mount /dev/vda"
		mount -t nfsd nfsd /proc/fs/nfsd || die "mount nfsd"
		echo '/srv $NFS_SERVER_NET(rw,sync,no_root_squash,no_subtree_check)' >/etc/exports
		exportfs -ra || die exportfs
		rpc.mountd --no-nfs-version 2 --no-nfs-version 3 || die rpc.mountd
		rpc.nfsd --no-nfs-version 3 --no-udp --lease-time 10 --grace-time 10 4 ||
			die rpc.nfsd
		say "ready: exportfs \$(exportfs | tr -s ' \t\n' ' ')versions \$(cat /proc/fs/nfsd/versions)"
		while :; do
			sleep 2
			sync
		done
	EOF
}

# nfs_server_chroot ROOT CMD...: CMD in ROOT with apt's environment
nfs_server_chroot() {
	local root=$1
	shift
	chroot "$root" env DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 "$@"
}

# nfs_server_fill DEST BASE: the initramfs tree (vm_build_initramfs' builder)
nfs_server_fill() {
	local dest=$1 base=$2 tmp m b lib kver mirror f
	local -a mounts=()
	kver=$(cat "$base/kver")
	mirror=$(vm_host_mirror)
	tmp=$(mktemp -d "$VM_INITRAMFS_CACHE/.root.nfs.XXXXXX")
	mkdir -p -- "$tmp/upper" "$tmp/work" "$tmp/merged"
	mount -t overlay overlay -o "lowerdir=$base/root,upperdir=$tmp/upper,workdir=$tmp/work" "$tmp/merged" ||
		vm_die "cannot mount an overlay of $base/root"
	mounts+=("$tmp/merged")
	local r=$tmp/merged
	mount -t proc proc "$r/proc" && mounts+=("$r/proc")
	mount -t tmpfs -o mode=0755,size=16m devtmp "$r/dev" && mounts+=("$r/dev")
	mknod -m 0666 "$r/dev/null" c 1 3
	mknod -m 0666 "$r/dev/urandom" c 1 9
	mount -t tmpfs -o mode=0755,size=64m runtmp "$r/run" && mounts+=("$r/run")
	printf '#!/bin/sh\nexit 101\n' >"$r/usr/sbin/policy-rc.d"
	chmod 0755 "$r/usr/sbin/policy-rc.d"
	# nfs-common's initramfs trigger would run the base's dracut: not needed here
	rm -f -- "$r/usr/bin/dracut"
	printf '#!/bin/sh\nexit 0\n' >"$r/usr/bin/dracut"
	chmod 0755 "$r/usr/bin/dracut"
	cp -- /etc/resolv.conf "$r/etc/resolv.conf"
	printf 'deb %s %s main\n' "$mirror" trixie >"$r/etc/apt/sources.list"
	vm_say "nfs server: apt: nfs-kernel-server in an overlay of $base/root"
	if ! vm_run_heartbeat apt "$tmp/apt.log" nice -n 10 chroot "$r" \
		env DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 sh -c \
		'apt-get update -q && apt-get install -y -q --no-install-recommends nfs-kernel-server' </dev/null; then
		for ((m = ${#mounts[@]} - 1; m >= 0; m--)); do umount -l "${mounts[m]}" || true; done
		vm_die "installing nfs-kernel-server in the overlay failed (log: $tmp/apt.log)"
	fi
	nfs_server_chroot "$r" dpkg-query -W -f='${Package} ${Version}\n' nfs-kernel-server nfs-common \
		>"$dest/nfs-packages.txt"

	# the programs and every library ldd names, at the same paths
	for b in "${NFS_SERVER_BINS[@]}"; do
		install -D -m 0755 -- "$r$b" "$dest$b"
		while IFS= read -r lib; do
			[ -n "$lib" ] || continue
			mkdir -p -- "$dest${lib%/*}"
			cp -L -- "$r$lib" "$dest$lib"
		done < <(nfs_server_chroot "$r" ldd "$b" | sed -n 's/.*=> \(\/[^ ]*\).*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) (.*/\1/p')
	done
	for f in "${NFS_SERVER_FILES[@]}"; do
		[ ! -e "$r$f" ] || install -D -m 0644 -- "$r$f" "$dest$f"
	done
	# the modules, decompressed (busybox insmod reads plain .ko), in
	# modprobe's order, each once
	mkdir -p -- "$dest/lib/modules"
	: >"$dest/modules.list"
	for m in "${NFS_SERVER_MODULES[@]}"; do
		while IFS= read -r f; do
			b=${f##*/}
			b=${b%.xz}
			b=${b%.zst}
			! grep -qx -- "$b" "$dest/modules.list" || continue
			case $f in
			*.xz) xz -dc -- "$r$f" >"$dest/lib/modules/$b" ;;
			*.zst) zstd -q -dc -- "$r$f" >"$dest/lib/modules/$b" ;;
			*) cp -- "$r$f" "$dest/lib/modules/$b" ;;
			esac
			printf '%s\n' "$b" >>"$dest/modules.list"
		done < <(nfs_server_chroot "$r" modprobe -S "$kver" --show-depends "$m" | sed -n 's/^insmod \([^ ]*\).*/\1/p')
	done
	for ((m = ${#mounts[@]} - 1; m >= 0; m--)); do
		umount "${mounts[m]}" 2>/dev/null || umount -l "${mounts[m]}" || true
	done
	rm -rf --one-file-system -- "$tmp"
	nfs_server_init_text >"$dest/.init"
	vm_busybox_root "$dest" "$dest/.init"
	rm -f -- "$dest/.init"
	vm_say "nfs server: $(wc -l <"$dest/modules.list") modules, $(tr '\n' ' ' <"$dest/nfs-packages.txt")"
}

# nfs_server_start WORK BASE: boot the server in the background (its log
# WORK/nfs-server.log, its export disk WORK/nfs-export.img, the link's
# socket WORK/nfs.sock) and wait until it says it is ready; sets
# NFS_SERVER_PID, NFS_SERVER_IMG, NFS_SERVER_SOCK and NFS_SERVER_BOOT_SECS
nfs_server_start() {
	local work=$1 base=$2 key start log
	if ! [ -s "$base/vmlinuz" ] || ! [ -d "$base/root" ]; then
		vm_die "nfs server: $base is not a guest base"
	fi
	key="v=$NFS_SERVER_VERSION base=$(vm_sha256 "$base/packages.txt") kver=$(cat "$base/kver") mods=${NFS_SERVER_MODULES[*]} bins=${NFS_SERVER_BINS[*]} files=${NFS_SERVER_FILES[*]} init=$(nfs_server_init_text | vm_sha256) format=$VM_LIB_FORMAT"
	vm_build_initramfs nfs-server "$key" nfs_server_fill "$base"
	vm_cache_prune 'nfs-server-*.cpio' 2
	NFS_SERVER_IMG=$work/nfs-export.img
	NFS_SERVER_SOCK=$work/nfs.sock
	log=$work/nfs-server.log
	rm -f -- "$NFS_SERVER_IMG" "$NFS_SERVER_SOCK"
	mkfs.ext4 -q -F -O ^has_journal -L kdumpnfs "$NFS_SERVER_IMG" 512M ||
		vm_die "mkfs.ext4 of the export disk failed"
	start=$(vm_now)
	# it lives as long as the client's run may (nfs_server_stop ends it)
	timeout --kill-after=10 "$((${KDUMP_SNP_VM_TIMEOUT:-900} + 600))" "$VM_QEMU" -accel tcg -M q35 -m 512 -smp 1 \
		"${VM_QEMU_BASE_ARGS[@]}" -no-reboot -vga none \
		-kernel "$base/vmlinuz" -initrd "$VM_INITRAMFS" -append "console=ttyS0 panic=-1" \
		-drive "file=$NFS_SERVER_IMG,if=none,id=e0,format=raw,cache=unsafe" \
		-device virtio-blk-pci,drive=e0 \
		-netdev "stream,id=n0,server=on,addr.type=unix,addr.path=$NFS_SERVER_SOCK" \
		-device "virtio-net-pci,netdev=n0,mac=$NFS_SERVER_MAC" \
		</dev/null >"$log" 2>&1 &
	NFS_SERVER_PID=$!
	while ! grep -qa "$VM_TAG nfs-server ready" "$log" 2>/dev/null; do
		if ! kill -0 "$NFS_SERVER_PID" 2>/dev/null || grep -qa "$VM_TAG nfs-server failed" "$log"; then
			tail -n 30 -- "$log" >&2
			NFS_SERVER_PID=
			vm_die "the nfs server guest did not come up (log: $log)"
		fi
		[ "$(vm_elapsed "$start" | cut -d. -f1)" -lt 300 ] || vm_die "the nfs server guest was not ready within 300 s"
		sleep 0.5
	done
	NFS_SERVER_BOOT_SECS=$(vm_elapsed "$start")
	vm_say "  nfs server ready in ${NFS_SERVER_BOOT_SECS}s: $(grep -a -o "nfs-server ready.*" "$log" | tr -d '\r')"
}

# nfs_server_stop: let it write back (it syncs every 2 s), then end it
nfs_server_stop() {
	[ -n "$NFS_SERVER_PID" ] || return 0
	sleep 5
	kill -- "$NFS_SERVER_PID" 2>/dev/null || true
	wait "$NFS_SERVER_PID" 2>/dev/null || true
	NFS_SERVER_PID=
}

# nfs_server_kill: end it now (from traps)
nfs_server_kill() {
	[ -n "$NFS_SERVER_PID" ] || return 0
	kill -- "$NFS_SERVER_PID" 2>/dev/null || true
	wait "$NFS_SERVER_PID" 2>/dev/null || true
	NFS_SERVER_PID=
}

# nfs_client_overlay DIR: the client guest's tree to layer (guest-image.sh
# --overlay): the static address NFS_CLIENT_ADDR on the NIC with
# NFS_CLIENT_MAC (vm_net_overlay); its QEMU arguments are a -netdev stream
# to NFS_SERVER_SOCK and that NIC
nfs_client_overlay() {
	rm -rf -- "$1"
	vm_net_overlay "$1" "$NFS_CLIENT_MAC" "$NFS_CLIENT_ADDR/24"
}
