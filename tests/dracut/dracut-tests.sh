#!/bin/bash
# Capture images built by `kdumpctl rebuild` with the real dracut and our
# module, for Debian's kernel (its modules extracted from the package, not
# installed), inspected with lsinitrd. Needs root (dracut, hostonly).
#
# Usage: tests/dracut/dracut-tests.sh   (make check-dracut)
# The checks are chained as 'check && check || fail MESSAGE': fail runs when
# any check failed, as meant (SC2015); a command substitution inside a check
# or a message can only change what is compared or printed (SC2312).
# shellcheck disable=SC2015,SC2312
set -uo pipefail
# shellcheck source=tests/cli/lib.sh
. "${top_srcdir:?run through make}/tests/cli/lib.sh"
# shellcheck source=tests/vm/lib.sh
. "$top_srcdir/tests/vm/lib.sh"

KDUMPCTL=$top_builddir/kdumpctl/kdumpctl
unset KDUMP_SNP_DRY_RUN KDUMP_SNP_DRACUT

command -v dracut >/dev/null || vm_apt_install dracut-core
command -v makedumpfile >/dev/null || vm_apt_install makedumpfile
vm_cache_init
vm_kernel_package

# Debian's kernel with its modules, cached like the other VM inputs
tree=$VM_KERNEL_CACHE/$VM_KERNEL_PKG-$(vm_sha256_str "$VM_KERNEL_PKG=$VM_KERNEL_VER")-tree
if ! [ -d "$tree/lib/modules" ]; then
	vm_say "dracut: extracting $VM_KERNEL_PKG=$VM_KERNEL_VER"
	dl=$(mktemp -d "$VM_KERNEL_CACHE/.download.XXXXXX")
	chown _apt: "$dl" 2>/dev/null || true
	(cd "$dl" && apt-get download -q "$VM_KERNEL_PKG=$VM_KERNEL_VER" >/dev/null) ||
		vm_die "apt-get download $VM_KERNEL_PKG=$VM_KERNEL_VER failed"
	dpkg-deb -x "$dl"/*.deb "$dl/x" && depmod -b "$dl/x" "${VM_KERNEL_PKG#linux-image-}" &&
		rm -rf "$tree" && mv "$dl/x" "$tree"
	rm -rf "$dl"
fi
KVER=${VM_KERNEL_PKG#linux-image-}
KMODDIR=$tree/lib/modules/$KVER

# dracut from a copy of its module tree with ours added, so that the test
# does not install into the system's dracut
DRACUTBASE=$TMP/dracut
cp -a /usr/lib/dracut "$DRACUTBASE"
cp -r "$top_srcdir/dracut-module/99kdump-snp" "$DRACUTBASE/modules.d/"
export dracutbasedir=$DRACUTBASE
export KDUMP_SNP_DRACUT_MODULE_DIR=$DRACUTBASE/modules.d/99kdump-snp

# a root for kdumpctl: the host's mounts, Debian's kernel in /boot
ROOT=$TMP/root
mkdir -p "$ROOT/boot" "$ROOT/run" "$ROOT/proc/self" "$ROOT/proc/sys/kernel" "$ROOT/sys/kernel"
cp "$tree/boot/vmlinuz-$KVER" "$ROOT/boot/"
cp /proc/self/mountinfo "$ROOT/proc/self/mountinfo"
echo "$KVER" >"$ROOT/proc/sys/kernel/osrelease"
echo "console=ttyS0 root=/dev/vda crashkernel=384M" >"$ROOT/proc/cmdline"
echo 402653184 >"$ROOT/sys/kernel/kexec_crash_size"
export KDUMP_SNP_SYSROOT=$ROOT
DEFS=$TMP/defaults
printf 'KDUMP_KERNELVER=%s\n' "$KVER" >"$DEFS"
# kdumpctl rebuild runs as "${IN_NS[@]}" kdumpctl ...: a network namespace for the ssh case
IN_NS=()

# build DIRECTIVE...: kdumpctl rebuild with these kdump.conf lines;
# CAPTURE_INIT (default auto) goes to the defaults file
build() {
	printf 'KDUMP_KERNELVER=%s\nKDUMP_CAPTURE_INIT=%s\n' "$KVER" "${CAPTURE_INIT:-auto}" >"$DEFS"
	CONF=$TMP/kdump.conf.$RANDOM
	printf '%s\n' "dracut_args --kmoddir $KMODDIR" "$@" >"$CONF"
	IMG=$ROOT/var/lib/kdump/initramfs-$KVER-kdump.img
	rm -f "$IMG"
	local t0=$SECONDS
	run "${IN_NS[@]}" "$KDUMPCTL" --config="$CONF" --defaults="$DEFS" rebuild
	BUILD_SECS=$((SECONDS - t0))
	# the file list only, without lsinitrd's header
	lsinitrd "$IMG" 2>&1 | grep -E '^[-dlcbps][-rwxsStT]{9} ' >"$TMP/list"
}

has() {
	grep -qE -- "$1" "$TMP/list" || fail "image lacks $1"
}

lacks() {
	! grep -qE -- "$1" "$TMP/list" || fail "image has $1: $(grep -E -- "$1" "$TMP/list" | head -3)"
}

# the common content of both kinds of image
has_capture_tools() {
	has ' usr/sbin/kdumpctl$' && has '/makedumpfile$' && has ' etc/kdump.conf$' &&
	has ' etc/kdump-snp/target$' &&
	lacks '/ccp\.ko' && lacks '/kvm_amd\.ko' && lacks '/kvm\.ko' && lacks 'plymouth' &&
	lacks 'lib/firmware/amdgpu' && lacks '/amdgpu\.ko' || return
	lsinitrd -f etc/kdump.conf "$IMG" >"$TMP/kdump.conf.in-image" 2>&1
	cmp -s "$TMP/kdump.conf.in-image" "$CONF" || fail "kdump.conf in the image: $(cat "$TMP/kdump.conf.in-image")"
	[ -s "$IMG.inputs" ] || fail "no input record"
	[ -z "$(find "$(dirname "$IMG")" -name '*.tmp-*')" ] || fail "temporary image left"
	printf '  image: %s bytes, %s files, built in %ss\n' "$(stat -c %s "$IMG")" \
		"$(wc -l <"$TMP/list")" "$BUILD_SECS"
}

# the default on a plain disk: /init is kdumpctl capture, no systemd or udev
case_default_image_minimal() {
	build "path /var/crash"
	expect_rc 0 && [ -s "$IMG" ] || fail "no image"
	has_capture_tools && has ' init$' && has ' (usr/)?(s)?bin/sh( -> .*)?$' &&
	lacks 'usr/lib/systemd/systemd$' && lacks 'systemd-udevd' && lacks 'kdump-capture.service' &&
	lacks 'libcrypto' || return
	lsinitrd -f init "$IMG" >"$TMP/init" 2>&1
	grep -qx 'exec /usr/sbin/kdumpctl --config=/etc/kdump.conf capture' "$TMP/init" || fail "/init: $(cat "$TMP/init")"
}

# KDUMP_CAPTURE_INIT=systemd: dracut's systemd initrd with kdump-capture.service
case_systemd_image() {
	CAPTURE_INIT=systemd build "path /var/crash"
	expect_rc 0 && [ -s "$IMG" ] || fail "no image"
	has_capture_tools && has 'kdump-capture.service$' && has 'initrd.target.wants/kdump-capture.service'
}

# a file named in kdump.conf is checked below the probe root and installed
# from the host: give it the same path in both
mirror_file() {
	mkdir -p "$(dirname "$1")" "$ROOT$(dirname "$1")"
	printf '#!/bin/sh\nexit 0\n' >"$1"
	chmod +x "$1"
	cp "$1" "$ROOT$1"
}

case_extra_bins_and_modules() {
	mirror_file "$TMP/bin/kdump-extra-tool"
	build "path /var/crash" "extra_bins $TMP/bin/kdump-extra-tool" "extra_modules dm_mod"
	expect_rc 0 && has "${TMP#/}/bin/kdump-extra-tool\$" && has '/dm-mod\.ko|/dm_mod\.ko'
}

case_hooks_installed() {
	mirror_file "$TMP/hooks/pre.sh"
	build "path /var/crash" "kdump_pre $TMP/hooks/pre.sh"
	expect_rc 0 && has "${TMP#/}/hooks/pre.sh\$"
}

# the capture service takes failure_action even when kdumpctl save dies
case_failure_action_drop_in() {
	local dropin=usr/lib/systemd/system/kdump-capture.service.d/failure-action.conf
	CAPTURE_INIT=systemd build "path /var/crash" "failure_action poweroff"
	expect_rc 0 && has " $dropin\$" || return
	lsinitrd -f "$dropin" "$IMG" >"$TMP/dropin" 2>&1
	grep -qx 'FailureAction=poweroff-force' "$TMP/dropin" || fail "drop-in: $(cat "$TMP/dropin")"
	CAPTURE_INIT=systemd build "path /var/crash" "failure_action shell"
	lsinitrd -f "$dropin" "$IMG" >"$TMP/dropin" 2>&1
	grep -qx 'FailureAction=none' "$TMP/dropin" && grep -qx 'OnFailure=emergency.target' "$TMP/dropin" ||
		fail "drop-in for shell: $(cat "$TMP/dropin")"
}

# the systemd image bounds the capture by the unit's start timeout
case_capture_timeout_drop_in() {
	local dropin=usr/lib/systemd/system/kdump-capture.service.d/timeout.conf
	CAPTURE_INIT=systemd build "path /var/crash" "capture_timeout 600"
	expect_rc 0 && has " $dropin\$" || return
	lsinitrd -f "$dropin" "$IMG" >"$TMP/dropin" 2>&1
	grep -qx 'TimeoutStartSec=600' "$TMP/dropin" && grep -qx 'TimeoutStopSec=10' "$TMP/dropin" ||
		{ fail "drop-in: $(cat "$TMP/dropin")"; return; }
	CAPTURE_INIT=systemd build "path /var/crash" "capture_timeout 0"
	lsinitrd -f "$dropin" "$IMG" >"$TMP/dropin" 2>&1
	grep -qx 'TimeoutStartSec=infinity' "$TMP/dropin" || fail "drop-in for 0: $(cat "$TMP/dropin")"
}

# a host with QEMU's i6300esb bound: the minimal image gets the module and
# the record kdumpctl capture arms it from; without one, neither
case_watchdog_in_image() {
	local dev=$ROOT/sys/devices/pci0000:00/0000:00:03.0
	build "path /var/crash"
	lacks ' etc/kdump-snp/watchdog$' && lacks '/i6300esb\.ko' || return
	mkdir -p "$dev/watchdog/watchdog0" "$ROOT/sys/bus/pci/drivers/i6300esb" \
		"$ROOT/sys/module/i6300esb" "$ROOT/sys/class/watchdog"
	ln -s ../../../bus/pci/drivers/i6300esb "$dev/driver"
	ln -s ../../../module/i6300esb "$ROOT/sys/bus/pci/drivers/i6300esb/module"
	ln -s ../../../0000:00:03.0 "$dev/watchdog/watchdog0/device"
	ln -s ../../devices/pci0000:00/0000:00:03.0/watchdog/watchdog0 "$ROOT/sys/class/watchdog/watchdog0"
	build "path /var/crash" "capture_timeout 300"
	rm -rf "$ROOT/sys/devices" "$ROOT/sys/bus" "$ROOT/sys/module" "$ROOT/sys/class"
	expect_rc 0 && has ' etc/kdump-snp/watchdog$' && has '/i6300esb\.ko' || return
	lsinitrd -f etc/kdump-snp/watchdog "$IMG" >"$TMP/watchdog" 2>&1
	printf 'driver=i6300esb\nmodules=i6300esb\ntimeout=360\n' | cmp -s - "$TMP/watchdog" ||
		fail "watchdog record: $(cat "$TMP/watchdog")"
}

# capture_runs_check INIT: the command the capture image runs (/init of the
# minimal image, ExecStart= of kdump-capture.service) run with `check` for
# its verb, chrooted into the unpacked image with plain files for what it
# reads in /proc: the kdump.conf it names must be in the image, whatever
# ./configure was given (with the default prefix kdumpctl's own default is
# /usr/local/etc/kdump.conf)
capture_runs_check() {
	local x=$TMP/unpacked-$1 cmd
	local -a words
	rm -rf "$x" && mkdir -p "$x"
	(cd "$x" && lsinitrd --unpack "$IMG") >/dev/null 2>&1 || { fail "lsinitrd --unpack failed"; return; }
	if [ "$1" = minimal ]; then
		cmd=$(sed -n 's/^exec //p' "$x/init")
	else
		cmd=$(sed -n 's/^ExecStart=//p' "$x/usr/lib/systemd/system/kdump-capture.service")
	fi
	read -ra words <<<"$cmd"
	[ "${#words[@]}" -ge 2 ] || { fail "no capture command in the image: '$cmd'"; return; }
	words[-1]=check
	mkdir -p "$x/proc/self" "$x/proc/sys/kernel"
	echo "$KVER" >"$x/proc/sys/kernel/osrelease"
	echo "console=ttyS0 root=/dev/vda" >"$x/proc/cmdline"
	echo "22 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda rw" >"$x/proc/self/mountinfo"
	run env -u KDUMP_SNP_SYSROOT chroot "$x" "${words[@]}"
	expect_rc 0 && expect_line out "path:            /var/crash" || return
	printf '  capture command: %s\n' "$cmd"
}

case_capture_finds_its_config() {
	local prefix
	prefix=$(sed -n 's/^prefix = //p' "$top_builddir/Makefile")
	printf '  kdumpctl built with --prefix=%s (its own default: %s)\n' "$prefix" \
		"$("$KDUMPCTL" --help | sed -n 's/.*kdump.conf to use (default \(.*\))$/\1/p')"
	CAPTURE_INIT=minimal build "path /var/crash"
	expect_rc 0 && capture_runs_check minimal || return
	CAPTURE_INIT=systemd build "path /var/crash"
	expect_rc 0 && capture_runs_check systemd
}

# an ssh target: the client, the key and the recorded host key (0600), and
# a passwd entry for root, without which ssh refuses to start; ssh runs in
# the unpacked image
case_ssh_image() {
	local x=$TMP/unpacked-ssh
	mkdir -p "$ROOT/root/.ssh" "$ROOT/var/lib/kdump-snp"
	rm -f "$ROOT/root/.ssh/kdump_id_ed25519"
	ssh-keygen -q -t ed25519 -N '' -f "$ROOT/root/.ssh/kdump_id_ed25519"
	echo "10.0.2.100 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBk9a4pi3Tj1pB1V1Xkq8Q6U5pCkY8c0m3M4PZ8i2c1b" \
		>"$ROOT/var/lib/kdump-snp/ssh_known_hosts"
	# the network the image records: a veth pair in a namespace of the case's own
	local ns=kdump-dracut-$$
	ip netns add "$ns" &&
	ip -n "$ns" link add kd0 address 02:00:00:00:00:20 mtu 1400 type veth peer name kd1 &&
	ip -n "$ns" link set kd1 up && ip -n "$ns" link set kd0 up &&
	ip -n "$ns" addr add 10.0.2.15/24 dev kd0 || { fail "cannot make the network namespace"; return; }
	IN_NS=(ip netns exec "$ns")
	CAPTURE_INIT=minimal build "ssh kdump@10.0.2.100" "path /var/crash"
	IN_NS=()
	ip netns del "$ns"
	expect_rc 0 && has_capture_tools && has ' usr/bin/ssh$' && has ' etc/kdump-snp/network$' &&
	has '^-rw------- .* etc/kdump-snp/ssh/id$' && has '^-rw------- .* etc/kdump-snp/ssh/known_hosts$' ||
		return
	rm -rf "$x" && mkdir -p "$x"
	(cd "$x" && lsinitrd --unpack "$IMG") >/dev/null 2>&1 || { fail "lsinitrd --unpack failed"; return; }
	cmp -s "$x/etc/kdump-snp/ssh/id" "$ROOT/root/.ssh/kdump_id_ed25519" &&
	cmp -s "$x/etc/kdump-snp/ssh/known_hosts" "$ROOT/var/lib/kdump-snp/ssh_known_hosts" ||
		fail "key or known_hosts differ from the host's"
	grep -qx "mac=02:00:00:00:00:20" "$x/etc/kdump-snp/network" &&
	grep -qx "mtu=1400" "$x/etc/kdump-snp/network" && grep -qx "address=10.0.2.15" "$x/etc/kdump-snp/network" &&
	grep -qx "server=10.0.2.100" "$x/etc/kdump-snp/network" || fail "network record: $(cat "$x/etc/kdump-snp/network")"
	mkdir -p "$x/dev" && mknod "$x/dev/null" c 1 3
	run chroot "$x" ssh -G -F none -l kdump 10.0.2.100
	expect_rc 0 && expect_line out "user kdump" || return
	grep -q "^ssh-known-hosts" "$IMG.inputs" || fail "the input record lacks the known hosts"
}

# an nfs target: the kernel's NFSv4 client (nfs, nfsv4 and sunrpc), the
# network record and the target record with the export; both kinds of
# image (the systemd one mounts the same way: kdumpctl save, not dracut's
# nfs module, which is made for an NFS root)
case_nfs_image() {
	local ns=kdump-dracut-nfs-$$ init x=$TMP/unpacked-nfs
	ip netns add "$ns" &&
	ip -n "$ns" link add kd0 address 02:00:00:00:00:21 type veth peer name kd1 &&
	ip -n "$ns" link set kd1 up && ip -n "$ns" link set kd0 up &&
	ip -n "$ns" addr add 10.0.3.15/24 dev kd0 || { fail "cannot make the network namespace"; return; }
	IN_NS=(ip netns exec "$ns")
	# the mount options are the host's, here its fstab line (as mkdumprd);
	# noauto is mount(8)'s, not the kernel's
	mkdir -p "$ROOT/etc"
	printf '%s\n' "10.0.3.1:/srv/crash /mnt/crash nfs4 noauto,vers=4.1,soft 0 0" >"$ROOT/etc/fstab"
	for init in minimal systemd; do
		CAPTURE_INIT=$init build "nfs 10.0.3.1:/srv/crash" "path /hosts/a"
		expect_rc 0 && has_capture_tools && has ' etc/kdump-snp/network$' &&
		has '/sunrpc\.ko' && has '/nfs\.ko' && has '/nfsv4\.ko' && lacks 'mount\.nfs' || break
		rm -rf "$x" && mkdir -p "$x"
		(cd "$x" && lsinitrd --unpack "$IMG") >/dev/null 2>&1 || { fail "lsinitrd --unpack failed"; break; }
		grep -qx "server=10.0.3.1" "$x/etc/kdump-snp/network" ||
			{ fail "network record: $(cat "$x/etc/kdump-snp/network")"; break; }
		grep -qx "spec=10.0.3.1:/srv/crash" "$x/etc/kdump-snp/target" &&
		grep -qx "fstype=nfs4" "$x/etc/kdump-snp/target" &&
		grep -qx "options=vers=4.1,soft" "$x/etc/kdump-snp/target" &&
		grep -qx "dir=/hosts/a" "$x/etc/kdump-snp/target" ||
			{ fail "target record ($init): $(cat "$x/etc/kdump-snp/target")"; break; }
		grep -qx "target-spec	-	10.0.3.1:/srv/crash" "$IMG.inputs" && grep -q "^network	" "$IMG.inputs" &&
		grep -qx "target-options	-	vers=4.1,soft" "$IMG.inputs" ||
			{ fail "the input record lacks the export, its options or the network"; break; }
	done
	rm -f "$ROOT/etc/fstab"
	IN_NS=()
	ip netns del "$ns"
}

# kdump.conf options <module> <parameters> (kexec-tools' form): a modprobe.d file
# in both kinds of image, the parameters as written, for modprobe (systemd
# image) and kdumpctl capture (minimal image) to load the module with
# shellcheck disable=SC2016 # the parameters are literal: nothing may expand them
case_module_options_image() {
	local init x=$TMP/unpacked-modopts want
	want=$(printf '%s\n' 'options loop max_loop=1 max_part=`id` "x=$(reboot)"' 'options squashfs x=1')
	for init in minimal systemd; do
		CAPTURE_INIT=$init build "path /var/crash" "extra_modules loop" \
			"options loop max_loop=1" 'options loop max_part=`id` "x=$(reboot)"' "options squashfs x=1"
		expect_rc 0 && has_capture_tools && has '/loop\.ko' &&
		has ' etc/modprobe\.d/kdump-snp-options\.conf$' || break
		rm -rf "$x" && mkdir -p "$x"
		(cd "$x" && lsinitrd --unpack "$IMG") >/dev/null 2>&1 || { fail "lsinitrd --unpack failed"; break; }
		[ "$(cat "$x/etc/modprobe.d/kdump-snp-options.conf")" = "$want" ] ||
			{ fail "modprobe.d file ($init): $(cat "$x/etc/modprobe.d/kdump-snp-options.conf")"; break; }
		# in the record: a changed option rebuilds the image
		grep -qxF 'module-options	-	loop max_loop=1 max_part=`id` "x=$(reboot)"' "$IMG.inputs" &&
		grep -qxF 'module-options	-	squashfs x=1' "$IMG.inputs" ||
			{ fail "the input record lacks the options: $(grep module-options "$IMG.inputs")"; break; }
	done
	# no options, no file
	build "path /var/crash"
	expect_rc 0 && lacks 'kdump-snp-options\.conf'
}

case_dracut_failure_reported() {
	build "path /var/crash" "dracut_args --kmoddir /nonexistent-kmoddir"
	expect_rc 1 && expect_in err "dracut failed" && [ ! -e "$IMG" ] || fail "image written"
}

for f in $(declare -F | awk '$3 ~ /^case_/ {print $3}'); do
	t "${f#case_}" "$f"
done
finish
