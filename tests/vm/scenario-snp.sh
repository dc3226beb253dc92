# shellcheck shell=bash
# The SNP scenarios of tests/vm/kdump-cycle.sh (sourced by it; uses its
# helpers and $work, $here, $results): the project's main job on the
# system it exists for, in the real guest. The Debian 13 guest runs
# Debian's unmodified 6.12 kernel on the QEMU of tests/qemu, whose AMD
# IOMMU locks its base registers the way an SEV-SNP host's do after
# SNP_SHUTDOWN_EX failed (snp-lock=on) and reports SNP in its extended
# features (snp-efr=on), with the root disk behind it (pt=off, at a fixed
# slot so that its requester ID is known). The guest has our package and
# the dedicated crash kernel's (kernel/build-crash-kernel --deb) installed
# with dpkg.
#   snp-dedicated  kdump.service arms the dedicated crash kernel by itself
#                  (KDUMP_KERNEL=auto: an SNP-capable IOMMU and a running
#                  kernel without the fix); sysrq-c; the crash kernel finds
#                  the lock, reuses the crashed kernel's IOMMU structures and
#                  saves the dump, which the host reads with makedumpfile
#   snp-stock      the control: the running kernel forced as the crash
#                  kernel (KDUMP_KERNEL="running", KDUMP_SNP="on": the host
#                  declares SNP in use); kdump.service refuses it; with the
#                  operator's override (KDUMP_SNP="off") it arms, and after
#                  the panic the crash kernel fails as the seed says:
#                  completion-wait timeouts, then the IO-APIC timer panic
#                  or a hang; no vmcore
# Both assert from QEMU's trace (each line stamped with the host's clock,
# set against the serial log's lines stamped on arrival) that the lock was
# armed before the panic and ignored the crash kernel's writes after it;
# the dedicated one also that the disk's DMA went through the IOMMU's
# translation after the panic, and that the IOMMU refused no completion
# store. The guest side is tests/vm/guest/kdump-snp-test.sh (kdumptest=crash,
# kdumptest=snp-override).
#   KDUMP_SNP_VM_CRASH_DEB  the crash kernel package (default: what
#                           kernel/build-crash-kernel --deb prints; built
#                           when not cached, which takes long)
#   KDUMP_SNP_VM_SNP_QEMU   the QEMU to use (make check-vm sets it to the one it
#                           built; default: what tests/qemu/build-qemu prints,
#                           built when not cached)
# shellcheck disable=SC2250,SC2292 # -o all style checks: kdump-cycle.sh's style, $var and [ ]
# shellcheck disable=SC2312 # substitutions fill messages and compared text, as in kdump-cycle.sh
# shellcheck disable=SC2310 # assertions in conditions return their status explicitly
# shellcheck disable=SC2154 # work, here, results, DISK, LOG and OUT are kdump-cycle.sh's
# shellcheck disable=SC2153 # DISK is kdump-cycle.sh's too; the matrix's lib has a "disk" of its own
# shellcheck disable=SC2034 # VM_* settings are read by tests/vm/lib.sh

# the matrix's helpers: the disk's fixed slot and requester ID
# (SNPM_DISK_SLOT, SNPM_DISK_BDF) and the trace reading
# shellcheck source=tests/snp-matrix/lib.sh
. "$here/../snp-matrix/lib.sh"

SNP_IOMMU=amd-iommu,id=iommu,intremap=on,pt=off,snp-lock=on,snp-efr=on
SNP_TRACE_EVENTS=(amdvi_snp_lock_armed amdvi_snp_lock_ignored amdvi_translation_result amdvi_snp_store_refused)
SNP_PANIC='Kernel panic - not syncing: sysrq triggered crash'
SNP_CW_TIMEOUT='Completion-Wait loop timed out'
SNP_IOAPIC_PANIC="timer doesn't work through Interrupt-remapped IO-APIC"
# our series' lines in the crash kernel (kernel/patches)
SNP_REUSED="AMD-Vi: kdump: reusing previous kernel's device table, command buffer, event log, completion-wait buffer"
SNP_FOUND_LOCK="AMD-Vi: kdump: the previous kernel ran SNP (base registers are locked)"
# a crash kernel that hangs prints nothing more: the run ends this long
# after its last line
SNP_QUIET_SECS=90

# snp_record NAME KEY VALUE: one line of NAME.snp in $results, the row that
# tests/vm/write-results.sh shows for the scenario
snp_record() {
	printf '%s\t%s\n' "$2" "$3" >>"$results/$1.snp"
}

# snp_tools: SNP_QEMU and SNP_CRASH_DEB, built or taken from the cache
snp_tools() {
	local top
	top=$(cd -- "$here/../.." && pwd)
	SNP_QEMU=${KDUMP_SNP_VM_SNP_QEMU:-}
	if [ -z "$SNP_QEMU" ]; then
		SNP_QEMU=$("$top/tests/qemu/build-qemu" 2>"$work/build-qemu.log" | tail -n 1) ||
			{ tail -n 20 "$work/build-qemu.log"; VM_FAIL_MSG="tests/qemu/build-qemu failed"; return 1; }
	fi
	[ -x "$SNP_QEMU" ] || { VM_FAIL_MSG="no QEMU with the SNP lock ($SNP_QEMU)"; return 1; }
	SNP_CRASH_DEB=${KDUMP_SNP_VM_CRASH_DEB:-}
	if [ -z "$SNP_CRASH_DEB" ]; then
		SNP_CRASH_DEB=$("$top/kernel/build-crash-kernel" --deb 2>"$work/build-crash-kernel.log" | tail -n 1) ||
			{ tail -n 20 "$work/build-crash-kernel.log"; VM_FAIL_MSG="kernel/build-crash-kernel --deb failed"; return 1; }
	fi
	[ -f "$SNP_CRASH_DEB" ] || { VM_FAIL_MSG="no crash kernel package ($SNP_CRASH_DEB)"; return 1; }
	vm_say "  QEMU $SNP_QEMU; crash kernel package $(basename -- "$SNP_CRASH_DEB")"
}

# snp_boot NAME KDUMPTEST SMP: boot() on the SNP machine, with the crash
# kernel package installed; the serial lines stamped into NAME.stamps and
# QEMU's trace into NAME.trace (in $results)
snp_boot() {
	local name=$1 test=$2 smp=$3 ev
	local -a trace=(-msg timestamp=on -D "$results/$name.trace")
	for ev in "${SNP_TRACE_EVENTS[@]}"; do
		trace+=(-trace "$ev")
	done
	rm -f -- "$results/$name.trace" "$results/$name.snp"
	stage_destdir "$name"
	local saved_qemu=$VM_QEMU
	VM_QEMU=$SNP_QEMU
	VM_QEMU_IOMMU=$SNP_IOMMU
	VM_QEMU_STAMPS=$results/$name.stamps
	VM_QEMU_QUIET_AFTER=$SNP_PANIC
	VM_QEMU_QUIET_SECS=$SNP_QUIET_SECS
	VM_GUEST_DISK_SLOT=$SNPM_DISK_SLOT
	VM_GUEST_SMP=$smp
	boot_image "$name" "$test" --pkg-deb "$SNP_CRASH_DEB" --pkg-destdir "$STAGE" -- "${trace[@]}"
	VM_QEMU=$saved_qemu
	unset VM_QEMU_IOMMU VM_QEMU_STAMPS VM_QEMU_QUIET_AFTER VM_QEMU_QUIET_SECS VM_GUEST_DISK_SLOT VM_GUEST_SMP
}

# snp_trace NAME: splits NAME.trace at the host time the first kernel's
# panic line arrived (NAME.stamps) into SNP_BEFORE and SNP_AFTER
# (snpm_trace_split) and counts what the scenarios assert: SNP_ARMED (lock armed before the
# panic), SNP_IGNORED (writes the lock ignored after it), SNP_DMA (the
# disk's DMA translations after it), SNP_REFUSED (completion stores
# refused, all the run)
snp_trace() {
	local name=$1 panic
	SNP_BEFORE=$work/$name.trace.before
	SNP_AFTER=$work/$name.trace.after
	panic=$(awk -v re="$SNP_PANIC" 'index($0, re) { print $1; exit }' "$results/$name.stamps")
	[ -n "$panic" ] || { VM_FAIL_MSG="no '$SNP_PANIC' in the serial log"; return 1; }
	[ -s "$results/$name.trace" ] || { VM_FAIL_MSG="QEMU wrote no trace ($results/$name.trace)"; return 1; }
	# the stamps are microseconds, the split takes milliseconds
	snpm_trace_split "$results/$name.trace" "$((panic / 1000))" "$SNP_BEFORE" "$SNP_AFTER"
	SNP_ARMED=$(snpm_trace_count "$SNP_BEFORE" amdvi_snp_lock_armed)
	SNP_IGNORED=$(snpm_trace_count "$SNP_AFTER" amdvi_snp_lock_ignored)
	SNP_DMA=$(snpm_trace_count "$SNP_AFTER" amdvi_translation_result "$SNPM_DISK_BDF")
	SNP_REFUSED=$(($(snpm_trace_count "$SNP_BEFORE" amdvi_snp_store_refused) + $(snpm_trace_count "$SNP_AFTER" amdvi_snp_store_refused)))
	snp_record "$name" trace "lock armed before the panic $SNP_ARMED, writes ignored after it $SNP_IGNORED, disk DMA translated after it $SNP_DMA, completion stores refused $SNP_REFUSED"
	vm_say "  trace: lock armed before the panic $SNP_ARMED, writes ignored after it $SNP_IGNORED, disk ($SNPM_DISK_BDF) DMA translated after it $SNP_DMA, completion stores refused $SNP_REFUSED"
	# the trace of a whole Debian boot is large; the counts are the result
	rm -f -- "$results/$name.trace"
}

# snp_crash_log: the serial log from the first kernel's panic on
snp_crash_log() {
	tr -d '\r' <"$LOG" | sed -n "/$SNP_PANIC/,\$p"
}

# snp_expect_lock: the lock armed before the panic and engaged after it
snp_expect_lock() {
	[ "$SNP_ARMED" -gt 0 ] ||
		{ VM_FAIL_MSG="the emulated SNP lock was never armed before the panic (no amdvi_snp_lock_armed in QEMU's trace)"; return 1; }
	[ "$SNP_IGNORED" -gt 0 ] ||
		{ VM_FAIL_MSG="the lock ignored none of the crash kernel's writes (no amdvi_snp_lock_ignored after the panic)"; return 1; }
}

scenario_snp_dedicated() {
	snp_tools || return 1
	printf 'path /var/crash\n%s\nfinal_action poweroff\nfailure_action poweroff\n' "$COLLECTOR" >"$work/snp-dedicated.conf"
	snp_boot snp-dedicated crash 1
	run_phases
	local crash chosen
	crash=$(snp_crash_log)
	chosen=$(vm_markers "$LOG" | sed -n "s/^$VM_TAG status:  *chosen by: *//p" | sed -n 1p)
	vm_say "  kdumpctl status, chosen by: ${chosen:-?}"
	snp_record snp-dedicated chosen "${chosen:-?}"
	snp_record snp-dedicated kernel "$(grep -m1 -oE 'Linux version [^ ]+' <<<"$crash" | cut -d' ' -f3)"
	snp_record snp-dedicated log "$(grep -m1 -o 'AMD-Vi: kdump: reusing.*' <<<"$crash" | sed 's/^AMD-Vi: //'); $(grep -cF "$SNP_CW_TIMEOUT" <<<"$crash" || true) completion-wait timeouts"
	expect_poweroff || return 1
	[[ "$chosen" == *"the dedicated crash kernel"* ]] ||
		{ VM_FAIL_MSG="kdumpctl did not choose the dedicated crash kernel: ${chosen:-no 'chosen by' line}"; return 1; }
	grep -qE 'Linux version [^ ]+-kdump-snp ' <<<"$crash" ||
		{ VM_FAIL_MSG="the kernel that booted after the panic is not the dedicated crash kernel: $(grep -m1 -o 'Linux version [^ ]*' <<<"$crash")"; return 1; }
	grep -qF "$SNP_FOUND_LOCK" <<<"$crash" ||
		{ VM_FAIL_MSG="the crash kernel did not find the lock: no '$SNP_FOUND_LOCK'"; return 1; }
	grep -qF "$SNP_REUSED" <<<"$crash" ||
		{ VM_FAIL_MSG="the crash kernel did not reuse all four structures: $(grep -m1 -o 'AMD-Vi: kdump: reusing.*' <<<"$crash" || echo 'no reuse line')"; return 1; }
	! grep -qF "$SNP_CW_TIMEOUT" <<<"$crash" ||
		{ VM_FAIL_MSG="the crash kernel logged '$SNP_CW_TIMEOUT'"; return 1; }
	snp_trace snp-dedicated && snp_expect_lock || return 1
	[ "$SNP_DMA" -gt 0 ] ||
		{ VM_FAIL_MSG="no DMA translation for the disk ($SNPM_DISK_BDF) in QEMU's trace after the panic"; return 1; }
	[ "$SNP_REFUSED" = 0 ] ||
		{ VM_FAIL_MSG="the IOMMU refused $SNP_REFUSED completion stores (amdvi_snp_store_refused)"; return 1; }
	check_dump "$DISK" /var/crash || return 1
	vm_say "  dump: $DUMP_DIR, read by the host's makedumpfile"
	snp_record snp-dedicated result "vmcore saved ($DUMP_DIR), read by the host's makedumpfile"
}

scenario_snp_stock() {
	snp_tools || return 1
	printf 'path /var/crash\n%s\nfinal_action poweroff\nfailure_action poweroff\n' "$COLLECTOR" >"$work/snp-stock.conf"
	sed -e 's/^KDUMP_KERNEL=.*/KDUMP_KERNEL="running"/' -e 's/^KDUMP_SNP=.*/KDUMP_SNP="on"/' \
		"$destdir/etc/default/kdump" >"$work/snp-stock.defaults"
	if ! grep -qx 'KDUMP_KERNEL="running"' "$work/snp-stock.defaults" ||
		! grep -qx 'KDUMP_SNP="on"' "$work/snp-stock.defaults"; then
		VM_FAIL_MSG="the installed /etc/default/kdump lacks a KDUMP_KERNEL or KDUMP_SNP line"
		return 1
	fi
	snp_boot snp-stock snp-override 2
	run_phases
	local crash outcome cw
	crash=$(snp_crash_log)
	cw=$(grep -cF "$SNP_CW_TIMEOUT" <<<"$crash" || true)
	if grep -qF "$SNP_IOAPIC_PANIC" <<<"$crash"; then
		outcome="panic: $SNP_IOAPIC_PANIC"
	elif [ "$VM_QEMU_HUNG" = 1 ]; then
		outcome="hang: no console output for ${SNP_QUIET_SECS}s"
	else
		outcome="neither the IO-APIC timer panic nor a hang (QEMU exit $VM_QEMU_RC)"
	fi
	vm_say "  crash kernel: $cw x '$SNP_CW_TIMEOUT', then $outcome"
	snp_record snp-stock chosen "at boot: refused (KDUMP_KERNEL=running, KDUMP_SNP=on); armed with KDUMP_SNP=off"
	snp_record snp-stock kernel "$(grep -m1 -oE 'Linux version [^ ]+' <<<"$crash" | cut -d' ' -f3)"
	snp_record snp-stock log "$cw completion-wait timeouts, then $outcome"
	vm_expect_marker "$LOG" "snp-control first-start=failed" ||
		{ VM_FAIL_MSG="kdump.service did not fail at boot with the running kernel forced on an SNP host"; return 1; }
	vm_markers "$LOG" | grep -qF "refusing crash kernel $VM_GUEST_KVER on this SEV-SNP host" ||
		{ VM_FAIL_MSG="the journal does not show kdumpctl refusing $VM_GUEST_KVER"; return 1; }
	vm_expect_log "$LOG" "$VM_TAG panic uptime=" ||
		{ VM_FAIL_MSG="the override (KDUMP_SNP=off) did not arm the running kernel"; return 1; }
	[ "$VM_QEMU_RC" != 124 ] || [ "$VM_QEMU_HUNG" = 1 ] ||
		{ VM_FAIL_MSG="QEMU timed out before the crash kernel's outcome"; return 1; }
	grep -qF "Linux version $VM_GUEST_KVER " <<<"$crash" ||
		{ VM_FAIL_MSG="the kernel that booted after the panic is not the running kernel $VM_GUEST_KVER"; return 1; }
	[ "$cw" -gt 0 ] || { VM_FAIL_MSG="the stock crash kernel logged no '$SNP_CW_TIMEOUT'"; return 1; }
	[[ "$outcome" == panic:* || "$outcome" == hang:* ]] || { VM_FAIL_MSG="the stock crash kernel: $outcome"; return 1; }
	snp_trace snp-stock && snp_expect_lock || return 1
	[ -z "$(dump_dirs "$DISK" /var/crash)" ] ||
		{ VM_FAIL_MSG="a dump directory appeared in /var/crash: $(dump_dirs "$DISK" /var/crash)"; return 1; }
	vm_say "  no dump, as the seed says"
	snp_record snp-stock result "no vmcore (as the seed says)"
}
