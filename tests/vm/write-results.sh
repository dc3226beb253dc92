#!/bin/bash
# Writes docs/VM-RESULTS.md from a run of tests/vm/kdump-cycle.sh: the
# phase timings of each scenario (RESULTS_DIR/NAME.times) with the date,
# the machine, QEMU and the guest kernel; the kdump-tools scenario's row
# is labelled as the stock peer, with the versions its guest reported.
#
# Usage: tests/vm/write-results.sh RESULTS_DIR SUMMARY_LINE > docs/VM-RESULTS.md
# shellcheck disable=SC2250,SC2292 # -o all style checks: this script uses $var and [ ] throughout
# shellcheck disable=SC2312 # pipelines run under pipefail; substitutions inside arguments fill messages and report text, and values that decide an outcome are tested where used
set -euo pipefail
results=$1
summary=$2

kver=$(cat "$results"/*.log 2>/dev/null | grep -a -o "booted kernel=[^ ]*" | sed -n "1s/.*=//p") || true
# the stock peer's line, with the versions its guest reported
peer_line=
if [ -r "$results/kdump-tools.times" ]; then
	peer=
	[ ! -r "$results/kdump-tools.log" ] || peer=$(tr -d '\r' <"$results/kdump-tools.log" | grep -a -o 'KDUMP-SNP-TEST: peer: .*' |
		sed -n '1s/^KDUMP-SNP-TEST: peer: *//p' | sed 's/ *$//') || true
	peer_line="
- stock peer (row kdump-tools): the same guest with Debian's ${peer:-kdump-tools} instead of kdump-snp and dracut"
fi
# shellcheck source=tests/vm/lib.sh
. "$(dirname -- "$0")/lib.sh"
qemu="$("$VM_QEMU" --version | head -n1) ($VM_QEMU)"
iommu=$(vm_qemu_iommu)
cat <<EOF2
# VM results

Written by \`make check-vm\` (tests/vm/kdump-cycle.sh, tests/vm/write-results.sh);
do not edit by hand.

- date: $(date -u '+%Y-%m-%d %H:%M UTC')
- machine: $(nproc) CPUs, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(. /etc/os-release && echo "$PRETTY_NAME"), load average $(cut -d' ' -f1-3 /proc/loadavg) when this was written (1, 5, 15 min; the times below grow with it)
- lanes: ${VM_LANES:-1} (tests/vm/run-lanes.sh: that many guests ran at once and shared the CPUs)
- QEMU: $qemu, \`-accel tcg -M q35 -nodefaults -device $iommu -m 2048\`, disks behind the IOMMU (the SNP rows: see below)
- guest: Debian 13, kernel ${kver:-unknown}, \`crashkernel=384M\`$peer_line
- result: $summary

Seconds per phase. guest-boot: QEMU start to the guest test unit;
kdump-start: kdump.service's start (the wait for udev to finish loading
this boot's drivers, under TCG 10 to 25 s; the capture image built by the
guest's dracut, crash kernel loaded; a boot builds the image once, the
default scenario asserts it); capture: \`kdumpctl save\` from its first
line to the dump saved (or its failure); qemu-total: the whole QEMU run;
total: with the image build and the checks on the host.
The panic-to-* columns are the crash kernel's own log timestamps (its
clock starts at the kexec right after the panic), the same events for
both tools: panic-to-crash-init when it starts /init;
panic-to-vmcore-saved at the tool's line once the vmcore has its final
name (kdump-snp: "kdumpctl: dump saved", after vmcore-incomplete is
renamed and kdump-info.txt written; kdump-tools: "saved vmcore in", after
dump-incomplete is renamed), "-" when no dump was saved;
panic-to-off-or-reset at the kernel's own last line, "reboot: Power down"
or "reboot: Restarting system", whichever action the tool took (QEMU
exits there).
For the stock peer, kdump-start is kdump-tools.service's \`kdump-config
load\` (its capture initramfs made when the image was built), capture runs
from kdump-config's first makedumpfile (--dump-dmesg) to "saved vmcore in",
and it ends with \`reboot -f\` (a reset).
raw-target boots the guest twice: its columns are the crash's boot (the
dump written to the raw disk), and total includes the second boot, whose
\`kdumpctl start\` restores the dump into /var/crash before it arms.

EOF2
phases=(image guest-boot kdump-start panic-to-crash-init capture panic-to-vmcore-saved panic-to-off-or-reset qemu-total total)
printf '| scenario |'
printf ' %s |' "${phases[@]}"
printf '\n| --- |'
printf ' --- |%.0s' "${phases[@]}"
printf '\n'
for f in "$results"/*.times; do
	[ -e "$f" ] || continue
	name=$(basename "$f" .times)
	label=$name
	[ "$name" != kdump-tools ] || label="kdump-tools (stock peer)"
	printf '| %s |' "$label"
	for p in "${phases[@]}"; do
		v=$(awk -v p="$p" '$1 == p { print $2 }' "$f")
		printf ' %s |' "${v:--}"
	done
	printf '\n'
done

# the SNP scenarios (tests/vm/scenario-snp.sh): what each crash kernel did
snp=()
for f in "$results"/snp-*.snp; do
	[ -e "$f" ] || continue
	snp+=("$f")
done
if [ "${#snp[@]}" -gt 0 ]; then
	cat <<EOF2

## The SNP cycle in the real guest

The Debian 13 guest, running Debian's unmodified kernel, on the QEMU of
tests/qemu: its AMD IOMMU reports SNP (\`snp-efr=on\`) and, once the first
kernel enabled it, ignores writes to its base registers as an SEV-SNP
host's IOMMU does after SNP_SHUTDOWN_EX failed (\`snp-lock=on\`); the
root disk is behind it (\`pt=off\`, requester 00:05.0). Both guests have
kdump-snp and kdump-snp-crash-kernel installed with dpkg.
snp-dedicated: kdump.service arms the dedicated crash kernel by itself.
snp-stock (the control): the running kernel forced as the crash kernel;
kdump.service refuses it, the operator's override arms it. The trace
column counts QEMU's trace events on either side of the first kernel's
panic line (each stamped with the host's clock).

| scenario | crash kernel | how it was armed | its log after the panic | QEMU's trace | result |
| --- | --- | --- | --- | --- | --- |
EOF2
	for f in "${snp[@]}"; do
		printf '| %s |' "$(basename "$f" .snp)"
		for k in kernel chosen log trace result; do
			v=$(awk -F '\t' -v k="$k" '$1 == k { print $2 }' "$f" | sed 's/|/\\|/g')
			printf ' %s |' "${v:--}"
		done
		printf '\n'
	done
fi

# the scenarios that prove a bound (issue #19): their bound and the time
# the crash kernel took to its action
bounded=()
for f in "$results"/*.times; do
	[ -e "$f" ] || continue
	! awk '$1 == "bound" { found = 1 } END { exit !found }' "$f" || bounded+=("$f")
done
[ "${#bounded[@]}" -gt 0 ] || exit 0
cat <<EOF2

## Bounded failures

Each of these scenarios breaks the capture on purpose and asserts the
action and the time the crash kernel took to it (to-action, its own log
timestamps) against a bound (seconds) built from the configured timeouts:
disk-stall: the dump disk's writes throttled to 4 KiB/s, capture_timeout
60 s, from the crash kernel's /init to failure_action poweroff (bound: the
timeout plus the kill graces, the bounded sync and 10 s);
disk-missing: the target's UUID changed after the image was built,
disk_timeout 15 s, from /init to failure_action poweroff;
small-crashkernel: \`crashkernel=80M\`, below the measured minimum of 96M,
from the panic to the crash kernel's power-off or restart (a restart
after a panic in the crash kernel prints no line: its "Rebooting in N
seconds" line plus N);
watchdog-hang: the crash kernel hangs with interrupts off in a test
module, from the hang (the module's line, on the host's clock) to the
reset by QEMU's i6300esb (QEMU's exit); bound: the armed timeout and
15 s;
ssh-server-down: the ssh server stops answering once kdump is armed,
link_delay 20 s, from the crash kernel's /init to failure_action
poweroff (bound: link_delay for the link, link_delay for the server, and
15 s).

| scenario | bound | to-action | qemu-total | total |
| --- | --- | --- | --- | --- |
EOF2
for f in "${bounded[@]}"; do
	printf '| %s |' "$(basename "$f" .times)"
	for p in bound to-action qemu-total total; do
		v=$(awk -v p="$p" '$1 == p { print $2 }' "$f")
		printf ' %s |' "${v:--}"
	done
	printf '\n'
done
