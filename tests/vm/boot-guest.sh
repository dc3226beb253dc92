#!/bin/bash
# Boot the Debian guest of tests/vm/guest-image.sh in QEMU and check that it
# comes up with systemd and powers off.
#
# Usage: tests/vm/boot-guest.sh [options]
#
#   --flavour F        kdump-snp (default) or kdump-tools: the guest
#                      guest-image.sh builds (passed to it)
#   --pkg-destdir DIR  our `make install DESTDIR=DIR` tree, layered into the
#                      image (passed to guest-image.sh)
#   --overlay DIR      a tree copied over the image (passed to guest-image.sh)
#   --env FILE         boot the guest that FILE (guest.env) describes, as it
#                      is; without it guest-image.sh builds the disk first
#   --out DIR          where guest-image.sh puts the disk (its --out)
#   --disk2 FILE       a second raw disk, behind the IOMMU like the root
#                      disk (serial kdumptarget in the guest)
#   --append ARGS      more kernel arguments (may be given more than once)
#   --kdumptest WHAT   the guest test driver's scenario (default poweroff;
#                      "none": the guest stays up until the timeout)
#   --crashkernel SIZE crashkernel= for the guest (default 384M)
#   --smp N            vCPUs (default 1: 2 were no faster on a busy 2-core host)
#   --timeout SECS     for the QEMU run (default 600)
#   --log FILE         the serial log (default: a temporary file, kept on
#                      failure)
#   --times FILE       write the phase durations there, "phase seconds" lines
#
# The guest's kdump-snp-test.service prints "KDUMP-SNP-TEST: ..." lines on
# the serial console; this script requires "booted", "system-state=" and,
# with kdumptest=poweroff, "poweroff" and QEMU exiting by itself. It prints
# the phase durations: image, boot to the first marker, boot finished,
# QEMU exit, total.
#
# Environment: as tests/vm/guest-image.sh, and QEMU, KDUMP_SNP_VM_LOGLINES.

# shellcheck disable=SC2250,SC2292 # -o all style checks: this script uses $var and [ ] throughout
# shellcheck disable=SC2312 # pipelines run under pipefail; substitutions inside arguments fill messages and report text, and values that decide an outcome are tested where used
# shellcheck disable=SC2310 # the functions called in conditions (vm_expect_log, vm_markers) return their status explicitly, none relies on set -e inside
set -euo pipefail

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/vm/lib.sh
. "$here/lib.sh"

pkg_destdir=
flavour=
overlay=
env_file=
out_dir=$VM_GUEST_CACHE/run
disk2=
append=()
kdumptest=poweroff
crashkernel=384M
smp=1
timeout=600
log=
times=
while [ "$#" -gt 0 ]; do
	case $1 in
	--pkg-destdir | --flavour | --overlay | --env | --out | --disk2 | --append | --kdumptest | --crashkernel | --smp | --timeout | --log | --times)
		[ "$#" -ge 2 ] || vm_die "$1 needs a value"
		case $1 in
		--pkg-destdir) pkg_destdir=$2 ;;
		--flavour) flavour=$2 ;;
		--overlay) overlay=$2 ;;
		--env) env_file=$2 ;;
		--out) out_dir=$2 ;;
		--disk2) disk2=$2 ;;
		--append) append+=("$2") ;;
		--kdumptest) kdumptest=$2 ;;
		--crashkernel) crashkernel=$2 ;;
		--smp) smp=$2 ;;
		--timeout) timeout=$2 ;;
		--log) log=$2 ;;
		--times) times=$2 ;;
		*) vm_die "internal: no case for $1" ;;
		esac
		shift 2
		;;
	-h | --help)
		sed -n '2,/^$/s/^# \{0,1\}//p' "$0"
		exit 0
		;;
	*) vm_die "unknown argument '$1' (see --help)" ;;
	esac
done
case $smp in
'' | *[!0-9]*) vm_die "--smp $smp: not a number" ;;
*) ;;
esac
case $timeout in
'' | *[!0-9]*) vm_die "--timeout $timeout: not a number" ;;
*) ;;
esac
[ -z "$disk2" ] || [ -f "$disk2" ] || vm_die "--disk2 $disk2: no such file"
if [ -n "$env_file" ] && [ -n "$pkg_destdir$flavour$overlay" ]; then
	vm_die "--pkg-destdir, --flavour and --overlay build an image; --env boots an existing one: give one of them"
fi

total_start=$(vm_now)
PHASES=()
# phase NAME SECONDS: print and record one duration
phase() {
	vm_say "phase $1: $2s"
	PHASES+=("$1 $2")
}

vm_require_host_tools

# ---- image ----------------------------------------------------------------------

if [ -z "$env_file" ]; then
	t=$(vm_now)
	args=(--out "$out_dir")
	[ -z "$pkg_destdir" ] || args+=(--pkg-destdir "$pkg_destdir")
	[ -z "$flavour" ] || args+=(--flavour "$flavour")
	[ -z "$overlay" ] || args+=(--overlay "$overlay")
	"$here/guest-image.sh" "${args[@]}"
	env_file=$out_dir/guest.env
	phase image "$(vm_elapsed "$t")"
fi
vm_guest_load "$env_file"

# ---- boot ----------------------------------------------------------------------

keep_log=0
if [ -z "$log" ]; then
	log=$(mktemp "${TMPDIR:-/tmp}/kdump-snp-guest.XXXXXX.log")
else
	keep_log=1
fi
out=$(mktemp "${TMPDIR:-/tmp}/kdump-snp-guest.XXXXXX.out")
trap 'vm_kill_qemu; rm -f -- "$out"' EXIT
trap 'exit 130' INT TERM

cmdline="crashkernel=$crashkernel panic=10"
[ "$kdumptest" = none ] || cmdline="$cmdline kdumptest=$kdumptest"
[ "${#append[@]}" = 0 ] || cmdline="$cmdline ${append[*]}"
qemu_extra=()
if [ -n "$disk2" ]; then
	vm_guest_disk_args "$disk2" d1 kdumptarget
	qemu_extra+=("${VM_GUEST_DISK_ARGS[@]}")
fi

VM_TIMEOUT=$timeout
VM_GUEST_SMP=$smp
vm_say "boot: kernel $VM_GUEST_KVER, $smp vCPU, timeout ${timeout}s, serial log $log"
vm_say "boot: cmdline $VM_GUEST_CMDLINE $cmdline"
# the marker lines, with the time QEMU had been running, go to the terminal
# and to $out
vm_guest_boot "$log" "$cmdline" "${qemu_extra[@]}" > >(tee -- "$out")
# let tee finish writing
sleep 0.2

# marker_secs TEXT: the time (s) at which the first marker starting with
# TEXT appeared, as printed by vm_run_qemu ("    [  12.3s] TEXT...")
marker_secs() {
	sed -n "s/^    \\[ *\\([0-9.]*\\)s\\] $1.*/\\1/p" "$out" | head -n1
}

ok=1
fail() {
	vm_say "FAIL: $*"
	ok=0
}
booted=$(marker_secs booted)
state=$(marker_secs system-state=)
if [ "$VM_QEMU_RC" = 124 ] || [ "$VM_QEMU_RC" = 137 ]; then
	fail "QEMU timed out after ${timeout}s"
fi
[ -n "$booted" ] || fail "no '$VM_TAG booted' line"
[ -n "$state" ] || fail "no '$VM_TAG system-state=' line"
if vm_markers "$log" | grep "^$VM_TAG FAIL" >/dev/null; then
	fail "the guest reported a failure"
fi
if [ "$kdumptest" = poweroff ]; then
	vm_markers "$log" | grep -xF "$VM_TAG poweroff" >/dev/null || fail "no '$VM_TAG poweroff' line"
	[ "$VM_QEMU_RC" = 0 ] || fail "QEMU exited with $VM_QEMU_RC"
	vm_expect_log "$log" "reboot: Power down" || fail "$VM_FAIL_MSG"
fi

[ -z "$booted" ] || phase boot-to-marker "$booted"
[ -z "$state" ] || phase boot-finished "$state"
phase qemu "$VM_QEMU_SECS"
phase total "$(vm_elapsed "$total_start")"
if [ -n "$times" ]; then
	printf '%s\n' "${PHASES[@]}" >"$times"
fi

if [ "$ok" = 1 ]; then
	vm_say "PASS guest boot"
	[ "$keep_log" = 1 ] || rm -f -- "$log"
	exit 0
fi
vm_show_log "$log"
vm_say "FAIL guest boot (serial log kept: $log)"
exit 1
