#!/bin/bash
# The guest side of `make bench` (bench/run-bench), started by
# kdump-bench.service when the kernel command line has kdumpbench=WHAT.
# Prints "KDUMP-BENCH: ..." lines on the console, which the host reads from
# the serial log.
#
#   kdumpbench=prep  the first boot of a benchmark disk: wait until the boot
#                    has finished (the first start of kdump builds the
#                    capture image), report that start's duration and the
#                    package versions, then time kdumpbench_loads=N (default
#                    5) loads of the crash kernel with the capture image
#                    already fresh (kdump-snp: `kdumpctl stop`, then timed
#                    `kdumpctl start`; kdump-tools: `kdump-config unload`,
#                    then timed `kdump-config load`), then N bare loads of
#                    the same kernel and image with the flavour's own
#                    `kexec -s -p`, and power off.
#
# Usage: kdump-bench.sh (no arguments; reads /proc/cmdline)
set -euo pipefail

TAG='KDUMP-BENCH:'

say() {
	printf '%s %s\n' "$TAG" "$*"
}

# cmdline_value KEY: the value of the last KEY=VALUE on /proc/cmdline
cmdline_value() {
	local w v='' cmdline
	read -r cmdline </proc/cmdline
	for w in $cmdline; do
		case $w in
		"$1"=*) v=${w#*=} ;;
		esac
	done
	printf '%s\n' "$v"
}

# now_ns: CLOCK_REALTIME in nanoseconds
now_ns() {
	date +%s%N
}

# flavour: kdump-snp or kdump-tools, from the installed tools
flavour() {
	if command -v kdumpctl >/dev/null 2>&1; then
		printf 'kdump-snp\n'
	elif command -v kdump-config >/dev/null 2>&1; then
		printf 'kdump-tools\n'
	else
		printf 'none\n'
	fi
}

# service_secs UNIT: how long UNIT's start took (its main process)
service_secs() {
	local a b
	a=$(systemctl show -p ExecMainStartTimestampMonotonic --value "$1" 2>/dev/null) || a=
	b=$(systemctl show -p ExecMainExitTimestampMonotonic --value "$1" 2>/dev/null) || b=
	if [ -n "$a" ] && [ -n "$b" ] && [ "$a" -gt 0 ] && [ "$b" -ge "$a" ]; then
		awk -v d="$((b - a))" 'BEGIN { printf "%.2f\n", d / 1e6 }'
	fi
}

crash_loaded() {
	cat /sys/kernel/kexec_crash_loaded 2>/dev/null || printf '?\n'
}

# crash_kernel FLAVOUR: "PATH RELEASE" of the kernel the flavour loads;
# kdump-snp's is the one KDUMP_KERNEL chose (the dedicated crash kernel on
# a disk of the "dedicated" configuration), as `kdumpctl status` names it
crash_kernel() {
	local k=''
	[ "$1" != kdump-snp ] ||
		k=$(kdumpctl status 2>/dev/null | sed -n 's/^  crash kernel: \(.*\) (\(.*\))$/\1 \2/p' | sed -n 1p)
	printf '%s\n' "${k:-/boot/vmlinuz-$(uname -r) $(uname -r)}"
}

# capture_image FLAVOUR: the capture initramfs the flavour loads
capture_image() {
	local k
	case $1 in
	kdump-snp)
		k=$(crash_kernel "$1")
		printf '/var/lib/kdump/initramfs-%s-kdump.img\n' "${k##* }"
		;;
	kdump-tools) readlink -f "/var/lib/kdump/initrd.img-$(uname -r)" ;;
	esac
}

# image_state FLAVOUR: size and mtime of the capture image (a rebuild
# changes them; kdump-config also rewrites small state files beside it at
# every load, which do not count)
image_state() {
	stat -L -c '%n %s %Y.%y' -- "$(capture_image "$1")" 2>/dev/null || printf 'none\n'
}

# report_versions: the packages the report names
report_versions() {
	local p v
	for p in kdump-tools kexec-tools makedumpfile dracut initramfs-tools linux-image-amd64 kdump-snp-crash-kernel; do
		v=$(dpkg-query -W -f='${Version}' "$p" 2>/dev/null) || v=
		say "version $p=${v:-none}"
	done
	if command -v kdumpctl >/dev/null 2>&1; then
		say "version kdump-snp=$(kdumpctl --version 2>/dev/null | head -n1)"
	fi
}

# unload_cmd / load_cmd: the flavour's commands
unload() {
	case $1 in
	kdump-snp) kdumpctl stop ;;
	kdump-tools) kdump-config unload ;;
	esac
}

load() {
	case $1 in
	kdump-snp) kdumpctl start ;;
	kdump-tools) kdump-config load ;;
	esac
}

# time_loads FLAVOUR N: N timed loads, each after an unload
time_loads() {
	local fl=$1 n=$2 i t0 t1 before after out rc
	for ((i = 1; i <= n; i++)); do
		unload "$fl" >/dev/null 2>&1 || say "unload $i failed"
		say "unloaded $i kexec_crash_loaded=$(crash_loaded)"
		before=$(image_state "$fl")
		sync
		rc=0
		t0=$(now_ns)
		out=$(load "$fl" 2>&1) || rc=$?
		t1=$(now_ns)
		after=$(image_state "$fl")
		local rebuilt=0
		[ "$before" = "$after" ] || rebuilt=1
		say "load $i ms=$(awk -v d="$((t1 - t0))" 'BEGIN { printf "%.1f", d / 1e6 }') rc=$rc rebuilt=$rebuilt kexec_crash_loaded=$(crash_loaded)"
		if [ "$rc" != 0 ]; then
			while IFS= read -r line; do say "load output: $line"; done <<<"$out"
		fi
	done
}

# time_kexec FLAVOUR N: N timed bare crash loads of the same kernel and
# capture image with the flavour's own `kexec -s -p` (kexec_file_load),
# each after `kexec -p -u`: the part of a load that is the system call
time_kexec() {
	local fl=$1 n=$2 i t0 t1 img rc k
	img=$(capture_image "$fl")
	k=$(crash_kernel "$fl")
	unload "$fl" >/dev/null 2>&1 || true
	for ((i = 1; i <= n; i++)); do
		kexec -p -u >/dev/null 2>&1 || true
		sync
		rc=0
		t0=$(now_ns)
		kexec -s -p "${k% *}" --initrd="$img" \
			--command-line="reset_devices nr_cpus=1 console=ttyS0" >/dev/null 2>&1 || rc=$?
		t1=$(now_ns)
		say "kexec $i ms=$(awk -v d="$((t1 - t0))" 'BEGIN { printf "%.1f", d / 1e6 }') rc=$rc kexec_crash_loaded=$(crash_loaded)"
	done
	kexec -p -u >/dev/null 2>&1 || true
}

prep() {
	local fl unit secs state n
	fl=$(flavour)
	say "flavour=$fl"
	state=$(timeout 900 systemctl is-system-running --wait 2>/dev/null) || true
	say "system-state=${state:-unknown}"
	case $fl in
	kdump-snp) unit=kdump.service ;;
	kdump-tools) unit=kdump-tools.service ;;
	*)
		say "FAIL no kdump tools in this guest"
		systemctl --no-block poweroff
		return 0
		;;
	esac
	secs=$(service_secs "$unit")
	say "first-start unit=$unit secs=${secs:-unknown} active=$(systemctl is-active "$unit" 2>/dev/null || true)"
	say "kexec_crash_loaded=$(crash_loaded) kexec_crash_size=$(cat /sys/kernel/kexec_crash_size 2>/dev/null || printf '?')"
	report_versions
	if [ "$fl" = kdump-snp ]; then
		kdumpctl estimate 2>&1 | while IFS= read -r line; do say "estimate: $line"; done || true
	fi
	say "crash-kernel: $(crash_kernel "$fl")"
	say "image: $(image_state "$fl")"
	n=$(cmdline_value kdumpbench_loads)
	case $n in '' | *[!0-9]*) n=5 ;; esac
	time_loads "$fl" "$n"
	[ "$n" = 0 ] || time_kexec "$fl" "$n"
	say "done"
	sync
	systemctl --no-block poweroff
}

what=$(cmdline_value kdumpbench)
say "booted kdumpbench=$what"
case $what in
prep) prep ;;
*) say "FAIL unknown kdumpbench=$what" ;;
esac
