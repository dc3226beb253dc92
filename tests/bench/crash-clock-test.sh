#!/bin/bash
# make check: the intervals from the panic that make check-vm and make
# bench report for both kdump flavours (tests/vm/lib.sh: vm_crash_secs,
# vm_saved_re, VM_OFF_RE), read from excerpts of real serial logs of a
# check-vm and a make bench run (tests/fixtures/serial/, CRs and progress
# meters kept), and
# the columns tests/vm/write-results.sh names for them.
set -euo pipefail

: "${top_srcdir:?run through make check}"
: "${FIXTURES:?run through make check}"
# shellcheck source=tests/vm/lib.sh
. "${top_srcdir}/tests/vm/lib.sh"

SNP=${FIXTURES}/serial/kdump-snp-crash.txt
TOOLS=${FIXTURES}/serial/kdump-tools-crash.txt
TMP=$(mktemp -d "${TMPDIR:-/tmp}/kdump-crash-clock.XXXXXX")
trap 'rm -rf -- "${TMP}"' EXIT

passed=0
failed=0
# same NAME GOT EXPECTED
same() {
	if [[ $2 == "$3" ]]; then
		printf 'ok   %s\n' "$1"
		passed=$((passed + 1))
	else
		printf 'FAIL %s: got "%s", expected "%s"\n' "$1" "$2" "$3"
		failed=$((failed + 1))
	fi
}

# secs NAME LOG REGEX EXPECTED [DECIMALS]: vm_crash_secs of LOG is EXPECTED
secs() {
	local got
	got=$(vm_crash_secs "$2" "$3" "${5:-2}")
	same "$1" "${got}" "$4"
}

snp_re=$(vm_saved_re kdump-snp)
tools_re=$(vm_saved_re kdump-tools)
# the events, for kdump-snp (kdumpctl save, final_action poweroff)
secs 'kdump-snp: vmcore saved at "kdumpctl: dump saved"' "${SNP}" "${snp_re}" 20.00
secs 'kdump-snp: machine off at "reboot: Power down"' "${SNP}" "${VM_OFF_RE}" 20.19
# and for kdump-tools (kdump-config savecore, then reboot -f)
secs 'kdump-tools: vmcore saved at "saved vmcore in", not at its dmesg' "${TOOLS}" "${tools_re}" 105.84
secs 'kdump-tools: machine reset at "reboot: Restarting system"' "${TOOLS}" "${VM_OFF_RE}" 106.61
# the crashed kernel's own lines before the panic do not count: its boot
# also ran /init
secs "the crash kernel's /init, not the crashed kernel's" "${SNP}" 'Run /init as init process' 5.60
secs 'the panic line itself does not count' "${TOOLS}" 'sysrq triggered crash' ''
head -n 4 -- "${SNP}" >"${TMP}/no-panic.log"
secs 'no panic: no time' "${TMP}/no-panic.log" 'Run /init as init process' ''
secs 'one decimal, as check-vm prints' "${TOOLS}" "${tools_re}" 105.8 1
# makedumpfile's progress meter, without a newline, ahead of the kernel's
# line on the console (make bench, core_collector makedumpfile -d 1)
secs 'a log line after a progress meter on the same line' \
	"${FIXTURES}/serial/kdump-snp-progress.txt" 'kdumpctl: saving the dump' 5.18
rc=0
# a subshell, as vm_die exits
# shellcheck disable=SC2310 # its status is the outcome tested
(vm_saved_re kdump-other) >/dev/null 2>"${TMP}/err" || rc=$?
err=$(cat -- "${TMP}/err")
same 'an unknown flavour is an error' "${rc}:${err}" "1:ERROR: vm_saved_re: unknown flavour 'kdump-other'"

# write-results.sh names the columns after the events, for every row
mkdir -p -- "${TMP}/results"
printf '%s\n' 'panic-to-crash-init 5.6' 'capture 11.8' 'panic-to-vmcore-saved 20.0' \
	'panic-to-off-or-reset 20.2' >"${TMP}/results/default.times"
printf '%s\n' 'panic-to-crash-init 8.0' 'capture 54.4' 'panic-to-vmcore-saved 105.8' \
	'panic-to-off-or-reset 106.6' >"${TMP}/results/kdump-tools.times"
QEMU=true "${top_srcdir}/tests/vm/write-results.sh" "${TMP}/results" '2 passed, 0 failed' >"${TMP}/doc.md"
# row TEXT: the line of doc.md with TEXT, without spaces
row() {
	local line
	line=$(grep -F -- "$1" "${TMP}/doc.md") || true
	printf '%s\n' "${line// /}"
}
header=$(row '| scenario |')
same 'VM-RESULTS: the columns name the events' "${header}" \
	'|scenario|image|guest-boot|kdump-start|panic-to-crash-init|capture|panic-to-vmcore-saved|panic-to-off-or-reset|qemu-total|total|'
snp_row=$(row '| default |')
same 'VM-RESULTS: kdump-snp row' "${snp_row}" '|default|-|-|-|5.6|11.8|20.0|20.2|-|-|'
tools_row=$(row '| kdump-tools (stock peer) |')
same 'VM-RESULTS: kdump-tools row, the same columns' "${tools_row}" '|kdump-tools(stockpeer)|-|-|-|8.0|54.4|105.8|106.6|-|-|'

printf '%d passed, %d failed, 0 skipped\n' "${passed}" "${failed}"
[[ ${failed} == 0 ]]
