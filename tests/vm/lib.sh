# shellcheck shell=bash
# shellcheck disable=SC2250,SC2292 # -o all style checks: these helpers use $var and [ ] throughout
# shellcheck disable=SC2312 # the sourcing script sets pipefail; substitutions inside arguments fill messages, and values that decide an outcome are tested where used
# Helpers for the VM test suites (tests/vm/*.sh): Debian's kernel fetched
# and cached, busybox initramfs images, QEMU runs with a timeout and a
# captured serial log, guest log on failure, phase timing.
#
# Sourced by a bash script that runs with `set -euo pipefail`.
#
# Environment:
#   KDUMP_SNP_CACHE       cache folder (default /var/cache/kdump-snp)
#   KDUMP_SNP_VM_TIMEOUT  seconds one QEMU run may take (default 180)
#   KDUMP_SNP_VM_LOGLINES guest log lines shown on failure (default 200,
#                         0 for the whole log)
#   KDUMP_SNP_VM_KERNEL   a kernel image to boot instead of Debian's
#   QEMU                  QEMU binary (default qemu-system-x86_64)
#
# A suite may set, before vm_run_qemu (tests/vm/scenario-snp.sh does):
#   VM_QEMU_IOMMU       the IOMMU device (default: amd-iommu, with pt=off
#                       where the QEMU has that property: QEMU 10's default
#                       pt=on maps every device's DMA 1:1 whatever the
#                       guest's tables say, and the guest's disk, whose DMA
#                       goes through the IOMMU, reads garbage)
#   VM_QEMU_BASE_ARGS   the console and default devices, an array
#                       (default: -nodefaults -display none -serial stdio:
#                       QEMU 10's default CD-ROM costs SeaBIOS a 30 s
#                       timeout, and no guest needs a default device)
#   VM_QEMU_STAMPS      a file: every serial line again, prefixed with the
#                       host's clock when it arrived (microseconds since
#                       the epoch), to set the guest's log against QEMU's
#                       own timestamped trace
#   VM_QEMU_QUIET_AFTER, VM_QEMU_QUIET_SECS
#                       once a serial line matches the extended regex
#                       VM_QEMU_QUIET_AFTER, end the run when the log then
#                       stays unchanged for VM_QEMU_QUIET_SECS seconds (a
#                       hung guest) and set VM_QEMU_HUNG=1
#   VM_GUEST_DISK_SLOT  the PCI slot of the root disk (default: QEMU's
#                       choice), so that its requester ID is known

VM_CACHE=${KDUMP_SNP_CACHE:-/var/cache/kdump-snp}
VM_TIMEOUT=${KDUMP_SNP_VM_TIMEOUT:-180}
VM_LOGLINES=${KDUMP_SNP_VM_LOGLINES:-200}
VM_QEMU=${QEMU:-qemu-system-x86_64}
# Bump when the layout of the images built here changes.
# shellcheck disable=SC2034 # read by the suites
VM_LIB_FORMAT=1
# Our part of the cache (other tools keep their own folders beside these).
VM_KERNEL_CACHE=$VM_CACHE/debian-kernel
VM_INITRAMFS_CACHE=$VM_CACHE/vm-initramfs

# The guest marks its progress with lines that start with this tag.
VM_TAG='KDUMP-SNP-TEST:'

VM_PASSED=0
VM_FAILED=0
VM_FAILED_NAMES=()
VM_QEMU_PID=
VM_QEMU_HUNG=0
VM_QEMU_BASE_ARGS=(-nodefaults -display none -serial stdio)

# ---- messages and timing -------------------------------------------------

vm_say() {
	printf '%s\n' "$*"
}

vm_die() {
	printf 'ERROR: %s\n' "$*" >&2
	exit 1
}

# vm_now: seconds since the epoch with two decimals
vm_now() {
	local t
	t=$(date +%s%N)
	printf '%d.%02d\n' "$((t / 1000000000))" "$((t % 1000000000 / 10000000))"
}

# vm_elapsed START: seconds since START (as printed by vm_now), one decimal
vm_elapsed() {
	awk -v s="$1" -v e="$(vm_now)" 'BEGIN { printf "%.1f", e - s }'
}

# vm_sha256 FILE...: one hash over the contents of all FILEs
vm_sha256() {
	cat -- "$@" | sha256sum | cut -c1-16
}

# vm_sha256_str STRING: hash of a string
vm_sha256_str() {
	printf '%s' "$1" | sha256sum | cut -c1-16
}

# ---- host tools ------------------------------------------------------------

VM_APT_UPDATED=0

vm_apt_update_once() {
	if [ "$VM_APT_UPDATED" = 0 ]; then
		vm_say "apt-get update"
		apt-get update -qq || vm_die "apt-get update failed"
		VM_APT_UPDATED=1
	fi
}

# vm_apt_install PKG...: install packages, updating the lists if needed
vm_apt_install() {
	local -a cmd=(apt-get install -y -qq --no-install-recommends "$@")
	vm_say "installing: $*"
	if ! DEBIAN_FRONTEND=noninteractive "${cmd[@]}"; then
		vm_apt_update_once
		DEBIAN_FRONTEND=noninteractive "${cmd[@]}" ||
			vm_die "cannot install: $*"
	fi
}

vm_pkg_installed() {
	local status
	status=$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null) || return 1
	[ "$status" = "install ok installed" ]
}

# vm_require_host_tools: QEMU, static busybox, cpio; installed when missing
vm_require_host_tools() {
	local -a missing=()
	command -v "$VM_QEMU" >/dev/null 2>&1 || missing+=(qemu-system-x86)
	if ! vm_pkg_installed busybox-static || ! [ -x /bin/busybox ]; then
		missing+=(busybox-static)
	fi
	command -v cpio >/dev/null 2>&1 || missing+=(cpio)
	command -v timeout >/dev/null 2>&1 || missing+=(coreutils)
	if [ "${#missing[@]}" -gt 0 ]; then
		[ "$(id -u)" = 0 ] ||
			vm_die "missing packages (${missing[*]}); run as root or install them"
		vm_apt_install "${missing[@]}"
	fi
	command -v "$VM_QEMU" >/dev/null 2>&1 || vm_die "no $VM_QEMU after install"
}

# vm_is_static FILE: true when FILE is an ELF with no program interpreter
vm_is_static() {
	local hdr
	hdr=$(od -An -c -N4 -- "$1" | tr -d ' ')
	[ "$hdr" = '177ELF' ] || return 1
	if command -v readelf >/dev/null 2>&1; then
		! readelf -lW -- "$1" 2>/dev/null | grep 'Requesting program interpreter' >/dev/null
	else
		return 0
	fi
}

# ---- cache -------------------------------------------------------------------

vm_cache_init() {
	mkdir -p -- "$VM_KERNEL_CACHE" "$VM_INITRAMFS_CACHE" ||
		vm_die "cannot create the cache folders in $VM_CACHE (set KDUMP_SNP_CACHE)"
	if ! [ -w "$VM_KERNEL_CACHE" ] || ! [ -w "$VM_INITRAMFS_CACHE" ]; then
		vm_die "cache folder $VM_CACHE is not writable (set KDUMP_SNP_CACHE)"
	fi
	# left by interrupted runs
	find "$VM_KERNEL_CACHE" "$VM_INITRAMFS_CACHE" -maxdepth 1 \
		\( -name '.download.*' -o -name '.root.*' -o -name '*.tmp.*' \) \
		-mmin +60 -exec rm -rf -- {} + 2>/dev/null || true
}

# vm_cache_prune GLOB KEEP: keep only the KEEP newest images in the
# initramfs cache whose names match GLOB
vm_cache_prune() {
	local glob=$1 keep=$2 f i
	local -a entries=()
	while IFS= read -r f; do
		entries+=("$f")
	done < <(find "$VM_INITRAMFS_CACHE" -maxdepth 1 -type f -name "$glob" -printf '%T@ %f\n' |
		sort -rn | cut -d' ' -f2-)
	for ((i = keep; i < ${#entries[@]}; i++)); do
		rm -f -- "${VM_INITRAMFS_CACHE:?}/${entries[i]}"
	done
}

# ---- Debian's kernel -------------------------------------------------------

# vm_kernel_package: sets VM_KERNEL_PKG and VM_KERNEL_VER to the kernel image
# package that linux-image-amd64's candidate depends on
vm_kernel_package() {
	local meta_ver dep name ver
	meta_ver=$(apt-cache policy linux-image-amd64 2>/dev/null |
		sed -n 's/^  Candidate: //p')
	if [ -z "$meta_ver" ] || [ "$meta_ver" = "(none)" ]; then
		vm_apt_update_once
		meta_ver=$(apt-cache policy linux-image-amd64 |
			sed -n 's/^  Candidate: //p')
	fi
	if [ -z "$meta_ver" ] || [ "$meta_ver" = "(none)" ]; then
		vm_die "apt knows no linux-image-amd64"
	fi
	# "Depends: linux-image-6.1.0-56-amd64 (= 6.1.192-2)"
	dep=$(apt-cache show "linux-image-amd64=$meta_ver" | sed -n 's/^Depends: //p' |
		head -n1 | tr ',|' '\n' | sed 's/^ *//' |
		grep -E '^linux-image-[0-9][^ ]*-amd64( |$)' | head -n1) || true
	name=${dep%% *}
	[ -n "$name" ] || vm_die "no kernel package in the Depends of linux-image-amd64=$meta_ver"
	ver=$(printf '%s\n' "$dep" | sed -n 's/.*(= \(.*\))$/\1/p')
	if [ -z "$ver" ]; then
		ver=$(apt-cache policy "$name" | sed -n 's/^  Candidate: //p')
		if [ -z "$ver" ] || [ "$ver" = "(none)" ]; then
			vm_die "apt has no candidate for $name"
		fi
	fi
	VM_KERNEL_PKG=$name
	VM_KERNEL_VER=$ver
}

# vm_fetch_kernel: sets VM_KERNEL (path of a cached vmlinuz) and
# VM_KERNEL_ID ("package=version"). Downloads and extracts the package
# with apt-get download and dpkg-deb -x when the cache has no copy.
vm_fetch_kernel() {
	local name ver dir tmp deb img
	if [ -n "${KDUMP_SNP_VM_KERNEL:-}" ]; then
		[ -s "$KDUMP_SNP_VM_KERNEL" ] || vm_die "KDUMP_SNP_VM_KERNEL=$KDUMP_SNP_VM_KERNEL: no such file"
		VM_KERNEL=$KDUMP_SNP_VM_KERNEL
		VM_KERNEL_ID="file-$(vm_sha256 "$VM_KERNEL")"
		vm_say "kernel: $VM_KERNEL (KDUMP_SNP_VM_KERNEL)"
		return 0
	fi
	vm_kernel_package
	name=$VM_KERNEL_PKG
	ver=$VM_KERNEL_VER
	VM_KERNEL_ID="$name=$ver"
	dir="$VM_KERNEL_CACHE/$name-$(vm_sha256_str "$VM_KERNEL_ID")"
	VM_KERNEL="$dir/vmlinuz"
	if [ -s "$VM_KERNEL" ]; then
		vm_say "kernel: $VM_KERNEL_ID (cached)"
		return 0
	fi
	vm_say "kernel: downloading $VM_KERNEL_ID"
	tmp=$(mktemp -d "$VM_KERNEL_CACHE/.download.XXXXXX")
	chmod 0755 -- "$tmp"
	# apt's download sandbox user must be able to write here
	chown _apt: -- "$tmp" 2>/dev/null || true
	if ! (cd -- "$tmp" && apt-get download -q "$name=$ver" >/dev/null); then
		rm -rf -- "$tmp"
		[ "$VM_APT_UPDATED" = 0 ] || vm_die "apt-get download $name=$ver failed"
		# stale package lists: the mirror may carry a newer kernel by now
		vm_apt_update_once
		vm_fetch_kernel
		return
	fi
	deb=$(find "$tmp" -maxdepth 1 -name '*.deb' | head -n1)
	[ -n "$deb" ] || vm_die "apt-get download left no .deb in $tmp"
	mkdir -- "$tmp/x"
	dpkg-deb -x "$deb" "$tmp/x" || vm_die "dpkg-deb -x $deb failed"
	img=$(find "$tmp/x/boot" -maxdepth 1 -name 'vmlinuz-*' | head -n1)
	[ -n "$img" ] || vm_die "no /boot/vmlinuz-* in $deb"
	mkdir -p -- "$dir"
	cp -- "$img" "$dir/vmlinuz.tmp.$$"
	printf '%s\n' "$VM_KERNEL_ID" >"$dir/package"
	mv -f -- "$dir/vmlinuz.tmp.$$" "$VM_KERNEL"
	rm -rf -- "$tmp"
	vm_say "kernel: cached as $VM_KERNEL"
}

# ---- initramfs -------------------------------------------------------------

# vm_cpio DIR OUT: pack DIR as an uncompressed newc archive, in a stable order
vm_cpio() {
	local dir=$1 out=$2
	(cd -- "$dir" && find . -mindepth 1 -print0 | LC_ALL=C sort -z |
		cpio --null --create --format=newc --owner=0:0 --reproducible --quiet) \
		>"$out.tmp.$$" || vm_die "cpio of $dir failed"
	mv -f -- "$out.tmp.$$" "$out"
}

# vm_busybox_root DIR INIT: a minimal busybox root in DIR with INIT as /init
vm_busybox_root() {
	local root=$1 init=$2 d
	for d in bin sbin dev proc sys tmp etc boot; do
		mkdir -p -- "$root/$d"
	done
	cp -- /bin/busybox "$root/bin/busybox"
	ln -s busybox "$root/bin/sh"
	install -m 0755 -- "$init" "$root/init"
}

# vm_build_initramfs NAME KEYSTRING BUILDER [ARGS...]: sets VM_INITRAMFS to
# the cached image $VM_INITRAMFS_CACHE/NAME-<hash of KEYSTRING>.cpio, calling
# `BUILDER ROOTDIR ARGS...` to fill a fresh root when the image is missing
vm_build_initramfs() {
	local name=$1 key=$2 builder=$3 root
	shift 3
	VM_INITRAMFS="$VM_INITRAMFS_CACHE/$name-$(vm_sha256_str "$key").cpio"
	if [ -s "$VM_INITRAMFS" ]; then
		touch -- "$VM_INITRAMFS"
		vm_say "initramfs: $name (cached)"
		return 0
	fi
	root=$(mktemp -d "$VM_INITRAMFS_CACHE/.root.XXXXXX")
	"$builder" "$root" "$@"
	vm_cpio "$root" "$VM_INITRAMFS"
	rm -rf -- "$root"
	vm_say "initramfs: built $(basename -- "$VM_INITRAMFS") ($(du -h -- "$VM_INITRAMFS" | cut -f1))"
}

# ---- QEMU --------------------------------------------------------------------

# vm_kill_qemu: stop a QEMU run that vm_run_qemu left (used from traps)
vm_kill_qemu() {
	if [ -n "$VM_QEMU_PID" ]; then
		kill -- "$VM_QEMU_PID" 2>/dev/null || true
		wait "$VM_QEMU_PID" 2>/dev/null || true
		VM_QEMU_PID=
	fi
}

# vm_monitor SOCKET STEP...: the steps in one connection to the QEMU
# monitor at SOCKET, the answers on stdout. A step is a monitor command,
# or sleep:SECONDS. python3: bash cannot open a UNIX socket. A monitor
# that is gone (QEMU ended) ends the steps quietly.
vm_monitor() {
	python3 - "$@" <<-'PY'
	import re, socket, sys, time
	def drain(s, quiet):
	    out = b""
	    s.settimeout(quiet)
	    try:
	        while True:
	            d = s.recv(65536)
	            if not d:
	                break
	            out += d
	    except socket.timeout:
	        pass
	    # the monitor echoes what it is sent as a terminal would: drop the escapes
	    return re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", out.decode(errors="replace"))
	try:
	    s = socket.socket(socket.AF_UNIX)
	    s.connect(sys.argv[1])
	    drain(s, 0.5)
	    for step in sys.argv[2:]:
	        if step.startswith("sleep:"):
	            time.sleep(float(step[6:]))
	            continue
	        s.sendall((step + "\n").encode())
	        sys.stdout.write("(qemu) %s\n%s\n" % (step, drain(s, 0.5)))
	        sys.stdout.flush()
	except OSError as e:
	    sys.stdout.write("monitor: %s\n" % e)
	PY
}

# vm_monitor_socket: the path for a QEMU monitor socket in a new folder
# of its own under /tmp (a UNIX socket's path has at most 107 bytes, a
# work folder may be deeper), empty without python3 (vm_monitor);
# vm_monitor_done SOCKET removes it. A run that was killed leaves its
# folder behind; the next one removes those older than a day (no guest
# runs that long).
vm_monitor_socket() {
	local dir
	command -v python3 >/dev/null 2>&1 || return 0
	find /tmp -maxdepth 1 -type d -name 'kdump-snp-mon.*' -mmin +1440 -exec rm -rf -- {} + 2>/dev/null || :
	dir=$(mktemp -d /tmp/kdump-snp-mon.XXXXXX) || return 0
	echo "$dir/qemu.mon"
}

vm_monitor_done() {
	[ -z "$1" ] || rm -rf -- "$(dirname -- "$1")"
}

# vm_hang_report SOCKET OUT [full]: what a guest that stopped making
# progress was doing, before it is killed. Its registers three times a
# second apart into OUT, and in VM_HANG_WHERE where the CPU was each time:
# RIP, CPL (0 the kernel, 3 user space), HLT (1: halted, waiting for an
# interrupt). With full, then SysRq t by the emulated keyboard (every
# task's state and stack into the serial log; the guest needs
# sysrq_always_enabled, else it prints that the operation is disabled)
# and an NMI (with unknown_nmi_panic on its command line the guest panics
# with a trace of where the CPU was), with nine seconds for the serial log
# to take them. VM_HANG_PACE scales those waits (default 1; make check's
# fake monitor needs none of them).
# shellcheck disable=SC2034 # VM_HANG_WHERE is the caller's
vm_hang_report() {
	local sock=$1 out=$2 p=${VM_HANG_PACE:-1}
	local -a steps=('info registers' "sleep:$p" 'info registers' "sleep:$p" 'info registers')
	VM_HANG_WHERE=
	[ -S "$sock" ] || return 0
	[ "${3:-}" != full ] || steps+=('sendkey alt-sysrq-t' "sleep:$(awk -v p="$p" 'BEGIN { print 4 * p }')"
		'nmi' "sleep:$(awk -v p="$p" 'BEGIN { print 5 * p }')")
	vm_monitor "$sock" "${steps[@]}" >"$out" 2>&1 || true
	VM_HANG_WHERE=$(tr -d '\r' <"$out" | grep -o 'RIP=[0-9a-f]* .*CPL=[0-3].*HLT=[01]' |
		sed 's/^\(RIP=[0-9a-f]*\) .*\(CPL=[0-3]\).*\(HLT=[01]\).*/\1 \2 \3/' | paste -s -d ',' -) || true
}

# vm_qemu_iommu: the default IOMMU device of $VM_QEMU (see VM_QEMU_IOMMU)
vm_qemu_iommu() {
	if "$VM_QEMU" -device amd-iommu,help 2>/dev/null | grep -qE '^ +pt='; then
		echo amd-iommu,pt=off
	else
		echo amd-iommu
	fi
}

# vm_stamp_lines: stdin to stdout, each line prefixed with the host's clock
# (microseconds since the epoch) and a space, carriage returns dropped
vm_stamp_lines() {
	local line
	while IFS= read -r line || [ -n "$line" ]; do
		printf '%s %s\n' "${EPOCHREALTIME/[.,]/}" "${line//$'\r'/}"
	done
}

# vm_run_qemu LOG KERNEL INITRD CMDLINE [EXTRA QEMU ARGS...]
# Boots the machine the VM tests use, serial console into LOG, under
# `timeout $VM_TIMEOUT`. Echoes the guest's marker lines as they appear.
# Sets VM_QEMU_RC (124 on timeout), VM_QEMU_SECS and VM_QEMU_HUNG (see
# VM_QEMU_QUIET_AFTER above). QEMU gets a monitor socket: a guest that hung
# (VM_QEMU_QUIET_AFTER) or is 15 s from the time limit leaves its
# registers in LOG.regs (vm_hang_report; at the time limit with SysRq t and
# an NMI), and VM_HANG_WHERE says where.
# shellcheck disable=SC2034 # VM_QEMU_HUNG is the caller's
vm_run_qemu() {
	local log=$1 kernel=$2 initrd=$3 append=$4 start seen=0 n line
	local size last_size=-1 quiet_since='' quiet_armed=0
	shift 4
	local -a cmd=(
		timeout --kill-after=10 "$VM_TIMEOUT"
		"$VM_QEMU" -accel tcg -M q35 -device "${VM_QEMU_IOMMU:-$(vm_qemu_iommu)}" -m 2048
		"${VM_QEMU_BASE_ARGS[@]}" -no-reboot
		-kernel "$kernel" -initrd "$initrd" -append "$append"
		"$@"
	)
	# bash's own clock (whole seconds): no process per look at it
	local mon reported=0 report_at=$((SECONDS + VM_TIMEOUT - 15))
	mon=$(vm_monitor_socket)
	[ -z "$mon" ] || cmd+=(-monitor "unix:$mon,server,nowait")
	VM_QEMU_HUNG=0
	VM_HANG_WHERE=
	start=$(vm_now)
	if [ -n "${VM_QEMU_STAMPS:-}" ]; then
		: >"$VM_QEMU_STAMPS"
		"${cmd[@]}" </dev/null > >(tee -- "$log" | vm_stamp_lines >"$VM_QEMU_STAMPS") 2>&1 &
	else
		"${cmd[@]}" </dev/null >"$log" 2>&1 &
	fi
	VM_QEMU_PID=$!
	while kill -0 "$VM_QEMU_PID" 2>/dev/null; do
		sleep 1
		if [ -n "${VM_QEMU_QUIET_AFTER:-}" ]; then
			[ "$quiet_armed" = 1 ] || ! tr -d '\r' <"$log" | grep -aqE -- "$VM_QEMU_QUIET_AFTER" || quiet_armed=1
			size=$(stat -c %s -- "$log" 2>/dev/null || echo 0)
			if [ "$size" != "$last_size" ]; then
				last_size=$size
				quiet_since=$(vm_now)
			elif [ "$quiet_armed" = 1 ] &&
				awk -v a="$(vm_elapsed "$quiet_since")" -v b="${VM_QEMU_QUIET_SECS:-60}" 'BEGIN { exit !(a >= b) }'; then
				vm_say "    [$(printf '%6s' "$(vm_elapsed "$start")")s] no serial output for ${VM_QEMU_QUIET_SECS:-60}s after /$VM_QEMU_QUIET_AFTER/: the guest hung; stopping QEMU"
				VM_QEMU_HUNG=1
				vm_qemu_hang_report "$mon" "$log" "$start" regs
				reported=1
				kill -- "$VM_QEMU_PID" 2>/dev/null || true
			fi
		fi
		# the time limit is near: what the guest is doing, before timeout kills it
		if [ "$reported" = 0 ] && [ -n "$mon" ] && [ "$SECONDS" -ge "$report_at" ]; then
			vm_qemu_hang_report "$mon" "$log" "$start" full
			reported=1
		fi
		n=0
		while IFS= read -r line; do
			n=$((n + 1))
			[ "$n" -gt "$seen" ] || continue
			printf '    [%6ss] %s\n' "$(vm_elapsed "$start")" "${line#*"$VM_TAG" }"
		done < <(vm_markers "$log")
		seen=$n
	done
	VM_QEMU_RC=0
	wait "$VM_QEMU_PID" || VM_QEMU_RC=$?
	VM_QEMU_PID=
	vm_monitor_done "$mon"
	# the stamper's last lines
	[ -z "${VM_QEMU_STAMPS:-}" ] || sleep 0.5
	VM_QEMU_SECS=$(vm_elapsed "$start")
	# markers printed in the last second
	n=0
	while IFS= read -r line; do
		n=$((n + 1))
		[ "$n" -gt "$seen" ] || continue
		printf '    [%6ss] %s\n' "$VM_QEMU_SECS" "${line#*"$VM_TAG" }"
	done < <(vm_markers "$log")
	if [ "$VM_QEMU_RC" = 124 ] || [ "$VM_QEMU_RC" = 137 ]; then
		vm_say "    QEMU timed out after ${VM_TIMEOUT}s"
	fi
	return 0
}

# vm_qemu_hang_report SOCKET LOG START regs|full: vm_hang_report into
# LOG.regs, and where the CPU was said on the suite's output. regs for a
# hang that a suite may expect (the SNP lock's), full for a guest about to
# hit the time limit.
vm_qemu_hang_report() {
	local sent=""
	[ "$4" != full ] || sent="; SysRq t and an NMI went to the guest"
	vm_hang_report "$1" "$2.regs" "$4"
	[ -z "$VM_HANG_WHERE" ] ||
		vm_say "    [$(printf '%6s' "$(vm_elapsed "$3")")s] registers: $VM_HANG_WHERE (all in $2.regs$sent)"
}

# vm_markers LOG: the guest's marker lines, from the tag on, without CRs
vm_markers() {
	tr -d '\r' <"$1" | grep -a -o "$VM_TAG.*" || true
}

# vm_show_log LOG: the guest serial log (its last VM_LOGLINES lines)
vm_show_log() {
	local log=$1 total
	total=$(wc -l <"$log")
	if [ "$VM_LOGLINES" = 0 ] || [ "$total" -le "$VM_LOGLINES" ]; then
		vm_say "---- guest serial log ($log, $total lines) ----"
		tr -d '\r' <"$log"
	else
		vm_say "---- guest serial log ($log, last $VM_LOGLINES of $total lines) ----"
		tr -d '\r' <"$log" | tail -n "$VM_LOGLINES"
	fi
	vm_say "---- end of guest serial log ----"
}

# ---- the crash kernel's clock ---------------------------------------------------
# Intervals from the panic are the crash kernel's own log timestamps: its
# clock starts at the kexec that panic() makes, so the timestamp of a crash
# kernel line is the time since the panic. make check-vm and make bench end
# their intervals at the same events for kdump-snp and for kdump-tools:
#   vmcore saved: the tool's own line once the vmcore has its final name,
#     with the crashed kernel's log saved beside it before: kdump-snp's
#     `kdumpctl save` logs "dump saved: DIR/vmcore ..." after renaming
#     vmcore-incomplete and writing kdump-info.txt; kdump-tools'
#     `kdump-config savecore` logs "saved vmcore in DIR" after renaming
#     dump-incomplete (its dmesg.STAMP is written first).
#   off or reset: the crash kernel's last line, which the kernel prints on
#     its way to the power-off or the reset whichever tool asked for it:
#     "reboot: Power down", "reboot: Restarting system" ("reboot: System
#     halted" for a halt). QEMU exits there (-no-reboot).
# shellcheck disable=SC2034 # read by the suites
VM_OFF_RE='reboot: (Power down|Restarting system|System halted)'

# vm_saved_re FLAVOUR: the regular expression of the "vmcore saved" line of
# kdump-snp or kdump-tools
vm_saved_re() {
	case $1 in
	kdump-snp) printf '%s\n' 'kdumpctl: dump saved' ;;
	kdump-tools) printf '%s\n' 'saved vmcore in' ;;
	*) vm_die "vm_saved_re: unknown flavour '$1'" ;;
	esac
}

# vm_crash_secs LOG REGEX [DECIMALS]: the crash kernel's timestamp of its
# first log line that matches REGEX (extended) after the crashed kernel's
# "Kernel panic - not syncing" line, with DECIMALS (default 2) decimals;
# empty if there is none. The timestamp is the last "[ seconds]" before
# the match on its line: a progress meter written to the console without
# a newline (makedumpfile's) can precede a kernel log line on the same
# line. (Every stage reads its whole input: an early exit would be a
# SIGPIPE, which pipefail turns into a failure.)
vm_crash_secs() {
	tr -d '\r' <"$1" | awk -v re="$2" -v d="${3:-2}" '
		/Kernel panic - not syncing/ { crashed = 1; next }
		crashed && !done && match($0, re) {
			head = substr($0, 1, RSTART - 1)
			ts = ""
			while (match(head, /\[ *[0-9]+\.[0-9]+\]/)) {
				ts = substr(head, RSTART + 1, RLENGTH - 2)
				head = substr(head, RSTART + RLENGTH)
			}
			if (ts != "") {
				printf "%.*f\n", d, ts + 0
				done = 1
			}
		}'
}

# ---- assertions on a serial log ----------------------------------------------
# Each returns non-zero and sets VM_FAIL_MSG; a scenario function chains them
# with && so the first failing assertion is the one reported.

VM_FAIL_MSG=

vm_fail() {
	VM_FAIL_MSG=$*
	return 1
}

# vm_expect_marker LOG TEXT: a marker line equal to "$VM_TAG TEXT"
vm_expect_marker() {
	vm_markers "$1" | grep -xF -- "$VM_TAG $2" >/dev/null ||
		vm_fail "no guest line '$VM_TAG $2'"
}

# vm_expect_no_marker LOG TEXT: no marker line starting with "$VM_TAG TEXT"
vm_expect_no_marker() {
	local hit
	hit=$(vm_markers "$1" | grep -F -- "$VM_TAG $2" | head -n1) || true
	[ -z "$hit" ] || vm_fail "unexpected guest line '$hit'"
}

# vm_marker_value LOG KEY: the value of the first marker "$VM_TAG KEY=VALUE"
vm_marker_value() {
	vm_markers "$1" | sed -n "s/^$VM_TAG $2=\\([^ ]*\\).*/\\1/p" | head -n1
}

# vm_expect_log LOG TEXT: TEXT (fixed string) anywhere in the serial log
vm_expect_log() {
	tr -d '\r' <"$1" | grep -aF -- "$2" >/dev/null || vm_fail "serial log lacks '$2'"
}

# vm_expect_no_timeout LOG: the last run ended before the timeout
vm_expect_no_timeout() {
	local last
	if [ "$VM_QEMU_RC" = 124 ] || [ "$VM_QEMU_RC" = 137 ]; then
		last=$(vm_markers "$1" | tail -n1)
		vm_fail "QEMU timed out after ${VM_TIMEOUT}s; last guest line: '${last:-none}'"
	fi
}

# vm_expect_qemu_exit RC: QEMU's exit status of the last run
vm_expect_qemu_exit() {
	if [ "$VM_QEMU_RC" = 124 ] || [ "$VM_QEMU_RC" = 137 ]; then
		vm_fail "QEMU timed out after ${VM_TIMEOUT}s"
	elif [ "$VM_QEMU_RC" != "$1" ]; then
		vm_fail "QEMU exited with $VM_QEMU_RC, expected $1"
	fi
}

# ---- phases --------------------------------------------------------------------

# vm_phase NAME FUNCTION [ARGS...]: run one phase, print PASS/FAIL with its
# duration; FUNCTION sets VM_FAIL_MSG and VM_PHASE_LOG on failure
vm_phase() {
	local name=$1 start secs
	shift
	VM_FAIL_MSG=
	VM_PHASE_LOG=
	vm_say "RUN  $name"
	start=$(vm_now)
	if "$@"; then
		secs=$(vm_elapsed "$start")
		vm_say "PASS $name (${secs}s)"
		VM_PASSED=$((VM_PASSED + 1))
	else
		secs=$(vm_elapsed "$start")
		if [ -n "$VM_PHASE_LOG" ] && [ -f "$VM_PHASE_LOG" ]; then
			vm_show_log "$VM_PHASE_LOG"
		fi
		vm_say "FAIL $name (${secs}s): ${VM_FAIL_MSG:-failed}"
		VM_FAILED=$((VM_FAILED + 1))
		VM_FAILED_NAMES+=("$name")
	fi
}

# vm_summary: the closing line; returns non-zero when a phase failed
vm_summary() {
	if [ "$VM_FAILED" -gt 0 ]; then
		vm_say "failed: ${VM_FAILED_NAMES[*]}"
	fi
	vm_say "$VM_PASSED passed, $VM_FAILED failed"
	[ "$VM_FAILED" = 0 ]
}

# ---- Debian guest image (tests/vm/guest-image.sh, tests/vm/boot-guest.sh) -----

# Our part of the cache for the guest: base root trees, kernels, disks.
# shellcheck disable=SC2034 # read by the guest scripts
VM_GUEST_CACHE=$VM_CACHE/guest

VM_HEARTBEAT_PID=

# vm_run_heartbeat LABEL LOG CMD...: run CMD with its output in LOG; every
# 10 s print LABEL, the time so far and LOG's last line, so that a long step
# is never silent. Returns CMD's status; on failure shows LOG's tail. CMD
# runs in a process group of its own, which vm_heartbeat_kill ends.
vm_run_heartbeat() {
	local label=$1 log=$2 pid start rc=0 last next=10 el
	shift 2
	start=$(vm_now)
	setsid "$@" </dev/null >"$log" 2>&1 &
	pid=$!
	VM_HEARTBEAT_PID=$pid
	while kill -0 "$pid" 2>/dev/null; do
		sleep 1
		el=$(vm_elapsed "$start")
		if [ "${el%.*}" -ge "$next" ]; then
			next=$((next + 10))
			last=$(tail -n1 -- "$log" 2>/dev/null | tr -d '\r' | cut -c1-100) || true
			vm_say "    $label: ${el}s ${last:+| $last}"
		fi
	done
	wait "$pid" || rc=$?
	VM_HEARTBEAT_PID=
	if [ "$rc" != 0 ]; then
		vm_say "---- $label failed (exit $rc), last lines of $log ----"
		tail -n 40 -- "$log" >&2 || true
		vm_say "---- end ----"
	fi
	return "$rc"
}

# vm_heartbeat_kill: end what vm_run_heartbeat is running (used from traps)
vm_heartbeat_kill() {
	local pid=$VM_HEARTBEAT_PID i
	[ -n "$pid" ] || return 0
	kill -TERM -- "-$pid" 2>/dev/null || kill -TERM -- "$pid" 2>/dev/null || true
	for ((i = 0; i < 50; i++)); do
		kill -0 -- "$pid" 2>/dev/null || break
		sleep 0.2
	done
	kill -KILL -- "-$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	VM_HEARTBEAT_PID=
}

# vm_host_mirror: the Debian archive the host's apt uses (first URIs of a
# non-security entry in /etc/apt/sources.list.d/debian.sources, else the
# first deb line of /etc/apt/sources.list); KDUMP_SNP_GUEST_MIRROR wins
vm_host_mirror() {
	local m=${KDUMP_SNP_GUEST_MIRROR:-} f=/etc/apt/sources.list.d/debian.sources
	if [ -z "$m" ] && [ -r "$f" ]; then
		m=$(sed -n 's/^URIs:[[:space:]]*//p' "$f" | tr ' ' '\n' |
			grep -v -e '-security/*$' -e '^$' | head -n1) || true
	fi
	if [ -z "$m" ] && [ -r /etc/apt/sources.list ]; then
		m=$(sed -n 's/^deb[[:space:]]\+\(\[[^]]*\][[:space:]]\+\)\?\([^[:space:]]\+\).*/\2/p' \
			/etc/apt/sources.list | grep -v -e '-security/*$' | head -n1) || true
	fi
	[ -n "$m" ] || vm_die "cannot find the host's Debian mirror in $f (set KDUMP_SNP_GUEST_MIRROR)"
	printf '%s\n' "${m%/}"
}

# vm_guest_load FILE: read guest.env as written by guest-image.sh; sets
# VM_GUEST_DISK, VM_GUEST_KERNEL, VM_GUEST_INITRD, VM_GUEST_ROOT_UUID,
# VM_GUEST_KVER and VM_GUEST_CMDLINE (the root and console part of the
# command line)
vm_guest_load() {
	local file=$1 k v
	[ -r "$file" ] || vm_die "no guest description $file (run tests/vm/guest-image.sh)"
	# shellcheck disable=SC2034 # read by the guest scripts
	{
		VM_GUEST_DISK=''
		VM_GUEST_KERNEL=''
		VM_GUEST_INITRD=''
		VM_GUEST_ROOT_UUID=''
		VM_GUEST_KVER=''
		VM_GUEST_CMDLINE=''
	}
	# shellcheck disable=SC2034 # read by the guest scripts
	while IFS='=' read -r k v; do
		case $k in
		DISK) VM_GUEST_DISK=$v ;;
		KERNEL) VM_GUEST_KERNEL=$v ;;
		INITRD) VM_GUEST_INITRD=$v ;;
		ROOT_UUID) VM_GUEST_ROOT_UUID=$v ;;
		KVER) VM_GUEST_KVER=$v ;;
		*) ;; # other keys are for other readers
		esac
	done <"$file"
	for k in "$VM_GUEST_DISK" "$VM_GUEST_KERNEL" "$VM_GUEST_INITRD"; do
		[ -s "$k" ] || vm_die "$file names '$k', which is missing (rebuild with tests/vm/guest-image.sh)"
	done
	[ -n "$VM_GUEST_ROOT_UUID" ] || vm_die "$file has no ROOT_UUID"
	# sysrq_always_enabled: a guest that hangs answers SysRq t with every
	# task's stack (vm_hang_report); the crash kernels inherit it
	# shellcheck disable=SC2034
	VM_GUEST_CMDLINE="root=UUID=$VM_GUEST_ROOT_UUID ro console=ttyS0 sysrq_always_enabled"
}

# vm_guest_disk_args FILE ID [SERIAL]: sets VM_GUEST_DISK_ARGS to the QEMU
# arguments of a raw disk image behind the AMD IOMMU (virtio-blk with
# iommu_platform=on: plain virtio DMA would bypass the IOMMU)
vm_guest_disk_args() {
	local dev="virtio-blk-pci,drive=$2,iommu_platform=on,disable-legacy=on"
	[ -z "${3:-}" ] || dev="$dev,serial=$3"
	[ "$2" != d0 ] || [ -z "${VM_GUEST_DISK_SLOT:-}" ] || dev="$dev,bus=pcie.0,addr=$VM_GUEST_DISK_SLOT"
	# shellcheck disable=SC2034 # read by the caller
	VM_GUEST_DISK_ARGS=(
		-drive "file=$1,if=none,id=$2,format=raw,cache=unsafe"
		-device "$dev"
	)
}

# vm_guest_boot LOG APPEND [EXTRA QEMU ARGS...]: boot the guest that
# vm_guest_load read, its disk behind the IOMMU, with the root part of the
# command line plus APPEND; otherwise as vm_run_qemu (sets VM_QEMU_RC,
# VM_QEMU_SECS). VM_GUEST_SMP sets the number of vCPUs (default 1).
vm_guest_boot() {
	local log=$1 append=$2
	shift 2
	vm_guest_disk_args "$VM_GUEST_DISK" d0 kdumproot
	vm_run_qemu "$log" "$VM_GUEST_KERNEL" "$VM_GUEST_INITRD" \
		"$VM_GUEST_CMDLINE${append:+ $append}" \
		-smp "${VM_GUEST_SMP:-1}" -vga none "${VM_GUEST_DISK_ARGS[@]}" "$@"
}

# vm_net_overlay DIR MAC ADDRESS/PREFIX: a guest tree to layer
# (guest-image.sh --overlay) in which systemd-networkd gives the NIC with
# MAC a static address and network-online.target waits for it, as the
# network-target scenarios and make bench's network runs configure every
# guest, whichever dump tool it has (kdump-tools' crash kernel boots the
# guest's root, and so this configuration, too)
vm_net_overlay() {
	local ov=$1
	mkdir -p -- "$ov/etc/systemd/network" "$ov/etc/systemd/system/multi-user.target.wants" \
		"$ov/etc/systemd/system/network-online.target.wants" \
		"$ov/etc/systemd/system/systemd-networkd.service.d"
	printf '[Match]\nMACAddress=%s\n\n[Network]\nAddress=%s\n' "$2" "$3" \
		>"$ov/etc/systemd/network/10-kdump-test.network"
	ln -sf /usr/lib/systemd/system/systemd-networkd.service "$ov/etc/systemd/system/multi-user.target.wants/"
	ln -sf /usr/lib/systemd/system/systemd-networkd-wait-online.service "$ov/etc/systemd/system/network-online.target.wants/"
	# TCG on a loaded host: networkd's start can take minutes
	printf '[Service]\nTimeoutStartSec=15min\n' >"$ov/etc/systemd/system/systemd-networkd.service.d/timeout.conf"
}
