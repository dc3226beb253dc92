# shellcheck shell=bash
# shellcheck disable=SC2250,SC2292 # -o all style checks: these helpers use $var and [ ] throughout
# shellcheck disable=SC2312 # the sourcing script sets pipefail; substitutions inside arguments fill messages, and values that decide an outcome are tested where used
# shellcheck disable=SC2154 # RES, WORK, BENCH_CRASH_TIMEOUT are bench/run-bench's, VM_TAG is tests/vm/lib.sh's
# shellcheck disable=SC2034 # DUMP_*, FAIL_WHY, INITRD_* are read by bench/run-bench
# Helpers of bench/run-bench: QEMU runs of a benchmark disk with a time
# limit after the panic, the crash kernel's own timestamps, checks of the
# saved dumps on the guest disk (debugfs, makedumpfile), capture initramfs
# sizes, and the results file (one measured value per line).
#
# Sourced by bench/run-bench after tests/vm/lib.sh; needs `set -euo pipefail`.

BENCH_TAG='KDUMP-BENCH:'
BENCH_QEMU_PID=

# ---- results --------------------------------------------------------------

# record KEY VALUE: one measured value (KEY is tool/variant/metric)
record() {
	printf '%s\t%s\n' "$1" "$2" >>"$RES/results.tsv"
}

# info KEY VALUE: one fact about the run (machine, versions, ...)
info() {
	printf '%s\t%s\n' "$1" "$2" >>"$RES/info.tsv"
}

# info_get KEY: the last value recorded for KEY
info_get() {
	awk -F'\t' -v k="$1" '$1 == k { v = $2 } END { print v }' "$RES/info.tsv" 2>/dev/null
}

# ---- QEMU -------------------------------------------------------------------

# bench_kill_qemu: stop the QEMU run this script started (traps)
bench_kill_qemu() {
	if [ -n "$BENCH_QEMU_PID" ]; then
		kill -TERM -- "$BENCH_QEMU_PID" 2>/dev/null || true
		wait "$BENCH_QEMU_PID" 2>/dev/null || true
		BENCH_QEMU_PID=
	fi
}

# bench_markers LOG: marker lines of both guest drivers, without CRs
bench_markers() {
	tr -d '\r' <"$1" | grep -a -o -E "($VM_TAG|$BENCH_TAG) .*" || true
}

# bench_boot DISK LOG APPEND [QEMU ARGS...]: boot the guest of guest.env
# (vm_guest_load) from DISK, as tests/vm/lib.sh does (TCG, q35, AMD IOMMU,
# -m 2048, disk behind the IOMMU, -no-reboot, no NIC unless QEMU ARGS add
# one; BENCH_MEM_MIB and BENCH_SMP change the memory and CPUs), under
# `timeout $BENCH_TIMEOUT`, and stop it
# when the crash kernel has run for $BENCH_CRASH_TIMEOUT s after the panic.
# Prints the marker lines as they come. Sets BENCH_RC (124: a time limit
# was hit), BENCH_HUNG (1: the crash-kernel limit; its registers then in
# LOG.regs and VM_HANG_WHERE, vm_hang_report) and BENCH_SECS.
bench_boot() {
	local disk=$1 log=$2 append=$3 start panic_at="" seen=0 n line el
	shift 3
	vm_guest_disk_args "$disk" d0 kdumproot
	local -a cmd=(
		timeout --kill-after=10 "$BENCH_TIMEOUT"
		"$VM_QEMU" -accel tcg -M q35 -device amd-iommu -m "${BENCH_MEM_MIB:-2048}"
		-nographic -no-reboot -nic none -smp "${BENCH_SMP:-1}" -vga none
		-kernel "$VM_GUEST_KERNEL" -initrd "$VM_GUEST_INITRD"
		-append "$VM_GUEST_CMDLINE $append"
		"${VM_GUEST_DISK_ARGS[@]}" "$@"
	)
	# the monitor, for the registers of a hung crash kernel
	local mon
	mon=$(vm_monitor_socket)
	[ -z "$mon" ] || cmd+=(-monitor "unix:$mon,server,nowait")
	BENCH_HUNG=0
	VM_HANG_WHERE=
	start=$(date +%s)
	"${cmd[@]}" </dev/null >"$log" 2>&1 &
	BENCH_QEMU_PID=$!
	while kill -0 "$BENCH_QEMU_PID" 2>/dev/null; do
		sleep 2
		el=$(($(date +%s) - start))
		n=0
		while IFS= read -r line; do
			n=$((n + 1))
			[ "$n" -gt "$seen" ] || continue
			printf '      [%4ss] %s\n' "$el" "$line"
		done < <(bench_markers "$log")
		seen=$n
		if [ -z "$panic_at" ] && grep -a 'Kernel panic - not syncing' "$log" >/dev/null; then
			panic_at=$(date +%s)
			printf '      [%4ss] panic; crash kernel running\n' "$el"
		fi
		if [ -n "$panic_at" ] && [ "$(($(date +%s) - panic_at))" -gt "$BENCH_CRASH_TIMEOUT" ]; then
			printf '      [%4ss] crash kernel still running %ss after the panic: stopping QEMU\n' \
				"$el" "$BENCH_CRASH_TIMEOUT"
			BENCH_HUNG=1
			vm_hang_report "$mon" "$log.regs" full
			[ -z "$VM_HANG_WHERE" ] || printf '      [%4ss] registers at the limit: %s (all in %s)\n' "$el" "$VM_HANG_WHERE" "$log.regs"
			kill -TERM -- "$BENCH_QEMU_PID" 2>/dev/null || true
			break
		fi
	done
	BENCH_RC=0
	wait "$BENCH_QEMU_PID" || BENCH_RC=$?
	BENCH_QEMU_PID=
	vm_monitor_done "$mon"
	BENCH_SECS=$(($(date +%s) - start))
	[ "$BENCH_HUNG" = 0 ] || BENCH_RC=124
	if [ "$BENCH_RC" = 124 ] || [ "$BENCH_RC" = 137 ]; then
		BENCH_RC=124
		printf '      QEMU stopped by the time limit after %ss\n' "$BENCH_SECS"
	fi
	return 0
}

# show_log LOG: the tail of a serial log (on failure)
show_log() {
	VM_LOGLINES=${BENCH_LOGLINES:-80} vm_show_log "$1"
}

# ---- the serial log -----------------------------------------------------------

# marker_value LOG KEY: the value of the first "TAG KEY=VALUE" marker
marker_value() {
	bench_markers "$1" | sed -n "s/^[^ ]* $2=\\([^ ]*\\).*/\\1/p" | sed -n 1p
}

# sub A B: A - B with two decimals, empty when either is empty
sub() {
	[ -n "$1" ] && [ -n "$2" ] || return 0
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f\n", a - b }'
}

# ---- the guest disk --------------------------------------------------------------

# on_disk IMG REQUEST: a debugfs request on a guest disk
on_disk() {
	debugfs -R "$2" "$1" 2>/dev/null
}

# disk_ls IMG DIR: the names in DIR
disk_ls() {
	on_disk "$1" "ls -p $2" | awk -F/ 'NF >= 6 && $6 != "." && $6 != ".." { print $6 }'
}

# disk_size IMG PATH: the size in bytes of a file
disk_size() {
	on_disk "$1" "stat $2" | sed -n 's/.*Size: \([0-9]*\).*/\1/p' | sed -n 1p
}

# disk_resolve IMG PATH: PATH with symbolic links followed (up to 8)
disk_resolve() {
	local img=$1 p=$2 i st dest
	for ((i = 0; i < 8; i++)); do
		st=$(on_disk "$img" "stat $p")
		grep 'Type: symlink' >/dev/null <<<"$st" || break
		dest=$(sed -n 's/.*[Ll]ink dest: "\(.*\)"/\1/p' <<<"$st" | sed -n 1p)
		[ -n "$dest" ] || break
		case $dest in
		/*) p=$dest ;;
		*) p=$(dirname -- "$p")/$dest ;;
		esac
	done
	printf '%s\n' "$p"
}

# disk_get IMG PATH OUT: copy a file out of the guest disk
disk_get() {
	rm -f -- "$3"
	on_disk "$1" "dump $2 $3" >/dev/null
	[ -f "$3" ]
}

# ---- capture initramfs -------------------------------------------------------------

# decompress_by_magic FILE: the first bytes decide the decompressor;
# writes the uncompressed stream to stdout
decompress_by_magic() {
	local magic
	magic=$(od -An -tx1 -N6 -- "$1" | tr -d ' \n')
	case $magic in
	070701* | 070702* | 303730373031 | 303730373032) cat -- "$1" ;;
	28b52ffd*) zstd -dc -- "$1" ;;
	1f8b*) gzip -dc -- "$1" ;;
	fd377a585a00) xz -dc -- "$1" ;;
	5d0000*) xz -dc --format=lzma -- "$1" ;;
	02214c18*) lz4 -dc -- "$1" ;;
	425a68*) bzip2 -dc -- "$1" ;;
	894c5a4f*) lzop -dc -- "$1" ;;
	*)
		printf 'unknown initramfs compression (magic %s)\n' "$magic" >&2
		return 1
		;;
	esac
}

# cpio_breakdown: from `cpio -itv` on stdin, bytes per part of the tree
# ("modules", "firmware", "libraries", "programs", "other"), largest first
cpio_breakdown() {
	awk '{
		size = $5; name = $NF
		sub(/^\.\//, "", name)
		if (name ~ /^(usr\/)?lib\/modules\//) p = "kernel-modules"
		else if (name ~ /^(usr\/)?lib\/firmware\//) p = "firmware"
		else if (name ~ /^(usr\/)?lib(64)?\/.*\.so/) p = "shared-libraries"
		else if (name ~ /^(usr\/)?s?bin\//) p = "programs"
		else if (name ~ /^(usr\/)?lib\/systemd\//) p = "systemd"
		else if (name ~ /^(usr\/)?lib\/udev\//) p = "udev"
		else p = "other"
		if ($1 ~ /^-/) b[p] += size
	}
	END { for (p in b) print p, b[p] }' | sort -k2,2nr
}

# initramfs_measure IMG [PARTS]: sets INITRD_UNPACKED (bytes of the
# uncompressed cpio archives, as the kernel unpacks them), INITRD_FILES
# (entries) and INITRD_PARTS (e.g. "cpio+zstd"); writes the bytes per part
# of the tree (cpio_breakdown) of the main archive to PARTS. Uncompressed
# archives at the front (early microcode) are skipped with dracut's skipcpio.
initramfs_measure() {
	local img=$1 parts=${2:-/dev/null} part rest size skip=/usr/lib/dracut/skipcpio magic n
	INITRD_UNPACKED=0
	INITRD_FILES=0
	INITRD_PARTS=
	part=$WORK/initrd.part
	cp -- "$img" "$part"
	while [ -s "$part" ]; do
		magic=$(head -c6 -- "$part")
		if [ "$magic" = 070701 ] || [ "$magic" = 070702 ]; then
			[ -x "$skip" ] || vm_die "$skip (dracut-core) is needed to read a multi-part initramfs"
			"$skip" "$part" >"$part.rest"
			size=$(($(stat -c %s -- "$part") - $(stat -c %s -- "$part.rest")))
			[ "$size" -gt 0 ] || break
			n=$(head -c "$size" -- "$part" | cpio -it --quiet 2>/dev/null | wc -l)
			INITRD_UNPACKED=$((INITRD_UNPACKED + size))
			INITRD_FILES=$((INITRD_FILES + n))
			INITRD_PARTS="${INITRD_PARTS:+$INITRD_PARTS+}cpio"
			# padding between archives
			rest=$part.rest
			mv -f -- "$rest" "$part"
			# skip NUL padding
			while [ -s "$part" ] && [ "$(od -An -tx1 -N1 -- "$part" | tr -d ' ')" = 00 ]; do
				tail -c +2 -- "$part" >"$part.rest" && mv -f -- "$part.rest" "$part"
			done
		else
			decompress_by_magic "$part" >"$part.cpio" || return 1
			size=$(stat -c %s -- "$part.cpio")
			n=$(cpio -it --quiet <"$part.cpio" 2>/dev/null | wc -l)
			cpio -itv --quiet <"$part.cpio" 2>/dev/null | cpio_breakdown >"$parts"
			INITRD_UNPACKED=$((INITRD_UNPACKED + size))
			INITRD_FILES=$((INITRD_FILES + n))
			INITRD_PARTS="${INITRD_PARTS:+$INITRD_PARTS+}$(od -An -tx1 -N4 -- "$part" | tr -d ' ' |
				sed -e 's/^28b52ffd$/zstd/' -e 's/^1f8b.*/gzip/' -e 's/^fd377a58$/xz/' -e 's/^02214c18$/lz4/')"
			rm -f -- "$part.cpio"
			break
		fi
	done
	rm -f -- "$part" "$part.rest"
}

# ---- dumps -----------------------------------------------------------------------

# guest_makedumpfile ARGS...: the guest's own makedumpfile (newer, reads
# zstd dumps), run on the host through the guest base tree's dynamic loader
guest_makedumpfile() {
	local root=$BENCH_GUEST_ROOT
	"$root/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2" \
		--library-path "$root/usr/lib/x86_64-linux-gnu" \
		"$root/usr/bin/makedumpfile" "$@"
}

# validate_vmcore FILE: sets DUMP_VALIDATOR; true when a makedumpfile reads
# the dump's kernel log and finds the sysrq crash. The host's makedumpfile
# first; the guest's for what the host's cannot read (zstd).
validate_vmcore() {
	local f=$1 out=$SCRATCH/dmesg.txt
	rm -f -- "$out"
	# the flattened format (makedumpfile -F) is rearranged first
	if [ "$(head -c 12 -- "$f" | tr -d '\0')" = makedumpfile ]; then
		makedumpfile -R "$f.rearranged" <"$f" >"$SCRATCH/mdf-R.log" 2>&1 ||
			guest_makedumpfile -R "$f.rearranged" <"$f" >"$SCRATCH/mdf-R.log" 2>&1 || {
			FAIL_WHY="cannot rearrange the flattened dump: $(tail -n 2 "$SCRATCH/mdf-R.log" | tr '\n' ' ')"
			rm -f -- "$f.rearranged"
			return 1
		}
		mv -f -- "$f.rearranged" "$f"
	fi
	if makedumpfile --dump-dmesg "$f" "$out" >"$SCRATCH/mdf.log" 2>&1 &&
		grep -a 'sysrq triggered crash' "$out" >/dev/null; then
		DUMP_VALIDATOR=host-makedumpfile
		return 0
	fi
	rm -f -- "$out"
	if [ -n "${BENCH_GUEST_ROOT:-}" ] &&
		guest_makedumpfile --dump-dmesg "$f" "$out" >"$SCRATCH/mdf-guest.log" 2>&1 &&
		grep -a 'sysrq triggered crash' "$out" >/dev/null; then
		DUMP_VALIDATOR=guest-makedumpfile
		return 0
	fi
	DUMP_VALIDATOR=none
	FAIL_WHY="no makedumpfile reads the dump: $(tail -n 2 "$SCRATCH/mdf.log" | tr '\n' ' ')"
	return 1
}

# find_dump_snp IMG: sets DUMP_FILE (guest path) for kdump-snp's layout,
# /var/crash/<host>-<date>/vmcore with kdump-info.txt "result: saved"
find_dump_snp() {
	local img=$1 d files
	d=$(disk_ls "$img" /var/crash | grep -E '^kdump-guest-[0-9]{4}-' | sed -n 1p) || true
	[ -n "$d" ] || { FAIL_WHY="no dump directory in /var/crash"; return 1; }
	files=$(disk_ls "$img" "/var/crash/$d")
	grep -x vmcore >/dev/null <<<"$files" || { FAIL_WHY="/var/crash/$d has no vmcore ($(tr '\n' ' ' <<<"$files"))"; return 1; }
	disk_get "$img" "/var/crash/$d/kdump-info.txt" "$SCRATCH/kdump-info.txt" ||
		{ FAIL_WHY="no kdump-info.txt"; return 1; }
	grep -x 'result: saved' "$SCRATCH/kdump-info.txt" >/dev/null ||
		{ FAIL_WHY="kdump-info.txt: $(tr '\n' ' ' <"$SCRATCH/kdump-info.txt")"; return 1; }
	DUMP_FILE=/var/crash/$d/vmcore
	DUMP_COLLECTOR=$(sed -n 's/^collector: \(.*\) \/proc\/vmcore .*/\1/p' "$SCRATCH/kdump-info.txt")
}

# disk_crash_listing IMG: what /var/crash on IMG holds, one line: each
# directory with its files (a hung capture: how far it got). IMG is the
# run's scratch copy: its journal is replayed first, since a capture
# stopped mid-way leaves its new directory in the journal, where debugfs
# does not look.
disk_crash_listing() {
	local img=$1 d out=""
	e2fsck -p -E journal_only "$img" >/dev/null 2>&1 || true
	while IFS= read -r d; do
		[ -n "$d" ] || continue
		out+="${out:+; }/var/crash/$d: $(disk_ls "$img" "/var/crash/$d" | paste -s -d ' ' -)"
	done < <(disk_ls "$img" /var/crash 2>/dev/null || true)
	echo "${out:-/var/crash is empty}"
}

# TOOLS_DIR_RE: the directories kdump-tools' kdump-config makes, named
# by the time (YYYYMMDDHHMM); for a network target with the host's
# address or name (HOSTTAG) and a dash before it
TOOLS_DIR_RE='^([^/]+-)?[0-9]{12}$'

# tools_dump_name DIR FILES: sets DUMP_NAME to the name of kdump-tools'
# dump in its directory DIR (FILES: the names in it): dump.<stamp>, the
# stamp being DIR's time; FAIL_WHY when there is none
tools_dump_name() {
	local stamp=${1##*-}
	DUMP_NAME=
	if grep -x "dump.$stamp" >/dev/null <<<"$2"; then
		DUMP_NAME=dump.$stamp
	elif grep -x "vmcore.$stamp" >/dev/null <<<"$2"; then
		FAIL_WHY="$1 has vmcore.$stamp: makedumpfile failed and kdump-config copied /proc/vmcore whole"
		return 1
	else
		FAIL_WHY="$1 has no dump.$stamp ($(tr '\n' ' ' <<<"$2"))"
		return 1
	fi
}

# find_dump_tools IMG [DIR]: sets DUMP_FILE for kdump-tools' layout,
# DIR/<YYYYMMDDHHMM>/dump.<stamp> (DIR: /var/crash by default; the root
# of an nfs export)
find_dump_tools() {
	local img=$1 base=${2:-/var/crash} d files
	base=${base%/}
	d=$(disk_ls "$img" "${base:-/}" | grep -E "$TOOLS_DIR_RE" | sed -n 1p) || true
	[ -n "$d" ] || { FAIL_WHY="no dump directory in ${base:-/} ($(disk_ls "$img" "${base:-/}" | tr '\n' ' '))"; return 1; }
	files=$(disk_ls "$img" "$base/$d")
	tools_dump_name "$d" "$files" || return 1
	DUMP_FILE=$base/$d/$DUMP_NAME
	DUMP_COLLECTOR=
}

# find_dump_tools_dir DIR: the same in a folder of the host (the ssh
# server's)
find_dump_tools_dir() {
	local base=$1 d
	d=$(find "$base" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' 2>/dev/null | grep -E "$TOOLS_DIR_RE" | sed -n 1p) || true
	[ -n "$d" ] || { FAIL_WHY="no dump directory in $base on the server"; return 1; }
	tools_dump_name "$d" "$(find "$base/$d" -mindepth 1 -maxdepth 1 -printf '%f\n')" || return 1
	DUMP_FILE=$base/$d/$DUMP_NAME
	DUMP_COLLECTOR=
}

# find_dump_snp_dir DIR: sets DUMP_FILE (a path of the host) for
# kdump-snp's layout over ssh in a folder of the server,
# DIR/<host>-<date>/vmcore.flat with kdump-info.txt "result: saved"
find_dump_snp_dir() {
	local base=$1 d
	d=$(find "$base" -mindepth 1 -maxdepth 1 -type d -name 'kdump-guest-[0-9][0-9][0-9][0-9]-*' 2>/dev/null | sed -n 1p) || true
	[ -n "$d" ] || { FAIL_WHY="no dump directory in $base on the server"; return 1; }
	[ -f "$d/vmcore.flat" ] || { FAIL_WHY="$d has no vmcore.flat ($(find "$d" -mindepth 1 -maxdepth 1 -printf '%f '))"; return 1; }
	[ -f "$d/kdump-info.txt" ] || { FAIL_WHY="no kdump-info.txt"; return 1; }
	grep -x 'result: saved' "$d/kdump-info.txt" >/dev/null ||
		{ FAIL_WHY="kdump-info.txt: $(tr '\n' ' ' <"$d/kdump-info.txt")"; return 1; }
	DUMP_FILE=$d/vmcore.flat
	DUMP_COLLECTOR=$(sed -n 's/^collector: \(.*\) \/proc\/vmcore .*/\1/p' "$d/kdump-info.txt")
}
