# shellcheck shell=bash
# SC2312: the command substitutions fill document text from the run's
# results; a failing lookup leaves a cell empty, it decides no result.
# shellcheck disable=SC2312
# Writes docs/SNP-MATRIX.md from a run of tests/snp-matrix/run-matrix.
# Sourced by run-matrix after the rows ran; reads its variables (ROWS,
# ROW_RESULTS, the KDESC_* kernel descriptions, QEMU_*, WORK, top, KEXEC,
# KDUMPCTL, the times).
# shellcheck disable=SC2154 # all set by run-matrix
# Every figure in the file comes from that run.

# doc_cell TEXT: TEXT fit for a Markdown table cell
doc_cell() {
	printf '%s\n' "${1//|/\\|}"
}

# doc_result NAME FIELD: field FIELD (1-based) of NAME's entry in ROW_RESULTS
doc_result() {
	local r
	for r in "${ROW_RESULTS[@]}"; do
		[[ "${r%%|*}" != "$1" ]] || { cut -d'|' -f"$2" <<<"${r}"; return 0; }
	done
}

# doc_expected WANT: the expectation in words
doc_expected() {
	case $1 in
	saved) echo "vmcore saved" ;;
	saved-reuse) echo "vmcore saved; reuses device table, command buffer, event log" ;;
	saved-reuse-cwb) echo "vmcore saved; reuses device table, command buffer, event log, completion-wait buffer" ;;
	saved-found-lock) echo "vmcore saved; finds the lock itself and reuses device table, command buffer, event log, completion-wait buffer" ;;
	cwait-timeout)
		if [[ "${SNPM_SMP}" -gt 1 ]]; then
			echo "no vmcore; Completion-Wait loop timed out, then the panic \"timer doesn't work through Interrupt-remapped IO-APIC\" (the seed's failure)"
		else
			echo "no vmcore; Completion-Wait loop timed out (the seed's failure)"
		fi
		;;
	saved-upstream) echo "vmcore saved; reuses the device table (upstream's series)" ;;
	cwb-refused) echo "no vmcore; completion stores refused > 0 (trace amdvi_snp_store_refused); Completion-Wait loop timed out" ;;
	dma-fault) echo "no vmcore: the disk's DMA translation broken after the panic (negative control)" ;;
	*) echo "$1" ;;
	esac
}

# doc_kernel VARIANT: the crash kernel's description
doc_kernel() {
	case $1 in
	stock) echo "stock 6.12" ;;
	patched) echo "6.12 + kernel/ series" ;;
	nocwb) echo "6.12 + kernel/ series, completion-wait buffer reuse off (test-only)" ;;
	debian) echo "Debian ${SNPM_DEB_KVER}" ;;
	*) echo "$1" ;;
	esac
}

# doc_locked_value NAME REG: the 64-bit value a row's kernels tried to write
# into the locked register REG (0x20, 0x28, ...) from the trace's two
# 32-bit halves, and the value it kept; empty when none was ignored
doc_locked_value() {
	local name=$1 reg=$2 hi_reg lo='' hi=0 stays=''
	hi_reg=$(printf '%#x' $((reg + 4)))
	lo=$(awk -v r="${reg}" '$3 == "addr" && $4 == r { print $8; exit }' "${WORK}/${name}.ignored" 2>/dev/null) || true
	[[ -n "${lo}" ]] || return 0
	hi=$(awk -v r="${hi_reg}" '$3 == "addr" && $4 == r { print $8; exit }' "${WORK}/${name}.ignored") || true
	stays=$(awk -v r="${reg}" '$3 == "addr" && $4 == r { print $11; exit }' "${WORK}/${name}.ignored")
	printf '%#x (register kept %s)\n' $(((${hi:-0} << 32) | lo)) "${stays}"
}

# doc_trace_cell NAME lock|dma: the row's trace counts for the table, from
# its facts line (field 9 of ROW_RESULTS, written by run-matrix's row_facts)
doc_trace_cell() {
	local facts
	facts=$(doc_result "$1" 9)
	case $2 in
	lock) sed -n 's/^lock armed \([0-9]*\), writes ignored \([0-9]*\)+\([0-9]*\) .*/\1 \/ \2+\3/p' <<<"${facts}" ;;
	*) sed -n 's/.* \([0-9]*\) after ([0-9]* to another address); DMA refused \([0-9]*\)$/\1 \/ \2/p' <<<"${facts}" ;;
	esac
}

# doc_retries: the IO-APIC timer retries of this run and of the last runs
# ($SNPM_RUNS_LOG, one line per whole-matrix run)
doc_retries() {
	local d g f c r res
	echo "## Retries on the IO-APIC timer check"
	echo
	echo "A row that expects a dump is run once more when its crash kernel (or its first kernel) failed only the IO-APIC timer check (\"timer doesn't work through Interrupt-remapped IO-APIC\", no completion-wait timeout) *and* QEMU's trace shows the timer's interrupt remapped through the IOMMU to that kernel's CPU with that kernel's timer vector: the table was right, the TCG guest on a loaded host missed the check's 60 ms window. The seed's failure has the same panic but its timer is remapped to the crashed kernel's CPU, so it is never retried."
	echo
	echo "This run: ${FIRST_RETRIES} first-kernel and ${CRASH_RETRIES} crash-kernel retries."
	if [[ -s "${SNPM_RUNS_LOG}" ]]; then
		echo
		echo "Whole-matrix runs on this machine, newest last (up to 20; \`${SNPM_RUNS_LOG}\`):"
		echo
		echo "| date | git | first-kernel retries | crash-kernel retries | rows retried | result |"
		echo "| --- | --- | --- | --- | --- | --- |"
		tail -n 20 -- "${SNPM_RUNS_LOG}" | while IFS='|' read -r d g f c r res; do
			echo "| ${d} | ${g} | ${f} | ${c} | ${r:--} | ${res} |"
		done
		awk -F'|' '{ n++; f += $3; c += $4 } END { printf "\nIn all %d runs: %d first-kernel and %d crash-kernel retries.\n", n, f, c }' "${SNPM_RUNS_LOG}"
	fi
	echo
}

snpm_write_doc() {
	local out=$1 tmp spec name kernel lock efr hint want v d
	mkdir -p -- "$(dirname -- "${out}")"
	tmp=${out}.tmp.$$
	{
		echo "# SNP scenario matrix"
		echo
		echo "Written by \`make check-kernel\` (tests/snp-matrix/run-matrix); do not edit."
		echo "Each row is a real crash cycle in a busybox guest: the first kernel loads the"
		echo "crash kernel with our static \`kexec -p\`, crashes with sysrq-c, and the crash"
		echo "kernel runs our \`kdumpctl save\` to an ext4 disk (named by UUID in kdump.conf)"
		echo "behind the emulated AMD IOMMU. The host reads the vmcore with its"
		echo "\`makedumpfile --dump-dmesg\`."
		echo
		echo "| | |"
		echo "| --- | --- |"
		echo "| date | $(date -u '+%Y-%m-%d %H:%M UTC') |"
		echo "| host | $(nproc) CPUs, load average ${LOAD_START} at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end |"
		echo "| QEMU | ${QEMU_VERSION}, tests/qemu patches ${QEMU_PATCHES} (build ${QEMU_KEY}), TCG, \`-M q35 -m ${SNPM_MEM}\`, \`-nodefaults\`, \`-device amd-iommu,id=iommu,intremap=on,pt=off\` (+ \`snp-lock=on\`, \`snp-efr=on\` per row), trace \`${SNPM_TRACE_EVENTS[*]}\` with \`-msg timestamp=on\` |"
		echo "| target | virtio-blk \`iommu_platform=on,disable-legacy=on\` at ${SNPM_DISK_BDF} (requester ID $(printf '%#x' "${SNPM_DISK_DEVID}")), ext4 UUID=${SNPM_TARGET_UUID} |"
		for v in stock patched nocwb debian; do
			d=KDESC_${v}
			[[ -z "${!d:-}" ]] || echo "| $(doc_kernel "${v}") | $(doc_cell "${!d}") |"
		done
		echo "| our tools | kexec-static $(vm_sha256 "${KEXEC}"), kdumpctl $(vm_sha256 "${KDUMPCTL}") (sha256, first 16), git $(git -C "${top}" rev-parse --short HEAD 2>/dev/null || echo unknown); makedumpfile $(makedumpfile -v 2>/dev/null | sed -n '1s/.*version \([^ ]*\).*/\1/p') (the host's, in the guest and on the host) |"
		echo "| first kernel | the row's crash kernel, \`crashkernel=${SNPM_CRASHKERNEL}\`, ${SNPM_SMP} vCPUs; sysrq-c on CPU $((SNPM_SMP - 1)) |"
		echo "| crash command line | \`${SNPM_CRASH_CMDLINE}\`, plus \`kdump_snp=\` from \`kexec --snp=on\` or the row |"
		echo "| whole matrix | ${TOTAL_SECS} s (setup ${SETUP_SECS} s) |"
		echo
		echo "\`pt=off\`: with QEMU 10.0's default \`pt=on\`, its AMD IOMMU model maps every device's DMA 1:1 whatever the guest programs, so a guest kernel that translates DMA cannot read the disk (QEMU reports \"Guest says index ... is available\") and the IOMMU's tables could not matter to the dump. \`-nodefaults\`: without it, SeaBIOS waits on the default AHCI CD-ROM of this QEMU before it boots the kernel (tests/qemu/README.md)."
		echo
		echo "## Rows"
		echo
		echo "Time: from the first kernel's panic to the crash kernel's \`dump saved\` line, or to its last line when there is no dump (host clock, serial log)."
		echo
		echo "Lock armed / ignored: QEMU's trace events \`amdvi_snp_lock_armed\` before the panic and \`amdvi_snp_lock_ignored\` (first + crash kernel). Disk DMA: \`amdvi_translation_result\` lines for the disk's requester ID ${SNPM_DISK_BDF} after the panic, that is, the crash kernel's disk accesses that the IOMMU translated; refused: \`amdvi_dma_fault_forced\` (the negative control). Trace lines carry the host's wall clock (\`-msg timestamp=on\`); \"after the panic\" means later than the host read the panic line from the serial console."
		echo
		echo "| row | crash kernel | emulated lock | SNP in EFR | kdump_snp | expected | outcome | time | lock armed / writes ignored | disk DMA translated / refused | result |"
		echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
		for spec in "${ROWS[@]}"; do
			IFS='|' read -r name kernel lock efr hint want <<<"${spec}"
			echo "| ${name} | $(doc_kernel "${kernel}") | ${lock} | ${efr} | ${hint} | $(doc_expected "${want}") | $(doc_cell "$(doc_result "${name}" 3)") | $(doc_result "${name}" 4) s | $(doc_trace_cell "${name}" lock) | $(doc_trace_cell "${name}" dma) | $(doc_result "${name}" 2) |"
		done
		echo
		doc_retries
		echo
		for spec in "${ROWS[@]}"; do
			IFS='|' read -r name kernel lock efr hint want <<<"${spec}"
			echo "### ${name}: $(doc_kernel "${kernel}"), lock ${lock}, SNP in EFR ${efr}, kdump_snp ${hint}"
			echo
			echo "Expected: $(doc_expected "${want}"). Result: $(doc_result "${name}" 2)$(v=$(doc_result "${name}" 8); [[ -z "${v}" ]] || printf ' (%s)' "${v}")."
			echo "QEMU run: $(doc_result "${name}" 7) s. $(doc_result "${name}" 5) x \"Completion-Wait loop timed out\"."
			echo "QEMU trace: $(doc_result "${name}" 9)."
			echo "Hang watchdog: $(doc_result "${name}" 10)."
			[[ -z "${ROW_NOTE[${name}]:-}" ]] || { echo; echo "${ROW_NOTE[${name}]}"; }
			[[ -z "${ROW_RETRY[${name}]:-}" ]] || { echo; echo "${ROW_RETRY[${name}]}"; }
			v=$(doc_locked_value "${name}" 0x20)
			if [[ -n "${v}" ]]; then
				echo
				echo "The exclusion base (the completion-wait buffer under SNP) was written with ${v}; the guest has ${SNPM_MEM} MiB of memory."
			fi
			echo
			echo "Decisive lines of the crash kernel's log (first of each kind):"
			echo
			echo '```'
			if [[ -s "${WORK}/${name}.decisive" ]]; then
				cat -- "${WORK}/${name}.decisive"
			else
				echo "(none)"
			fi
			echo '```'
			echo
			if [[ -s "${WORK}/${name}.ignored" ]]; then
				echo "Writes the emulated lock ignored (QEMU trace amdvi_snp_lock_ignored, first and crash kernel):"
				echo
				echo '```'
				head -n 20 -- "${WORK}/${name}.ignored"
				echo '```'
				echo
			fi
		done
	} >"${tmp}"
	mv -f -- "${tmp}" "${out}"
}
