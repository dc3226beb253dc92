#!/bin/bash
# Real kdump cycles in the Debian 13 guest (make check-vm; the demo runs
# the default one): the guest boots with systemd, kdump.service builds the
# capture image with the guest's dracut and loads it with our tools, the
# guest test unit panics through `kdumpctl test --yes`, the crash kernel's
# `kdumpctl save` writes the dump and powers off. The host then reads the
# guest's disks with debugfs and checks the result. The kdump-tools scenario
# runs the same cycle on the stock peer: the same guest with Debian's
# kdump-tools, kexec-tools and initramfs-tools instead of our package and
# dracut (tests/vm/guest-image.sh --flavour kdump-tools).
#
# Usage: tests/vm/kdump-cycle.sh DESTDIR RESULTS_DIR [SCENARIO...]
#   DESTDIR      our `make install DESTDIR=...` tree (--prefix=/usr --sysconfdir=/etc)
#   RESULTS_DIR  per-scenario phase timings (NAME.times) and serial logs
# Scenarios: default systemd-init uuid-target invalid-conf small-target
# var-disk ssh-target kdump-tools (all by default)
# shellcheck disable=SC2250,SC2292 # -o all style checks: this script uses $var and [ ] throughout
# shellcheck disable=SC2312 # pipelines run under pipefail; substitutions inside arguments fill messages and report text, and values that decide an outcome are tested where used
# shellcheck disable=SC2310 # the functions called in conditions (the vm_expect_* and check_* assertions, on_disk) return their status explicitly, none relies on set -e inside
set -euo pipefail

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/vm/lib.sh
. "$here/lib.sh"

[ "$#" -ge 2 ] || vm_die "usage: $0 DESTDIR RESULTS_DIR [SCENARIO...]"
destdir=$1
results=$2
shift 2
ALL=(default systemd-init uuid-target invalid-conf small-target var-disk ssh-target kdump-tools)
scenarios=("$@")
[ "${#scenarios[@]}" -gt 0 ] || scenarios=("${ALL[@]}")
[ -x "$destdir/usr/sbin/kdumpctl" ] || vm_die "$destdir has no usr/sbin/kdumpctl (make install DESTDIR=...)"
mkdir -p -- "$results"
work=$(mktemp -d "${TMPDIR:-/tmp}/kdump-cycle.XXXXXX")
trap 'vm_kill_qemu; rm -rf -- "$work"' EXIT
command -v debugfs >/dev/null || vm_apt_install e2fsprogs
command -v makedumpfile >/dev/null || vm_apt_install makedumpfile

TARGET_UUID=5d0c7a3e-1f2b-4c6d-8e9f-0a1b2c3d4e5f
# -l: the host's makedumpfile (Debian 12) reads lzo, not zstd
COLLECTOR="core_collector makedumpfile -l --message-level 1 -d 31"

PHASES=()
phase() {
	vm_say "  phase $1: $2s"
	PHASES+=("$1 $2")
}

# crash_secs REGEX: the crash kernel's own timestamp of its first log line
# matching REGEX, one decimal (the crash kernel starts right after the panic)
crash_secs() {
	vm_crash_secs "$LOG" "$1" 1
}

marker_value() {
	vm_markers "$LOG" | sed -n "s/^$VM_TAG $1=\\([^ ]*\\).*/\\1/p" | sed -n 1p
}

# on_disk IMG CMD: run a debugfs request on a guest disk
on_disk() {
	debugfs -R "$2" "$1" 2>/dev/null
}

# dump_dirs IMG DIR: the dump directories debugfs lists in DIR
dump_dirs() {
	on_disk "$1" "ls $2" | tr -s ' \t' '\n' | grep -E '^kdump-guest-[0-9]{4}-' || true
}

# check_dump IMG DIR: a complete dump in DIR, as the issue asks
check_dump() {
	local img=$1 base=$2 d files
	d=$(dump_dirs "$img" "$base" | sed -n 1p)
	[ -n "$d" ] || { VM_FAIL_MSG="no dump directory in $base"; return 1; }
	files=$(on_disk "$img" "ls $base/$d")
	for f in vmcore vmcore-dmesg.txt kdump-info.txt; do
		grep -qE "(^|[[:space:]])$f([[:space:]]|\$)" <<<"$files" || { VM_FAIL_MSG="$base/$d lacks $f"; return 1; }
	done
	! grep -q incomplete <<<"$files" || { VM_FAIL_MSG="$base/$d has incomplete files"; return 1; }
	on_disk "$img" "stat $base/$d" | grep "Mode:  0700" >/dev/null || { VM_FAIL_MSG="$d is not mode 0700"; return 1; }
	for f in vmcore vmcore-dmesg.txt kdump-info.txt; do
		on_disk "$img" "stat $base/$d/$f" | grep "Mode:  0600" >/dev/null ||
			{ VM_FAIL_MSG="$f is not mode 0600"; return 1; }
	done
	rm -f -- "$work/vmcore" "$work/dmesg.txt"
	on_disk "$img" "dump $base/$d/vmcore $work/vmcore"
	on_disk "$img" "dump $base/$d/kdump-info.txt $work/kdump-info.txt"
	makedumpfile --dump-dmesg "$work/vmcore" "$work/dmesg.txt" >"$work/mdf.log" 2>&1 || {
		VM_FAIL_MSG="the host's makedumpfile cannot read the vmcore ($(stat -c %s "$work/vmcore" 2>/dev/null) bytes copied out, $(grep bytes_written "$work/kdump-info.txt")): $(tail -n 5 "$work/mdf.log" | tr '\n' ' ')"
		return 1
	}
	grep -q "sysrq triggered crash" "$work/dmesg.txt" ||
		{ VM_FAIL_MSG="the vmcore's kernel log lacks 'sysrq triggered crash'"; return 1; }
	grep -qx "result: saved" "$work/kdump-info.txt" || { VM_FAIL_MSG="kdump-info: $(cat "$work/kdump-info.txt")"; return 1; }
	DUMP_DIR=$base/$d
	rm -f -- "$work/vmcore"
}

# boot NAME KDUMPTEST [boot-guest options]: a guest with our package and
# the scenario's kdump.conf ($work/NAME.conf)
boot() {
	local name=$1 test=$2
	shift 2
	local stage=$work/$name-destdir
	rm -rf -- "$stage"
	cp -a -- "$destdir" "$stage"
	cp -- "$work/$name.conf" "$stage/etc/kdump.conf"
	[ ! -f "$work/$name.defaults" ] || cp -- "$work/$name.defaults" "$stage/etc/default/kdump"
	boot_image "$name" "$test" --pkg-destdir "$stage" -- "$@"
}

# boot_image NAME KDUMPTEST [guest-image options] -- [boot-guest options]:
# build the guest with guest-image.sh and run one cycle in it
boot_image() {
	local name=$1 test=$2
	local -a image=()
	shift 2
	while [ "$#" -gt 0 ] && [ "$1" != -- ]; do
		image+=("$1")
		shift
	done
	[ "$#" = 0 ] || shift
	LOG=$results/$name.log
	local t
	t=$(vm_now)
	"$here/guest-image.sh" "${image[@]}" --out "$work/$name-out" >"$work/image.out" 2>&1 ||
		{ cat -- "$work/image.out"; vm_die "guest image for $name failed"; }
	phase image "$(vm_elapsed "$t")"
	vm_guest_load "$work/$name-out/guest.env"
	DISK=$VM_GUEST_DISK
	VM_TIMEOUT=${KDUMP_SNP_VM_TIMEOUT:-900}
	OUT=$work/$name.out
	vm_guest_boot "$LOG" "crashkernel=384M panic=10 kdumptest=$test" "$@" > >(tee -- "$OUT")
	sleep 0.2
}

# marker_secs TEXT: when (s into the QEMU run) the first marker starting
# with TEXT appeared, as vm_run_qemu printed it
marker_secs() {
	sed -n "s/^    \\[ *\\([0-9.]*\\)s\\] $1.*/\\1/p" "$OUT" | sed -n 1p
}

# run_phases [FLAVOUR]: the phase durations from the markers and the crash
# kernel's own timestamps, for kdump-snp (the default) or kdump-tools:
# capture from the tool's first capture line (ours: "saving the dump"; the
# peer's: its first `makedumpfile --dump-dmesg`) to the vmcore saved (ours:
# also to its final or failure action when no dump was saved); the
# intervals from the panic end at the same events for both flavours
# (tests/vm/lib.sh: the vmcore saved, the machine off or reset)
run_phases() {
	local flavour=${1:-kdump-snp} saving_re saved_re
	local start booted init saving saved vmcore off
	case $flavour in
	kdump-snp)
		saving_re='kdumpctl: saving the dump'
		saved_re='kdumpctl: (dump saved|final_action|failure_action)'
		;;
	kdump-tools)
		saving_re='running makedumpfile --dump-dmesg'
		saved_re=$(vm_saved_re kdump-tools)
		;;
	*) vm_die "run_phases: unknown flavour '$flavour'" ;;
	esac
	booted=$(marker_secs booted)
	[ -z "$booted" ] || phase guest-boot "$booted"
	phase qemu-total "$VM_QEMU_SECS"
	start=$(marker_value kdump-start-secs)
	[ -z "$start" ] || phase kdump-start "$start"
	init=$(crash_secs 'Run /init as init process')
	saving=$(crash_secs "$saving_re")
	saved=$(crash_secs "$saved_re")
	vmcore=$(crash_secs "$(vm_saved_re "$flavour")")
	off=$(crash_secs "$VM_OFF_RE")
	[ -z "$init" ] || phase panic-to-crash-init "$init"
	[ -z "$saving" ] || [ -z "$saved" ] ||
		phase capture "$(awk -v a="$saved" -v b="$saving" 'BEGIN { printf "%.1f", a - b }')"
	[ -z "$vmcore" ] || phase panic-to-vmcore-saved "$vmcore"
	[ -z "$off" ] || phase panic-to-off-or-reset "$off"
}

expect_poweroff() {
	vm_expect_no_timeout && vm_expect_log "$LOG" "reboot: Power down" && vm_expect_qemu_exit 0
}

scenario_default() {
	printf 'path /var/crash\n%s\nfinal_action poweroff\nfailure_action poweroff\n' "$COLLECTOR" >"$work/default.conf"
	boot default crash
	run_phases
	expect_poweroff && vm_expect_log "$LOG" "$VM_TAG panic uptime=" && check_dump "$DISK" /var/crash &&
		vm_say "  dump: $DUMP_DIR; tail of the crashed kernel's log:" &&
		grep -v '^\s*$' "$work/dmesg.txt" | tail -n 12 | sed 's/^/    | /'
}

# the capture image with systemd and udev (KDUMP_CAPTURE_INIT=systemd, what
# auto picks for LVM, LUKS or md targets): kdump-capture.service saves
scenario_systemd_init() {
	printf 'path /var/crash\n%s\nfinal_action poweroff\nfailure_action poweroff\n' "$COLLECTOR" >"$work/systemd-init.conf"
	sed 's/^KDUMP_CAPTURE_INIT=.*/KDUMP_CAPTURE_INIT="systemd"/' "$destdir/etc/default/kdump" >"$work/systemd-init.defaults"
	grep -qx 'KDUMP_CAPTURE_INIT="systemd"' "$work/systemd-init.defaults" ||
		{ VM_FAIL_MSG="the installed /etc/default/kdump has no KDUMP_CAPTURE_INIT line"; return 1; }
	boot systemd-init crash
	run_phases
	expect_poweroff && vm_expect_log "$LOG" "kdump-capture.service" &&
		check_dump "$DISK" /var/crash
}

scenario_uuid_target() {
	truncate -s 2G "$work/target.img"
	mkfs.ext4 -q -F -U "$TARGET_UUID" -L kdumptarget "$work/target.img"
	printf 'ext4 UUID=%s\npath /dumps\n%s\nfinal_action poweroff\nfailure_action poweroff\n' \
		"$TARGET_UUID" "$COLLECTOR" >"$work/uuid-target.conf"
	vm_guest_disk_args "$work/target.img" d1 kdumptarget
	boot uuid-target crash "${VM_GUEST_DISK_ARGS[@]}"
	run_phases
	if ! { expect_poweroff && check_dump "$work/target.img" /dumps &&
		[ -z "$(dump_dirs "$DISK" /var/crash)" ]; }; then
		VM_FAIL_MSG="${VM_FAIL_MSG:-a dump also landed on the root disk}"
		return 1
	fi
}

scenario_invalid_conf() {
	printf 'path /var/crash\nfinal_action poweroff\ncore_collector makedumpfile -d 99\n' >"$work/invalid-conf.conf"
	boot invalid-conf status
	run_phases
	expect_poweroff &&
		vm_expect_log "$LOG" "$VM_TAG kdump.service=failed " &&
		vm_expect_marker "$LOG" "kexec_crash_loaded=0" &&
		vm_expect_log "$LOG" "$VM_TAG journal: /etc/kdump.conf:3:32: makedumpfile option \"-d\" needs dump levels from 0 to 31, not \"99\"" &&
		vm_expect_no_marker "$LOG" "panic"
}

scenario_small_target() {
	truncate -s 48M "$work/small.img"
	mkfs.ext4 -q -F -U "$TARGET_UUID" -L kdumptarget "$work/small.img"
	printf 'ext4 UUID=%s\npath /dumps\n%s\nfinal_action reboot\nfailure_action poweroff\n' \
		"$TARGET_UUID" "$COLLECTOR" >"$work/small-target.conf"
	vm_guest_disk_args "$work/small.img" d1 kdumptarget
	boot small-target crash "${VM_GUEST_DISK_ARGS[@]}"
	run_phases
	local d files
	d=$(dump_dirs "$work/small.img" /dumps | sed -n 1p)
	files=$(on_disk "$work/small.img" "ls /dumps/$d")
	# failure_action poweroff, not final_action reboot: QEMU ends by itself
	if ! { expect_poweroff && vm_expect_log "$LOG" "failure_action: poweroff" &&
		[ -n "$d" ] && ! grep -qE '(^|[[:space:]])vmcore([[:space:]]|$)' <<<"$files" &&
		grep -q vmcore-incomplete <<<"$files"; }; then
		VM_FAIL_MSG="${VM_FAIL_MSG:-expected vmcore-incomplete and no vmcore in /dumps/$d: $files}"
		return 1
	fi
}

# /var on a second disk and no target directive: the dump goes to the file
# system that holds path, /crash on that disk, not to the /var directory the
# mount hides on the root disk
scenario_var_disk() {
	local stage=$work/var-disk-destdir
	printf 'path /var/crash\n%s\nfinal_action poweroff\nfailure_action poweroff\n' "$COLLECTOR" >"$work/var-disk.conf"
	rm -rf -- "$stage"
	cp -a -- "$destdir" "$stage"
	cp -- "$work/var-disk.conf" "$stage/etc/kdump.conf"
	vm_guest_disk_args "$work/var.img" d1 kdumpvar
	boot_image var-disk crash --pkg-destdir "$stage" --var-disk "$work/var.img" -- "${VM_GUEST_DISK_ARGS[@]}"
	run_phases
	if ! { expect_poweroff && vm_expect_log "$LOG" "kdumpctl: saving the dump" &&
		check_dump "$work/var.img" /crash &&
		vm_say "  dump: $DUMP_DIR on the /var disk" &&
		[ -z "$(dump_dirs "$DISK" /var/crash)" ]; }; then
		VM_FAIL_MSG="${VM_FAIL_MSG:-a dump landed in /var/crash on the root disk}"
		return 1
	fi
}

# An ssh target. The server is the host's sshd, one `sshd -i` per
# connection (ssh-inetd.sh), reached only through QEMU's user network with
# restrict=on (the guest reaches nothing else) and a guestfwd of
# 10.0.2.100:22; its root's home is $work/ssh-home (bind-mounted over
# /root in a mount namespace of its own). The guest has a static address
# (systemd-networkd), the key, the server's recorded host key and the
# authorized key, as `kdumpctl propagate` would leave them. The crash
# kernel brings the NIC up from the image's record and streams the dump;
# the host rearranges vmcore.flat with makedumpfile -R and reads it.
SSH_SERVER=10.0.2.100
SSH_MAC=52:54:00:4b:44:01
ssh_server_setup() {
	local srv=$work/ssh-server ov=$work/ssh-overlay
	rm -rf -- "$srv" "$ov" "$work/ssh-home"
	mkdir -p -- "$srv" "$work/ssh-home/.ssh" "$ov/root/.ssh" "$ov/var/lib/kdump-snp" \
		"$ov/etc/systemd/network" "$ov/etc/systemd/system/multi-user.target.wants" \
		"$ov/etc/systemd/system/network-online.target.wants"
	chmod 0700 "$work/ssh-home" "$work/ssh-home/.ssh" "$ov/root" "$ov/root/.ssh"
	ssh-keygen -q -t ed25519 -N '' -f "$srv/hostkey"
	ssh-keygen -q -t ed25519 -N '' -C kdump-snp -f "$ov/root/.ssh/kdump_id_ed25519"
	cp -- "$ov/root/.ssh/kdump_id_ed25519.pub" "$work/ssh-home/.ssh/authorized_keys"
	printf '%s %s\n' "$SSH_SERVER" "$(cut -d' ' -f1,2 "$srv/hostkey.pub")" >"$ov/var/lib/kdump-snp/ssh_known_hosts"
	cat >"$srv/sshd_config" <<-EOF
		HostKey $srv/hostkey
		PidFile none
		UsePAM no
		PermitRootLogin prohibit-password
		PasswordAuthentication no
		KbdInteractiveAuthentication no
		StrictModes no
	EOF
	cat >"$srv/ssh-inetd.sh" <<-EOF
		#!/bin/sh
		exec unshare --mount sh -c 'mount --bind "\$1" /root && mount -t tmpfs tmpfs /run && mkdir /run/sshd && exec /usr/sbin/sshd -i -f "\$2" -E "\$3"' sh "$work/ssh-home" "$srv/sshd_config" "$srv/sshd.log"
	EOF
	chmod +x "$srv/ssh-inetd.sh"
	printf '[Match]\nMACAddress=%s\n\n[Network]\nAddress=10.0.2.15/24\n' "$SSH_MAC" >"$ov/etc/systemd/network/10-kdump-test.network"
	ln -s /usr/lib/systemd/system/systemd-networkd.service "$ov/etc/systemd/system/multi-user.target.wants/"
	ln -s /usr/lib/systemd/system/systemd-networkd-wait-online.service "$ov/etc/systemd/system/network-online.target.wants/"
	# TCG on a loaded host: networkd's start can take minutes
	mkdir -p -- "$ov/etc/systemd/system/systemd-networkd.service.d"
	printf '[Service]\nTimeoutStartSec=15min\n' >"$ov/etc/systemd/system/systemd-networkd.service.d/timeout.conf"
	SSH_NET_ARGS=(-netdev "user,id=n0,restrict=on,net=10.0.2.0/24,guestfwd=tcp:$SSH_SERVER:22-cmd:$srv/ssh-inetd.sh"
		-device "virtio-net-pci,netdev=n0,mac=$SSH_MAC")
}

# check_ssh_dump DIR: a complete dump streamed into DIR on the server
check_ssh_dump() {
	local base=$1 d
	d=$(find "$base" -mindepth 1 -maxdepth 1 -type d -name 'kdump-guest-*' 2>/dev/null | sed -n 1p)
	[ -n "$d" ] || { VM_FAIL_MSG="no dump directory in $base on the server"; return 1; }
	for f in vmcore.flat vmcore-dmesg.txt kdump-info.txt; do
		[ -s "$d/$f" ] || { VM_FAIL_MSG="$d lacks $f: $(ls "$d")"; return 1; }
	done
	[ -z "$(find "$d" -name '*incomplete*')" ] || { VM_FAIL_MSG="$d has incomplete files"; return 1; }
	if [ "$(stat -c %a "$d")" != 700 ] || [ "$(stat -c %a "$d/vmcore.flat")" != 600 ]; then
		VM_FAIL_MSG="modes: $(stat -c '%a %n' "$d" "$d"/*)"
		return 1
	fi
	rm -f -- "$work/vmcore" "$work/dmesg.txt"
	if ! makedumpfile -R "$work/vmcore" <"$d/vmcore.flat" >"$work/mdf.log" 2>&1 ||
		! makedumpfile --dump-dmesg "$work/vmcore" "$work/dmesg.txt" >>"$work/mdf.log" 2>&1; then
		VM_FAIL_MSG="the host's makedumpfile cannot read vmcore.flat ($(stat -c %s "$d/vmcore.flat") bytes): $(tail -n 5 "$work/mdf.log" | tr '\n' ' ')"
		return 1
	fi
	grep -q "sysrq triggered crash" "$work/dmesg.txt" ||
		{ VM_FAIL_MSG="the vmcore's kernel log lacks 'sysrq triggered crash'"; return 1; }
	grep -qx "result: saved" "$d/kdump-info.txt" || { VM_FAIL_MSG="kdump-info: $(cat "$d/kdump-info.txt")"; return 1; }
	vm_say "  dump: $d/vmcore.flat ($(stat -c %s "$d/vmcore.flat") bytes, $(stat -c %s "$work/vmcore") after -R)"
	rm -f -- "$work/vmcore"
}

scenario_ssh_target() {
	local stage=$work/ssh-target-destdir
	ssh_server_setup
	printf 'ssh root@%s\npath /var/crash\n%s\nlink_delay 30\nfinal_action poweroff\nfailure_action poweroff\n' \
		"$SSH_SERVER" "$COLLECTOR" >"$work/ssh-target.conf"
	rm -rf -- "$stage"
	cp -a -- "$destdir" "$stage"
	cp -- "$work/ssh-target.conf" "$stage/etc/kdump.conf"
	boot_image ssh-target crash --pkg-destdir "$stage" --overlay "$work/ssh-overlay" -- "${SSH_NET_ARGS[@]}"
	run_phases
	expect_poweroff && vm_expect_log "$LOG" "kdumpctl: dump saved: root@$SSH_SERVER" &&
		check_ssh_dump "$work/ssh-home/var/crash" &&
		[ -z "$(dump_dirs "$DISK" /var/crash)" ]
}

# The stock peer. Its crash kernel boots the guest's root with
# systemd.unit=kdump-tools-dump.service, whose `kdump-config savecore`
# writes /var/crash/<YYYYmmddHHMM>/dump.<stamp> (makedumpfile -F -c -d 31,
# the flattened format) and dmesg.<stamp>, then `reboot -f`: with
# -no-reboot, QEMU exits.
scenario_kdump_tools() {
	boot_image kdump-tools crash --flavour kdump-tools --
	run_phases_kdump_tools
	vm_expect_no_timeout "$LOG" || return 1
	vm_expect_log "$LOG" "$VM_TAG panic uptime=" ||
		{ VM_FAIL_MSG="kdump-tools: the guest did not panic (kdump-config status not ready?)"; return 1; }
	vm_expect_log "$LOG" "Run /init as init process" ||
		{ VM_FAIL_MSG="kdump-tools: no crash kernel started after the panic"; return 1; }
	vm_expect_log "$LOG" "reboot: Restarting system" ||
		{ VM_FAIL_MSG="kdump-tools: the crash kernel did not reboot after savecore"; return 1; }
	vm_expect_qemu_exit 0 || return 1
	check_kdump_tools_dump "$DISK" /var/crash
}

# check_kdump_tools_dump IMG DIR: kdump-tools' dump directory in DIR with
# a complete dump the host's makedumpfile reads
check_kdump_tools_dump() {
	local img=$1 base=$2 d files
	d=$(on_disk "$img" "ls $base" | tr -s ' \t' '\n' | grep -E '^[0-9]{12}$' | sed -n 1p) || true
	[ -n "$d" ] || { VM_FAIL_MSG="kdump-tools: no dump directory <YYYYmmddHHMM> in $base"; return 1; }
	files=$(on_disk "$img" "ls $base/$d")
	grep -qE "(^|[[:space:]])dump\.$d([[:space:]]|\$)" <<<"$files" ||
		{ VM_FAIL_MSG="kdump-tools: $base/$d lacks dump.$d: $(tr -s ' \t\n' ' ' <<<"$files")"; return 1; }
	grep -qE "(^|[[:space:]])dmesg\.$d([[:space:]]|\$)" <<<"$files" ||
		{ VM_FAIL_MSG="kdump-tools: $base/$d lacks dmesg.$d"; return 1; }
	! grep -q incomplete <<<"$files" ||
		{ VM_FAIL_MSG="kdump-tools: $base/$d has an incomplete dump"; return 1; }
	rm -f -- "$work/vmcore" "$work/dmesg.txt" "$work/kt-dmesg.txt"
	on_disk "$img" "dump $base/$d/dump.$d $work/vmcore"
	on_disk "$img" "dump $base/$d/dmesg.$d $work/kt-dmesg.txt"
	grep -q "sysrq triggered crash" "$work/kt-dmesg.txt" ||
		{ VM_FAIL_MSG="kdump-tools: its dmesg.$d lacks 'sysrq triggered crash'"; return 1; }
	# kdump-config pipes `makedumpfile -F` (flattened format) into the
	# file: -R makes it a kdump-compressed file again
	rm -f -- "$work/vmcore.kdump"
	makedumpfile -R "$work/vmcore.kdump" <"$work/vmcore" >"$work/mdf.log" 2>&1 || {
		VM_FAIL_MSG="kdump-tools: the host's makedumpfile -R cannot rearrange dump.$d ($(stat -c %s "$work/vmcore" 2>/dev/null) bytes copied out): $(tail -n 5 "$work/mdf.log" | tr '\n' ' ')"
		return 1
	}
	mv -f -- "$work/vmcore.kdump" "$work/vmcore"
	makedumpfile --dump-dmesg "$work/vmcore" "$work/dmesg.txt" >"$work/mdf.log" 2>&1 || {
		VM_FAIL_MSG="kdump-tools: the host's makedumpfile cannot read dump.$d ($(stat -c %s "$work/vmcore" 2>/dev/null) bytes after -R): $(tail -n 5 "$work/mdf.log" | tr '\n' ' ')"
		return 1
	}
	grep -q "sysrq triggered crash" "$work/dmesg.txt" ||
		{ VM_FAIL_MSG="kdump-tools: the kernel log in dump.$d lacks 'sysrq triggered crash'"; return 1; }
	vm_say "  dump: $base/$d/dump.$d ($(stat -c %s "$work/vmcore") bytes after -R); tail of the crashed kernel's log:"
	grep -v '^\s*$' "$work/dmesg.txt" | tail -n 6 | sed 's/^/    | /'
	rm -f -- "$work/vmcore"
}

# the phases of the peer's cycle, from its own lines (run_phases)
run_phases_kdump_tools() {
	run_phases kdump-tools
}

# run_one FUNCTION NAME: one scenario, its phases written to NAME.times
run_one() {
	local fn=$1 name=$2 start rc=0
	PHASES=()
	LOG=
	start=$(vm_now)
	"$fn" || rc=1
	phase total "$(vm_elapsed "$start")"
	printf '%s\n' "${PHASES[@]}" >"$results/$name.times"
	VM_PHASE_LOG=$LOG
	return "$rc"
}

vm_require_host_tools
for sc in "${scenarios[@]}"; do
	declare -F "scenario_${sc//-/_}" >/dev/null || vm_die "unknown scenario '$sc' (known: ${ALL[*]})"
done
for sc in "${scenarios[@]}"; do
	vm_phase "$sc" run_one "scenario_${sc//-/_}" "$sc"
done
vm_summary
