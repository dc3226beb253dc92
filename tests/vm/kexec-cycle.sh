#!/bin/bash
# Real kdump cycles with our kexec in QEMU (make check-vm-kexec).
#
# Usage: tests/vm/kexec-cycle.sh /abs/path/to/kexec-static
#
# Boots Debian's kernel (linux-image-amd64, extracted, never installed)
# with crashkernel=384M on an emulated q35 machine with an AMD IOMMU, with a
# busybox initramfs holding the statically linked kexec, the kernel image
# and a crash initramfs. The guest's /init (tests/vm/init-kexec.sh) loads
# the crash kernel with `kexec -p`, checks `kexec -S -p` and
# /sys/kernel/kexec_crash_loaded, and crashes with sysrq-c; the crash
# kernel's /init checks its command line and /proc/vmcore and powers off.
# This script asserts on the guest's "KDUMP-SNP-TEST:" lines.
#
# Scenarios, one QEMU run each:
#   default  kexec -p without --snp: vmcore, no kdump_snp= (not an SNP host)
#   snp-on   kexec -p --snp=on: kdump_snp=1 on the crash kernel's cmdline
#   unload   kexec -p, kexec -p -u: sysrq-c panics, no crash kernel boots;
#            with retain_initrd, kexec -l --reuse-initrd: loaded where the
#            kernel offers /sys/firmware/initrd (6.8+), refused where not
#
# Environment: KDUMP_SNP_VM_SCENARIOS (a subset, e.g. "default unload"),
# KDUMP_SNP_VM_KEEP_LOGS=1 (keep the serial logs of passing runs), and the
# variables described in tests/vm/lib.sh (KDUMP_SNP_CACHE,
# KDUMP_SNP_VM_TIMEOUT, KDUMP_SNP_VM_LOGLINES, QEMU).

set -euo pipefail

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/vm/lib.sh
. "$here/lib.sh"

ALL_SCENARIOS=(default snp-on unload)
FIRST_CMDLINE=(console=ttyS0 crashkernel=384M panic=5)

[ "$#" = 1 ] || vm_die "usage: $0 /path/to/static/kexec"
kexec_bin=$1
[ -e "$kexec_bin" ] ||
	vm_die "kexec binary '$kexec_bin' does not exist (build it: make kexec/kexec-static)"
if ! [ -f "$kexec_bin" ] || ! [ -x "$kexec_bin" ]; then
	vm_die "kexec binary '$kexec_bin' is not an executable file"
fi
# shellcheck disable=SC2310 # vm_is_static returns its answer, without set -e
vm_is_static "$kexec_bin" ||
	vm_die "kexec binary '$kexec_bin' is not a statically linked ELF executable; the guest has no libraries"

init_script=$here/init-kexec.sh
[ -f "$init_script" ] || vm_die "missing $init_script"

read -r -a scenarios <<<"${KDUMP_SNP_VM_SCENARIOS:-${ALL_SCENARIOS[*]}}"
for sc in "${scenarios[@]}"; do
	case " ${ALL_SCENARIOS[*]} " in
	*" $sc "*) ;;
	*) vm_die "unknown scenario '$sc' (known: ${ALL_SCENARIOS[*]})" ;;
	esac
done

suite_start=$(vm_now)
vm_say "kexec crash cycle in QEMU: $kexec_bin"
vm_say "scenarios: ${scenarios[*]}; timeout ${VM_TIMEOUT}s per run; cache $VM_CACHE"

# ---- setup: host tools, kernel, initramfs images ------------------------------

setup_start=$(vm_now)
vm_require_host_tools
vm_cache_init
vm_fetch_kernel

# crash initramfs: busybox and /init
build_crash_root() {
	vm_busybox_root "$1" "$init_script"
}
busybox_sum=$(vm_sha256 /bin/busybox)
init_sum=$(vm_sha256 "$init_script")
kexec_sum=$(vm_sha256 "$kexec_bin")
vm_build_initramfs crash-initrd \
	"format=$VM_LIB_FORMAT busybox=$busybox_sum init=$init_sum" \
	build_crash_root
crash_initrd=$VM_INITRAMFS

# first kernel's initramfs: the same, plus kexec, the kernel and the crash
# initramfs that kexec -p loads
build_first_root() {
	vm_busybox_root "$1" "$init_script"
	install -m 0755 -- "$kexec_bin" "$1/bin/kexec"
	cp -- "$VM_KERNEL" "$1/boot/vmlinuz"
	cp -- "$crash_initrd" "$1/boot/crash-initrd.cpio"
}
vm_build_initramfs kexec-initrd \
	"format=$VM_LIB_FORMAT kernel=$VM_KERNEL_ID crash=${crash_initrd##*/} kexec=$kexec_sum init=$init_sum" \
	build_first_root
first_initrd=$VM_INITRAMFS
vm_cache_prune 'kexec-initrd-*.cpio' 3
vm_cache_prune 'crash-initrd-*.cpio' 3

logdir=$(mktemp -d "${TMPDIR:-/tmp}/kdump-snp-vm.XXXXXX")
trap 'vm_kill_qemu' EXIT
trap 'vm_kill_qemu; exit 130' INT TERM
setup_secs=$(vm_elapsed "$setup_start")
vm_say "setup done (${setup_secs}s); serial logs in $logdir"

# ---- scenarios ----------------------------------------------------------------------
# The checks below return their status and are chained with &&; vm_phase
# runs each scenario as a condition, and none of them relies on set -e
# (SC2310 on each function).

# boot SCENARIO: one QEMU run; sets VM_PHASE_LOG
boot() {
	local sc=$1
	VM_PHASE_LOG=$logdir/$sc.log
	local extra=
	# the unload scenario also loads a kexec kernel with --reuse-initrd
	[ "$sc" = unload ] && extra=" retain_initrd"
	vm_run_qemu "$VM_PHASE_LOG" "$VM_KERNEL" "$first_initrd" \
		"${FIRST_CMDLINE[*]} kdumptest=$sc$extra"
}

# expect_loaded_and_crashed LOG SCENARIO: the first kernel's part
# shellcheck disable=SC2310
expect_loaded_and_crashed() {
	local log=$1 sc=$2
	vm_expect_no_marker "$log" FAIL &&
		vm_expect_no_timeout "$log" &&
		vm_expect_marker "$log" "first-kernel-up scenario=$sc" &&
		vm_expect_marker "$log" "status-before rc=0" &&
		vm_expect_marker "$log" "load rc=0" &&
		vm_expect_marker "$log" "status-loaded rc=1" &&
		vm_expect_marker "$log" "kexec_crash_loaded=1" &&
		vm_expect_marker "$log" "status-default-slot rc=1" &&
		vm_expect_marker "$log" "status-normal-slot rc=0"
}

# expect_vmcore LOG SCENARIO KDUMP_SNP: the crash kernel's part
# shellcheck disable=SC2310
expect_vmcore() {
	local log=$1 sc=$2 snp=$3 size
	vm_expect_marker "$log" "sysrq-crash" &&
		vm_expect_log "$log" "sysrq: Trigger a crash" &&
		vm_expect_marker "$log" "crash-kernel-up scenario=$sc" &&
		vm_expect_marker "$log" "elfcorehdr=present" &&
		vm_expect_marker "$log" "kdump_snp=$snp" &&
		size=$(vm_marker_value "$log" "vmcore-present size") &&
		{ [ -n "$size" ] || vm_fail "no 'vmcore-present size=' line"; } &&
		{ [ "$size" -gt 0 ] 2>/dev/null || vm_fail "vmcore size is '$size'"; } &&
		vm_expect_marker "$log" "vmcore-elf-header ok" &&
		vm_expect_marker "$log" "crash-kernel-ok" &&
		vm_expect_qemu_exit 0
}

# shellcheck disable=SC2310
scenario_default() {
	boot default
	expect_loaded_and_crashed "$VM_PHASE_LOG" default &&
		expect_vmcore "$VM_PHASE_LOG" default absent
}

# shellcheck disable=SC2310
scenario_snp_on() {
	boot snp-on
	expect_loaded_and_crashed "$VM_PHASE_LOG" snp-on &&
		expect_vmcore "$VM_PHASE_LOG" snp-on 1
}

# expect_reuse_initrd LOG: kexec -l --reuse-initrd loads the kept initrd
# where the kernel offers it (/sys/firmware/initrd, Linux 6.8 and later),
# and is refused with its reason where it does not
# shellcheck disable=SC2310
expect_reuse_initrd() {
	local log=$1
	if vm_markers "$log" | grep -qxF "$VM_TAG retained-initrd present"; then
		vm_expect_marker "$log" "reuse-initrd rc=0" &&
			vm_expect_marker "$log" "status-kexec-loaded rc=1" &&
			vm_expect_marker "$log" "unload-kexec rc=0" &&
			vm_expect_marker "$log" "status-kexec-unloaded rc=0"
	else
		vm_expect_marker "$log" "retained-initrd absent" &&
			vm_expect_marker "$log" "reuse-initrd rc=1" &&
			vm_expect_log "$log" "kexec_file_load(2) can only pass an initrd it can open as a file" &&
			vm_expect_marker "$log" "status-kexec-unloaded rc=0"
	fi
}

# shellcheck disable=SC2310
scenario_unload() {
	local log
	boot unload
	log=$VM_PHASE_LOG
	expect_loaded_and_crashed "$log" unload &&
		vm_expect_marker "$log" "unload rc=0" &&
		vm_expect_marker "$log" "status-unloaded rc=0" &&
		{ vm_markers "$log" | sed -n '/ status-unloaded /,$p' |
			grep -qxF "$VM_TAG kexec_crash_loaded=0" ||
			vm_fail "no kexec_crash_loaded=0 after unloading"; } &&
		expect_reuse_initrd "$log" &&
		vm_expect_marker "$log" "sysrq-crash" &&
		vm_expect_log "$log" "Kernel panic - not syncing: sysrq triggered crash" &&
		vm_expect_no_marker "$log" "crash-kernel-up" &&
		vm_expect_log "$log" "Rebooting in 5 seconds" &&
		vm_expect_qemu_exit 0
}

for sc in "${scenarios[@]}"; do
	vm_phase "$sc" "scenario_${sc//-/_}"
done

total_secs=$(vm_elapsed "$suite_start")
vm_say "total ${total_secs}s"
if [ "$VM_FAILED" = 0 ] && [ "${KDUMP_SNP_VM_KEEP_LOGS:-0}" != 1 ]; then
	rm -rf -- "$logdir"
else
	vm_say "serial logs kept in $logdir"
fi
vm_summary
