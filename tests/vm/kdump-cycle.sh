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
#        tests/vm/kdump-cycle.sh --list   (the scenarios, one a line)
#   KDUMP_SNP_VM_APPEND  more kernel parameters for every guest (and so for
#                        its crash kernel), e.g. no_timer_check where a
#                        starved TCG guest fails the IO-APIC timer check
#   KDUMP_SNP_VM_DEB     our Debian package (make check-vm sets it): the
#                        guests get it installed with dpkg, DESTDIR layered
#                        on top; the deb scenario needs it
#   DESTDIR      the package's file tree (dpkg-deb -x), or our
#                `make install DESTDIR=...` tree (--prefix=/usr --sysconfdir=/etc)
#   RESULTS_DIR  per-scenario phase timings (NAME.times) and serial logs
# Scenarios: default systemd-init uuid-target invalid-conf small-target
# var-disk ssh-target ssh-vlan nfs-target kdump-tools disk-missing raw-target
# ssh-server-down ssh-refusals disk-stall small-crashkernel watchdog-hang
# deb snp-dedicated snp-stock ssh-dhcp (all by default; ssh-dhcp-systemd
# and ssh-vlan-systemd on request). The bounded ones prove the bounds of issue #19:
# each asserts the action taken and the time from the crash kernel's /init
# (or the panic, or the hang) to it against the configured bound, written
# as the phases bound and to-action.
# shellcheck disable=SC2250,SC2292 # -o all style checks: this script uses $var and [ ] throughout
# shellcheck disable=SC2312 # pipelines run under pipefail; substitutions inside arguments fill messages and report text, and values that decide an outcome are tested where used
# shellcheck disable=SC2310 # the functions called in conditions (the vm_expect_* and check_* assertions, on_disk) return their status explicitly, none relies on set -e inside
set -euo pipefail

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/vm/lib.sh
. "$here/lib.sh"
# shellcheck source=tests/vm/nfs-server.sh
. "$here/nfs-server.sh"
# shellcheck source=tests/vm/ssh-server.sh
. "$here/ssh-server.sh"
# shellcheck source=tests/vm/vlan-server.sh
. "$here/vlan-server.sh"

ALL=(default systemd-init uuid-target invalid-conf small-target var-disk ssh-target ssh-vlan nfs-target
	kdump-tools disk-missing raw-target ssh-server-down ssh-refusals disk-stall small-crashkernel
	watchdog-hang deb snp-dedicated snp-stock ssh-dhcp)
if [ "${1:-}" = --list ]; then
	printf '%s\n' "${ALL[@]}"
	exit 0
fi
[ "$#" -ge 2 ] || vm_die "usage: $0 DESTDIR RESULTS_DIR [SCENARIO...] | --list"
destdir=$1
results=$2
shift 2
scenarios=("$@")
[ "${#scenarios[@]}" -gt 0 ] || scenarios=("${ALL[@]}")
[ -x "$destdir/usr/sbin/kdumpctl" ] || vm_die "$destdir has no usr/sbin/kdumpctl (make install DESTDIR=...)"
mkdir -p -- "$results"
work=$(mktemp -d "${TMPDIR:-/tmp}/kdump-cycle.XXXXXX")
trap 'vm_kill_qemu; nfs_server_kill; vlan_server_kill; rm -rf -- "$work"' EXIT
command -v debugfs >/dev/null || vm_apt_install e2fsprogs
command -v makedumpfile >/dev/null || vm_apt_install makedumpfile

TARGET_UUID=5d0c7a3e-1f2b-4c6d-8e9f-0a1b2c3d4e5f
# -l: the host's makedumpfile (Debian 12) reads lzo, not zstd
COLLECTOR="core_collector makedumpfile -l --message-level 1 -d 31"
# what reads a dump on the host (check_dump); the deb scenario's dump is
# zstd (tests/vm/scenario-deb.sh), which needs the guest's makedumpfile
HOST_MDF=(makedumpfile)

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
	"${HOST_MDF[@]}" --dump-dmesg "$work/vmcore" "$work/dmesg.txt" >"$work/mdf.log" 2>&1 || {
		VM_FAIL_MSG="the host's makedumpfile (${HOST_MDF[*]}) cannot read the vmcore ($(stat -c %s "$work/vmcore" 2>/dev/null) bytes copied out, $(grep bytes_written "$work/kdump-info.txt")): $(tail -n 5 "$work/mdf.log" | tr '\n' ' ')"
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
	stage_destdir "$name"
	boot_image "$name" "$test" --pkg-destdir "$STAGE" -- "$@"
}

# stage_destdir NAME: STAGE, a copy of the package tree with the scenario's
# kdump.conf ($work/NAME.conf) and, if there is one, /etc/default/kdump
# ($work/NAME.defaults)
stage_destdir() {
	STAGE=$work/$1-destdir
	rm -rf -- "$STAGE"
	cp -a -- "$destdir" "$STAGE"
	cp -- "$work/$1.conf" "$STAGE/etc/kdump.conf"
	[ ! -f "$work/$1.defaults" ] || cp -- "$work/$1.defaults" "$STAGE/etc/default/kdump"
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
	# our package, as users install it, under the scenario's tree
	if [ -n "${KDUMP_SNP_VM_DEB:-}" ] && [[ " ${image[*]} " == *" --pkg-destdir "* ]]; then
		image=(--pkg-deb "$KDUMP_SNP_VM_DEB" "${image[@]}")
	fi
	LOG=$results/$name.log
	local t
	t=$(vm_now)
	"$here/guest-image.sh" "${image[@]}" --out "$work/$name-out" >"$work/image.out" 2>&1 ||
		{ cat -- "$work/image.out"; vm_die "guest image for $name failed"; }
	phase image "$(vm_elapsed "$t")"
	sed -n 's/^run: \(installing .* with dpkg\|dpkg -i done in .*\)$/  image: \1/p' "$work/image.out"
	vm_guest_load "$work/$name-out/guest.env"
	# a scenario's server, started once the guest's base is known
	[ -z "${BEFORE_BOOT:-}" ] || "$BEFORE_BOOT"
	DISK=$VM_GUEST_DISK
	VM_TIMEOUT=${KDUMP_SNP_VM_TIMEOUT:-900}
	OUT=$work/$name.out
	vm_guest_boot "$LOG" "crashkernel=${CRASHKERNEL:-384M} panic=10 kdumptest=$test${KDUMP_SNP_VM_APPEND:+ $KDUMP_SNP_VM_APPEND}" "$@" > >(tee -- "$OUT")
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
	# kdump.service waited for udev, so the watchdog and kvm_amd that udev
	# loads at boot were in before the image was built: no second build
	expect_poweroff && vm_expect_log "$LOG" "$VM_TAG panic uptime=" &&
		vm_expect_marker "$LOG" "image-builds=1" && check_dump "$DISK" /var/crash &&
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

# expect_bound FROM-REGEX BOUND: the crash kernel reached its action (its
# last line) at most BOUND seconds after its first line matching FROM-REGEX
# (both its own timestamps); recorded as the phases bound and to-action
expect_bound() {
	local from off took
	from=$(crash_secs "$1")
	off=$(crash_secs "$VM_OFF_RE")
	phase bound "$2"
	if [ -z "$from" ] || [ -z "$off" ]; then
		VM_FAIL_MSG="the crash kernel's log lacks '$1' or an action line"
		return 1
	fi
	took=$(awk -v a="$off" -v b="$from" 'BEGIN { printf "%.1f", a - b }')
	phase to-action "$took"
	awk -v t="$took" -v b="$2" 'BEGIN { exit !(t <= b) }' ||
		{ VM_FAIL_MSG="the action came ${took}s after '$1', beyond the bound of $2s"; return 1; }
}

# target_disk IMG SIZE: an ext4 dump target with the scenarios' UUID
target_disk() {
	truncate -s "$2" "$1"
	mkfs.ext4 -q -F -U "$TARGET_UUID" -L kdumptarget "$1"
}

# A dump disk that stops answering during the capture: QEMU throttles its
# writes to 4 KiB/s, so the fsync of the kernel log or the vmcore never
# ends (the writer waits in D state). capture_timeout must end the capture
# and take failure_action (poweroff; final_action reboot would also end
# QEMU, so the kernel's own line tells them apart). The bound: the
# timeout, both kill graces (5 s each), the bounded sync (10 s) and 10 s.
STALL_TIMEOUT=60
scenario_disk_stall() {
	target_disk "$work/stall.img" 2G
	printf 'ext4 UUID=%s\npath /dumps\n%s\ndisk_timeout 20\ncapture_timeout %s\nfinal_action reboot\nfailure_action poweroff\n' \
		"$TARGET_UUID" "$COLLECTOR" "$STALL_TIMEOUT" >"$work/disk-stall.conf"
	vm_guest_disk_args "$work/stall.img" d1 kdumptarget
	VM_GUEST_DISK_ARGS[1]+=",throttling.bps-write=4096"
	boot disk-stall crash "${VM_GUEST_DISK_ARGS[@]}"
	run_phases
	expect_poweroff &&
		vm_expect_log "$LOG" "capture_timeout ($STALL_TIMEOUT s) passed" &&
		vm_expect_log "$LOG" "capture_timeout: running: pid" &&
		vm_expect_log "$LOG" "capture_timeout: poweroff" &&
		expect_bound 'Run /init as init process' "$((STALL_TIMEOUT + 30))"
}

# A dump device that never appears: the guest gives the target's file
# system a new UUID after the capture image was built for the old one
# (kdumptest=crash-lose-target). disk_timeout must end the wait and lead
# to failure_action. The bound: disk_timeout and 15 s for the crash
# kernel's /init to reach the wait.
MISSING_TIMEOUT=15
scenario_disk_missing() {
	target_disk "$work/lost.img" 512M
	printf 'ext4 UUID=%s\npath /dumps\n%s\ndisk_timeout %s\nfinal_action reboot\nfailure_action poweroff\n' \
		"$TARGET_UUID" "$COLLECTOR" "$MISSING_TIMEOUT" >"$work/disk-missing.conf"
	vm_guest_disk_args "$work/lost.img" d1 kdumptarget
	boot disk-missing crash-lose-target "${VM_GUEST_DISK_ARGS[@]}"
	run_phases
	expect_poweroff &&
		vm_expect_log "$LOG" "$VM_TAG target uuid now" &&
		vm_expect_log "$LOG" "did not appear within $MISSING_TIMEOUT s (disk_timeout)" &&
		vm_expect_log "$LOG" "failure_action: poweroff" &&
		expect_bound 'Run /init as init process' "$((MISSING_TIMEOUT + 15))"
}

# crash_action: the crash kernel's action and when it came, by its own
# clock: ACTION_SECS and ACTION ("power-off", "restart" or "restart after
# a panic"), both empty when it took none. The kernel's power-off and
# restart print a line (VM_OFF_RE); a panic restarts with
# emergency_restart(), which prints nothing: its time is the panic's
# "Rebooting in N seconds" line plus N.
crash_action() {
	local n
	ACTION_SECS=$(crash_secs "$VM_OFF_RE")
	ACTION=
	if [ -n "$ACTION_SECS" ]; then
		ACTION=$(tr -d '\r' <"$LOG" | grep -aoE "$VM_OFF_RE" | sed -n '$s/^reboot: //p')
		case $ACTION in
		"Power down") ACTION=power-off ;;
		"Restarting system") ACTION=restart ;;
		*) ;;
		esac
		return 0
	fi
	ACTION_SECS=$(crash_secs 'Rebooting in [0-9]+ seconds')
	[ -n "$ACTION_SECS" ] || return 0
	n=$(tr -d '\r' <"$LOG" | grep -aoE 'Rebooting in [0-9]+ seconds' | sed -n '$s/[^0-9]//gp')
	ACTION_SECS=$(awk -v a="$ACTION_SECS" -v n="$n" 'BEGIN { printf "%.1f", a + n }')
	ACTION="restart after a panic"
}

# crashkernel= below the measured minimum (96M in docs/BENCHMARKS.md; at
# 80M the crash kernel runs out of memory): whatever fails, the machine
# must end in an action (failure_action poweroff, or a restart after a
# panic in the crash kernel) within SMALL_BOUND seconds of the panic,
# never stay up.
SMALL_CRASHKERNEL=80M
SMALL_BOUND=90
scenario_small_crashkernel() {
	printf 'path /var/crash\n%s\nfinal_action poweroff\nfailure_action poweroff\n' "$COLLECTOR" >"$work/small-crashkernel.conf"
	CRASHKERNEL=$SMALL_CRASHKERNEL boot small-crashkernel crash
	run_phases
	phase bound "$SMALL_BOUND"
	ACTION_SECS=
	ACTION=
	# only a crash kernel's action: the guest's own kernel may have
	# panicked at boot (its timer check on a starved TCG host)
	if vm_expect_log "$LOG" "$VM_TAG panic uptime="; then
		crash_action
		[ -z "$ACTION_SECS" ] || phase to-action "$ACTION_SECS"
	fi
	vm_say "  crashkernel=$SMALL_CRASHKERNEL: ${ACTION:-no action}; $(tr -d '\r' <"$LOG" | grep -aoE "Out of memory[^]]*|Kernel panic - not syncing: [^]]*|Initramfs unpacking failed[^]]*|kdumpctl: [a-z_]*action: [a-z]*" | sed -n '2,6p' | tr '\n' ';')"
	vm_expect_no_timeout "$LOG" && vm_expect_qemu_exit 0 &&
		vm_expect_log "$LOG" "$VM_TAG panic uptime=" || return 1
	[ -n "$ACTION_SECS" ] || { VM_FAIL_MSG="the crash kernel took no action (no power-off, restart or panic line)"; return 1; }
	awk -v t="$ACTION_SECS" -v b="$SMALL_BOUND" 'BEGIN { exit !(t <= b) }' ||
		{ VM_FAIL_MSG="the $ACTION came ${ACTION_SECS}s after the panic, beyond the bound of ${SMALL_BOUND}s"; return 1; }
}

# A crash kernel that hangs inside the kernel: the test module
# kdump_snp_hang (tests/vm/hang-module/, built for the guest kernel in a
# chroot of the guest's base and cached) is an extra_modules module that
# spins with interrupts off when the capture loads it. The guest has QEMU's
# i6300esb, so the image gets its module and the capture arms it before
# loading the others (q35's own iTCO watchdog is kept out with
# module_blacklist=iTCO_wdt, which the crash kernel inherits, so the
# i6300esb is the only one: its driver registers it without a parent, so
# kdumpctl finds it by its identity, "i6300ESB timer"); only the watchdog
# can end the hang, with a reset
# (QEMU exits: -no-reboot) and no line of the kernel's own. The bound:
# the armed timeout (Linux splits it over the i6300esb's two stages; the
# first run reset 70.4 s after the hang with 70 s armed) and 15 s.
HANG_CAPTURE_TIMEOUT=10
scenario_watchdog_hang() {
	local name=watchdog-hang stage=$work/watchdog-hang-destdir ko t armed hang_at took bound
	printf 'path /var/crash\n%s\nextra_modules kdump_snp_hang\ndisk_timeout 5\ncapture_timeout %s\nfinal_action poweroff\nfailure_action poweroff\n' \
		"$COLLECTOR" "$HANG_CAPTURE_TIMEOUT" >"$work/$name.conf"
	rm -rf -- "$stage"
	cp -a -- "$destdir" "$stage"
	cp -- "$work/$name.conf" "$stage/etc/kdump.conf"
	# the module is written into the disk after the image is built: the
	# guest's modules.dep must list it before kdump.service builds the
	# capture image
	mkdir -p "$stage/etc/systemd/system/kdump.service.d"
	printf '[Service]\nExecStartPre=/usr/sbin/depmod -a\n' >"$stage/etc/systemd/system/kdump.service.d/depmod.conf"
	LOG=$results/$name.log
	t=$(vm_now)
	"$here/guest-image.sh" ${KDUMP_SNP_VM_DEB:+--pkg-deb "$KDUMP_SNP_VM_DEB"} --pkg-destdir "$stage" \
		--out "$work/$name-out" >"$work/image.out" 2>&1 ||
		{ cat -- "$work/image.out"; vm_die "guest image for $name failed"; }
	vm_guest_load "$work/$name-out/guest.env"
	ko=$("$here/hang-module/build.sh" "$(dirname -- "$VM_GUEST_KERNEL")/root" "$VM_GUEST_KVER" | tail -n 1)
	[ -s "$ko" ] || vm_die "no test module"
	debugfs -w -R "mkdir /usr/lib/modules/$VM_GUEST_KVER/updates" "$VM_GUEST_DISK" >/dev/null 2>&1
	debugfs -w -R "write $ko /usr/lib/modules/$VM_GUEST_KVER/updates/kdump_snp_hang.ko" "$VM_GUEST_DISK" >/dev/null 2>&1
	on_disk "$VM_GUEST_DISK" "stat /usr/lib/modules/$VM_GUEST_KVER/updates/kdump_snp_hang.ko" | grep -q "Size: $(stat -c %s "$ko")" ||
		vm_die "kdump_snp_hang.ko is not on the guest disk"
	phase image "$(vm_elapsed "$t")"
	DISK=$VM_GUEST_DISK
	VM_TIMEOUT=${KDUMP_SNP_VM_TIMEOUT:-900}
	OUT=$work/$name.out
	vm_guest_boot "$LOG" "crashkernel=384M panic=10 module_blacklist=iTCO_wdt kdumptest=crash${KDUMP_SNP_VM_APPEND:+ $KDUMP_SNP_VM_APPEND}" \
		-device i6300esb > >(tee -- "$OUT")
	sleep 0.2
	run_phases
	vm_expect_no_timeout "$LOG" && vm_expect_qemu_exit 0 &&
		vm_expect_log "$LOG" "status:   watchdog:     watchdog0 (i6300ESB timer)" &&
		vm_expect_log "$LOG" "$VM_TAG panic uptime=" &&
		vm_expect_log "$LOG" "watchdog /dev/watchdog0 (i6300ESB timer) armed" || return 1
	armed=$(tr -d '\r' <"$LOG" | sed -n 's/.*(i6300ESB timer) armed: it resets the machine if the capture hangs for \([0-9]*\) s.*/\1/p' | sed -n 1p)
	hang_at=$(marker_secs 'hang: spinning')
	if [ -z "$armed" ] || [ -z "$hang_at" ]; then
		VM_FAIL_MSG="the crash kernel did not arm the watchdog and then hang"
		return 1
	fi
	[ -z "$(crash_secs "$VM_OFF_RE")" ] ||
		{ VM_FAIL_MSG="the crash kernel ended by itself, not by the watchdog"; return 1; }
	bound=$((armed + 15))
	took=$(awk -v a="$VM_QEMU_SECS" -v b="$hang_at" 'BEGIN { printf "%.1f", a - b }')
	phase bound "$bound"
	phase to-action "$took"
	awk -v t="$took" -v b="$bound" 'BEGIN { exit !(t <= b) }' ||
		{ VM_FAIL_MSG="the reset came ${took}s after the hang, beyond the bound of ${bound}s"; return 1; }
	vm_say "  watchdog armed for ${armed}s; reset ${took}s after the hang began"
}

# An ssh target: the server of tests/vm/ssh-server.sh. The crash kernel
# brings the NIC up from the image's record and streams the dump; the
# host rearranges vmcore.flat with makedumpfile -R and reads it.

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

# The ssh target with KDUMP_NET=dhcp: the guest keeps a static address,
# 10.0.2.20, and the image records no address at all; the crash kernel
# asks QEMU's user network, whose DHCP server hands out 10.0.2.15 first,
# with dhcpcd, and streams the dump from that address. ssh-dhcp-systemd:
# the same with the systemd capture image (KDUMP_CAPTURE_INIT=systemd).
SSH_DHCP_HOST=10.0.2.20
SSH_DHCP_LEASE=10.0.2.15
# ssh_dhcp_cycle NAME CAPTURE_INIT
ssh_dhcp_cycle() {
	local name=$1 init=$2 stage=$work/$1-destdir
	ssh_server_setup "$work"
	printf '[Match]\nMACAddress=%s\n\n[Network]\nAddress=%s/24\n' "$SSH_MAC" "$SSH_DHCP_HOST" \
		>"$work/ssh-overlay/etc/systemd/network/10-kdump-test.network"
	printf 'ssh root@%s\npath /var/crash\n%s\nlink_delay 30\nfinal_action poweroff\nfailure_action poweroff\n' \
		"$SSH_SERVER" "$COLLECTOR" >"$work/$name.conf"
	rm -rf -- "$stage"
	cp -a -- "$destdir" "$stage"
	cp -- "$work/$name.conf" "$stage/etc/kdump.conf"
	printf 'KDUMP_NET=dhcp\nKDUMP_CAPTURE_INIT=%s\n' "$init" >"$stage/etc/default/kdump"
	boot_image "$name" crash --pkg-destdir "$stage" --overlay "$work/ssh-overlay" -- "${SSH_NET_ARGS[@]}"
	run_phases
	expect_poweroff &&
		vm_expect_log "$LOG" "kdumpctl: bringing up the interface with MAC address of" &&
		vm_expect_log "$LOG" "has address $SSH_DHCP_LEASE; the server $SSH_SERVER is on the link" &&
		vm_expect_log "$LOG" "kdumpctl: dump saved: root@$SSH_SERVER" &&
		check_ssh_dump "$work/ssh-home/var/crash" &&
		[ -z "$(dump_dirs "$DISK" /var/crash)" ]
}

scenario_ssh_dhcp() {
	ssh_dhcp_cycle ssh-dhcp minimal
}

scenario_ssh_dhcp_systemd() {
	ssh_dhcp_cycle ssh-dhcp-systemd systemd && vm_expect_log "$LOG" "kdump-capture.service"
}

scenario_ssh_target() {
	local stage=$work/ssh-target-destdir
	ssh_server_setup "$work"
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

# An ssh target behind a VLAN: the guest's address is on VLAN 42 of its
# NIC (systemd-networkd), and the server, sshd in a network namespace of
# the host, is reachable through that VLAN alone (tests/vm/vlan-server.sh).
# kdumpctl records the VLAN, the capture image gets 8021q, and the crash
# kernel finds the NIC by its MAC, creates the VLAN on it and streams the
# dump through it. ssh-vlan-systemd: the same with the systemd capture
# image (KDUMP_CAPTURE_INIT=systemd).
# ssh_vlan_cycle NAME CAPTURE_INIT
ssh_vlan_cycle() {
	local name=$1 init=$2 stage=$work/$1-destdir rc=0
	ssh_server_setup "$work"
	vlan_guest_overlay "$work/ssh-overlay"
	printf 'ssh root@%s\npath /var/crash\n%s\nlink_delay 30\nfinal_action poweroff\nfailure_action poweroff\n' \
		"$VLAN_SERVER" "$COLLECTOR" >"$work/$name.conf"
	rm -rf -- "$stage"
	cp -a -- "$destdir" "$stage"
	cp -- "$work/$name.conf" "$stage/etc/kdump.conf"
	[ "$init" = minimal ] || printf 'KDUMP_CAPTURE_INIT=%s\n' "$init" >"$stage/etc/default/kdump"
	vlan_server_start "$work" "$work/ssh-server" "$work/ssh-home"
	boot_image "$name" crash --pkg-destdir "$stage" --overlay "$work/ssh-overlay" -- \
		-netdev "stream,id=n0,server=off,addr.type=unix,addr.path=$VLAN_SOCK" \
		-device "virtio-net-pci,netdev=n0,mac=$SSH_MAC"
	vlan_server_kill
	cat -- "$work/vlan-port.log" "$work/ssh-server/sshd.log" >"$results/$name-server.log" 2>/dev/null || true
	run_phases
	vm_say "  $(tail -n 1 -- "$work/vlan-port.log")"
	expect_poweroff &&
		vm_expect_log "$LOG" "kdumpctl: bringing up VLAN $VLAN_ID (vlan$VLAN_ID) on the interface" &&
		vm_expect_log "$LOG" "kdumpctl: dump saved: root@$VLAN_SERVER" &&
		check_ssh_dump "$work/ssh-home/var/crash" &&
		[ -z "$(dump_dirs "$DISK" /var/crash)" ] || rc=1
	return "$rc"
}

scenario_ssh_vlan() {
	ssh_vlan_cycle ssh-vlan minimal
}

scenario_ssh_vlan_systemd() {
	ssh_vlan_cycle ssh-vlan-systemd systemd && vm_expect_log "$LOG" "kdump-capture.service"
}

# An nfs target. The server is the Linux kernel's nfsd in a second QEMU
# guest (tests/vm/nfs-server.sh), linked to this one by a -netdev stream
# on a UNIX socket and nothing else; it exports an ext4 disk the host
# reads afterwards with debugfs. The guest has a static address
# (systemd-networkd); kdumpctl start mounts the export to check it, the
# crash kernel brings the NIC up from the image's record, mounts the export
# with the kernel's NFSv4 client and writes the dump as to a local target.
nfs_server_up() {
	nfs_server_start "$work" "$(dirname -- "$VM_GUEST_KERNEL")"
	phase nfs-server-boot "$NFS_SERVER_BOOT_SECS"
}

scenario_nfs_target() {
	local stage=$work/nfs-target-destdir rc=0
	nfs_client_overlay "$work/nfs-overlay"
	printf 'nfs %s:/srv\npath /var/crash\n%s\nlink_delay 30\nfinal_action poweroff\nfailure_action poweroff\n' \
		"$NFS_SERVER_ADDR" "$COLLECTOR" >"$work/nfs-target.conf"
	rm -rf -- "$stage"
	cp -a -- "$destdir" "$stage"
	cp -- "$work/nfs-target.conf" "$stage/etc/kdump.conf"
	BEFORE_BOOT=nfs_server_up
	NFS_SERVER_SOCK=$work/nfs.sock
	boot_image nfs-target crash --pkg-destdir "$stage" --overlay "$work/nfs-overlay" -- \
		-netdev "stream,id=n0,server=off,addr.type=unix,addr.path=$NFS_SERVER_SOCK" \
		-device "virtio-net-pci,netdev=n0,mac=$NFS_CLIENT_MAC"
	BEFORE_BOOT=
	nfs_server_stop
	cp -- "$work/nfs-server.log" "$results/nfs-target-server.log" 2>/dev/null || true
	run_phases
	expect_poweroff && vm_expect_log "$LOG" "kdumpctl: dump saved: /kdump-target/var/crash/" &&
		vm_expect_log "$LOG" "kdumpctl: mounted $NFS_SERVER_ADDR:/srv with NFS 4.2" &&
		check_dump "$NFS_SERVER_IMG" /var/crash &&
		[ -z "$(dump_dirs "$DISK" /var/crash)" ] || rc=1
	[ "$rc" = 0 ] && vm_say "  dump on the server's export: $DUMP_DIR"
	return "$rc"
}

# A raw target: the dump goes to a second disk that holds no file system,
# named by its by-id link as kdump-utils advises (the minimal image has no
# udev: it writes to the node the link names at build time), and the guest
# powers off. The host sees the complete mark on that disk, then boots the
# same guest again (kdumptest=status): kdump.service's `kdumpctl start`
# restores the dump into /var/crash on the root disk, checks it and clears
# the mark before it arms. The host finds the dump there and reads it.
scenario_raw_target() {
	local raw=$work/raw.img t start
	local -a raw_args
	rm -f -- "$raw"
	truncate -s 1G "$raw"
	printf 'raw /dev/disk/by-id/virtio-kdumpraw
path /var/crash
%s
final_action poweroff
failure_action poweroff
' \
		"$COLLECTOR" >"$work/raw-target.conf"
	vm_guest_disk_args "$raw" d1 kdumpraw
	raw_args=("${VM_GUEST_DISK_ARGS[@]}")
	boot raw-target crash "${raw_args[@]}"
	run_phases
	expect_poweroff && vm_expect_log "$LOG" "kdumpctl: dump saved: raw device /dev/vdb" || return 1
	if [ "$(head -c 8 "$raw")" != KDSNPRAW ] || [ "$(od -An -tu4 -j16 -N4 "$raw" | tr -d ' ')" != 2 ]; then
		VM_FAIL_MSG="the raw disk holds no dump marked complete"
		return 1
	fi
	[ -z "$(dump_dirs "$DISK" /var/crash)" ] || { VM_FAIL_MSG="a dump is in /var/crash before the restore"; return 1; }
	# the next boot of the same guest restores it
	t=$(vm_now)
	LOG=$results/raw-target-restore.log
	OUT=$work/raw-target-restore.out
	vm_guest_boot "$LOG" "crashkernel=${CRASHKERNEL:-384M} panic=10 kdumptest=status${KDUMP_SNP_VM_APPEND:+ $KDUMP_SNP_VM_APPEND}" \
		"${raw_args[@]}" > >(tee -- "$OUT")
	sleep 0.2
	phase restore-boot "$(vm_elapsed "$t")"
	start=$(marker_value kdump-start-secs)
	[ -z "$start" ] || phase restore-kdump-start "$start"
	expect_poweroff && vm_expect_log "$LOG" "dump restored: /var/crash/kdump-guest-" &&
		vm_expect_log "$LOG" "$VM_TAG kdump.service=active " &&
		vm_expect_marker "$LOG" "kexec_crash_loaded=1" &&
		check_dump "$DISK" /var/crash || return 1
	[ -z "$(head -c 4096 "$raw" | tr -d '\0')" ] || { VM_FAIL_MSG="the mark on the raw disk is not cleared"; return 1; }
	vm_say "  dump: $DUMP_DIR, restored from the raw disk on the next boot"
}

# ssh_failure_boot NAME KDUMPTEST MODE LINK_DELAY: the ssh-target guest
# and server, the server in MODE at boot, final_action reboot and
# failure_action poweroff (QEMU ends on either; the kernel's last line
# tells them apart)
ssh_failure_boot() {
	local name=$1 test=$2 mode=$3 delay=$4 stage=$work/$1-destdir
	ssh_server_setup "$work"
	printf '%s\n' "$mode" >"$work/ssh-server/mode"
	printf 'ssh root@%s\npath /var/crash\n%s\nlink_delay %s\nfinal_action reboot\nfailure_action poweroff\n' \
		"$SSH_SERVER" "$COLLECTOR" "$delay" >"$work/$name.conf"
	rm -rf -- "$stage"
	cp -a -- "$destdir" "$stage"
	cp -- "$work/$name.conf" "$stage/etc/kdump.conf"
	boot_image "$name" "$test" --pkg-destdir "$stage" --overlay "$work/ssh-overlay" -- "${SSH_NET_ARGS[@]}"
}

# no_ssh_dump: nothing of a dump reached the server
no_ssh_dump() {
	local found
	found=$(find "$work/ssh-home" -name 'vmcore*' 2>/dev/null)
	[ -z "$found" ] || { VM_FAIL_MSG="the server got: $found"; return 1; }
}

# The ssh server stops answering once kdump is armed (the guest sets it
# through the control port, kdumptest=crash-ssh-down, then panics): the
# capture waits for it at most link_delay (ssh's ConnectTimeout) and takes
# failure_action. The bound, from the crash kernel's /init to the action:
# link_delay for the link, link_delay for the server, and 15 s.
SSH_DOWN_DELAY=20
scenario_ssh_server_down() {
	ssh_failure_boot ssh-server-down crash-ssh-down up "$SSH_DOWN_DELAY"
	run_phases
	expect_poweroff && vm_expect_marker "$LOG" "server mode=down" &&
		vm_expect_log "$LOG" "$VM_TAG panic uptime=" &&
		vm_expect_log "$LOG" "failure_action: poweroff" && no_ssh_dump &&
		expect_bound 'Run /init as init process' "$((2 * SSH_DOWN_DELAY + 15))"
}

# Two refusals in one boot. The guest boots with the server down:
# kdump.service's start must refuse to arm and name the target (no crash
# needed for that). The guest then brings the server up and restarts
# kdump.service, which arms; the server changes its host key and the guest
# panics (kdumptest=ssh-unreachable-then-hostkey): the capture must refuse
# to send to it (StrictHostKeyChecking=yes) and take failure_action.
SSH_REFUSE_DELAY=10
scenario_ssh_refusals() {
	ssh_failure_boot ssh-refusals ssh-unreachable-then-hostkey down "$SSH_REFUSE_DELAY"
	run_phases
	expect_poweroff &&
		vm_expect_log "$LOG" "ssh target root@$SSH_SERVER unreachable: cannot connect to $SSH_SERVER port 22 within $SSH_REFUSE_DELAY s" &&
		vm_expect_log "$LOG" "kdump is not armed for it" &&
		vm_expect_marker "$LOG" "server mode=up" &&
		vm_expect_marker "$LOG" "server mode=otherkey" &&
		vm_expect_log "$LOG" "$VM_TAG panic uptime=" &&
		vm_expect_log "$LOG" "Host key verification failed" &&
		vm_expect_log "$LOG" "failure_action: poweroff" && no_ssh_dump
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

# the deb scenario: the package installed, armed, upgraded, removed, purged
# shellcheck source=tests/vm/scenario-deb.sh
. "$here/scenario-deb.sh"

# the SNP cycle on the QEMU of tests/qemu, with the dedicated crash kernel
# and its control
# shellcheck source=tests/vm/scenario-snp.sh
. "$here/scenario-snp.sh"

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
