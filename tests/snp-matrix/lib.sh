# shellcheck shell=bash
# SC2154: the VM_* variables come from tests/vm/lib.sh, sourced first.
# SC2312: command substitutions here feed text (hashes, package names, log
# lines) to a caller that checks the text it needs, where a failing
# producer shows as missing text.
# shellcheck disable=SC2154,SC2312
# Helpers of the SNP scenario matrix (tests/snp-matrix/run-matrix): Debian's
# newest kernel from trixie-backports (fetched, extracted and cached, with
# the modules a busybox guest needs), the busybox guest images, one QEMU run
# with a host timestamp on every serial line, and the reading of a run's
# serial log and target disk.
#
# Sourced after tests/vm/lib.sh by a bash script running with
# `set -euo pipefail`.
#
# Environment:
#   KDUMP_SNP_CACHE          cache root (default /var/cache/kdump-snp); ours
#                            is its snp-matrix/ folder
#   KDUMP_SNP_MATRIX_TIMEOUT seconds one QEMU run may take (default 300)
#   KDUMP_SNP_MATRIX_TRACE   more QEMU trace events (a -trace pattern)
#   KDUMP_SNP_MATRIX_IDLE    seconds of serial silence after which a run is
#                            stopped and counted as hung (default 60)
#   KDUMP_SNP_MATRIX_FAULT_IDLE  the same for the negative control once
#                            its crash kernel printed (default 20)
#   KDUMP_SNP_MATRIX_BOOT_CPU  seconds of QEMU CPU time from the panic to
#                            the crash kernel's first line after which a
#                            run is counted as hung (default 20)

SNPM_CACHE=${VM_CACHE}/snp-matrix
SNPM_HERE=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
SNPM_TIMEOUT=${KDUMP_SNP_MATRIX_TIMEOUT:-300}
# more QEMU trace events, for debugging (KDUMP_SNP_MATRIX_TRACE='amdvi_ir*')
SNPM_TRACE=()
[[ -z "${KDUMP_SNP_MATRIX_TRACE:-}" ]] || SNPM_TRACE=(-trace "${KDUMP_SNP_MATRIX_TRACE}")
# a guest that prints nothing for this long is stopped and counted as hung
SNPM_IDLE=${KDUMP_SNP_MATRIX_IDLE:-60}
# the same for the negative control once its crash kernel has printed its
# first line: it then hangs on its disk
# shellcheck disable=SC2034 # run-matrix reads it
SNPM_FAULT_IDLE=${KDUMP_SNP_MATRIX_FAULT_IDLE:-20}
# Between the first kernel's panic and the crash kernel's first serial line
# the guest prints nothing and only computes (purgatory hashes the loaded
# segments, the kernel decompresses itself and boots up to its console), so
# that phase is timed in QEMU's CPU time, not on the wall clock: on a
# loaded host it takes as many CPU seconds but several times the wall time
# (measured: see README.md). A run whose QEMU used this many CPU seconds
# after the panic with no crash kernel line is stopped as hung.
SNPM_BOOT_CPU=${KDUMP_SNP_MATRIX_BOOT_CPU:-20}
SNPM_CLK_TCK=$(getconf CLK_TCK)
# shellcheck disable=SC2034 # the run-matrix and write-doc.sh read these
# the guest's memory (MiB) and the first kernel's reservation
{
	SNPM_MEM=1024
	# vCPUs; the first kernel crashes on the last one, so that the crash
	# kernel runs on a CPU other than the boot CPU, as after most panics
	SNPM_SMP=${KDUMP_SNP_MATRIX_SMP:-2}
	SNPM_CRASHKERNEL=256M
	# the crash kernel's command line, before the row's kdump_snp= (init.sh
	# adds the row's name)
	SNPM_CRASH_CMDLINE="console=ttyS0 irqpoll nr_cpus=1 reset_devices panic=1"
}
# the dump target's file system, as kdump.conf names it
SNPM_TARGET_UUID=7f3c2a9e-5b1d-4e8a-9c6f-2d4b8e1a0c53
# the target disk's PCI slot on q35's root bus, so its requester ID (the
# device ID the AMD IOMMU translates for) is known: 00:05.0 is 0x28
SNPM_DISK_SLOT=5
# shellcheck disable=SC2034 # run-matrix and write-doc.sh read it
SNPM_DISK_BDF=$(printf '00:%02x.0' "${SNPM_DISK_SLOT}")
SNPM_DISK_DEVID=$((SNPM_DISK_SLOT << 3))
# the IO-APIC's requester ID in QEMU's AMD IOMMU (00:14.0)
SNPM_IOAPIC_DEVID=0xa0
# QEMU trace events of every run: the SNP lock (armed, ignored writes),
# the DMA translations (amdvi_translation_result, one line per translated
# access), the forced DMA faults of the negative control (tests/qemu patch
# 0005), interrupt remapping (request and result, for the IO-APIC
# timer check), and the completion stores the SNP completion-store rule
# refused (tests/qemu patch 0007)
SNPM_TRACE_EVENTS=(amdvi_snp_lock_armed amdvi_snp_lock_ignored
	amdvi_translation_result amdvi_dma_fault_devid amdvi_dma_fault_forced
	amdvi_ir_remap_msi_req amdvi_ir_remap_msi amdvi_snp_store_refused)
# the suite Debian's newest kernel comes from, derived from debian.sources
SNPM_KERNEL_SUITE=trixie-backports
SNPM_SOURCES_IN=/etc/apt/sources.list.d/debian.sources
SNPM_SOURCES_OUT=/etc/apt/sources.list.d/${SNPM_KERNEL_SUITE}.sources
# modules a busybox guest of Debian's kernel loads (with their
# dependencies from modules.dep): the disk behind the IOMMU and ext4
SNPM_DEBIAN_MODULES=(virtio_pci virtio_blk ext4)

# ---- Debian's newest kernel ---------------------------------------------------

# snpm_derive_sources: the machine's own archive stanza with only its
# Suites line changed (tests/derive-sources)
snpm_derive_sources() {
	KDUMP_SNP_APT_SOURCES=${SNPM_SOURCES_IN} "${SNPM_HERE}/../derive-sources" "${SNPM_KERNEL_SUITE}"
}

# snpm_ensure_sources: apt knows $SNPM_KERNEL_SUITE (backports are
# NotAutomatic in Debian, so nothing is upgraded from it unasked)
snpm_ensure_sources() {
	local text
	if [[ ! -f "${SNPM_SOURCES_OUT}" ]]; then
		[[ -f "${SNPM_SOURCES_IN}" ]] || vm_die "no ${SNPM_SOURCES_IN} to derive ${SNPM_SOURCES_OUT} from"
		text=$(snpm_derive_sources)
		[[ -n "${text}" ]] || vm_die "no stanza of the release's own suite in ${SNPM_SOURCES_IN}"
		vm_say "writing ${SNPM_SOURCES_OUT} (derived from ${SNPM_SOURCES_IN})"
		printf '%s\n' "${text}" >"${SNPM_SOURCES_OUT}"
		vm_apt_update_once
	fi
}

# snpm_suite_version PKG: the newest version of PKG in $SNPM_KERNEL_SUITE
snpm_suite_version() {
	apt-cache madison "$1" 2>/dev/null |
		awk -F' *[|] *' -v s=" ${SNPM_KERNEL_SUITE}/" 'index($3, s) { print $2 }' |
		sort -V | tail -n 1
}

# snpm_debian_package: sets SNPM_DEB_PKG and SNPM_DEB_VER, the kernel image
# package that linux-image-amd64 of $SNPM_KERNEL_SUITE depends on
snpm_debian_package() {
	local meta dep
	snpm_ensure_sources
	meta=$(snpm_suite_version linux-image-amd64)
	if [[ -z "${meta}" ]]; then
		vm_apt_update_once
		meta=$(snpm_suite_version linux-image-amd64)
	fi
	[[ -n "${meta}" ]] || vm_die "apt knows no linux-image-amd64 in ${SNPM_KERNEL_SUITE}"
	dep=$(apt-cache show "linux-image-amd64=${meta}" | sed -n 's/^Depends: //p' |
		head -n 1 | tr ',|' '\n' | sed 's/^ *//' |
		grep -E '^linux-image-[0-9][^ ]*-amd64( |$)' | head -n 1) || true
	SNPM_DEB_PKG=${dep%% *}
	[[ -n "${SNPM_DEB_PKG}" ]] || vm_die "no kernel package in the Depends of linux-image-amd64=${meta}"
	SNPM_DEB_VER=$(printf '%s\n' "${dep}" | sed -n 's/.*(= \(.*\))$/\1/p')
	[[ -n "${SNPM_DEB_VER}" ]] || SNPM_DEB_VER=$(snpm_suite_version "${SNPM_DEB_PKG}")
	[[ -n "${SNPM_DEB_VER}" ]] || vm_die "no version of ${SNPM_DEB_PKG} in ${SNPM_KERNEL_SUITE}"
}

# snpm_debian_parts: PKG=VER of the kernel image package and of the
# packages it depends on that carry the kernel and its modules (newer
# Debian kernels split them into linux-binary-* and linux-modules-*)
snpm_debian_parts() {
	printf '%s\n' "${SNPM_DEB_PKG}=${SNPM_DEB_VER}"
	apt-cache show "${SNPM_DEB_PKG}=${SNPM_DEB_VER}" | sed -n 's/^Depends: //p' | head -n 1 |
		tr ',|' '\n' | sed -n 's/^ *\(linux-\(binary\|modules\)-[^ ]*\) (= \(.*\))$/\1=\3/p'
}

# snpm_module_file TREE NAME: the module NAME (- or _) under TREE/lib/modules
snpm_module_file() {
	local tree=$1 name=$2
	find "${tree}/lib/modules" "${tree}/usr/lib/modules" -name "${name//_/[-_]}.ko*" 2>/dev/null | head -n 1 || true
}

# snpm_module_deps TREE NAME: NAME's module file and those it depends on
# (modinfo's depends field), dependencies first, as paths under TREE; a
# name with no module file is built into the kernel and prints nothing
snpm_module_deps() {
	local tree=$1 name=$2 f d
	f=$(snpm_module_file "${tree}" "${name}")
	[[ -n "${f}" ]] || return 0
	for d in $(modinfo -F depends "${f}" | tr ',' ' '); do
		snpm_module_deps "${tree}" "${d}"
	done
	printf '%s\n' "${f}"
}

# snpm_module_order TREE NAME...: the module files to load for NAMEs, in
# load order, each once (the packages carry no modules.dep: depmod makes
# it on installation)
snpm_module_order() {
	local tree=$1 n
	shift
	for n in "$@"; do
		snpm_module_deps "${tree}" "${n}"
	done | awk '!seen[$0]++'
}

# snpm_fetch_debian_kernel: sets SNPM_DEB_KERNEL (vmlinuz), SNPM_DEB_MODS (a
# folder of uncompressed modules plus load-order), SNPM_DEB_ID
# ("package=version") and SNPM_DEB_KVER. Cached under
# $SNPM_CACHE/debian/, keyed by package, version and module list.
# shellcheck disable=SC2034 # the caller reads SNPM_DEB_*
snpm_fetch_debian_kernel() {
	local dir tmp deb tree kver f m out
	local -a parts
	snpm_debian_package
	SNPM_DEB_ID="${SNPM_DEB_PKG}=${SNPM_DEB_VER}"
	dir=${SNPM_CACHE}/debian/${SNPM_DEB_PKG}-$(vm_sha256_str "${SNPM_DEB_ID} ${SNPM_DEBIAN_MODULES[*]}")
	SNPM_DEB_KERNEL=${dir}/vmlinuz
	SNPM_DEB_MODS=${dir}/modules
	if [[ -s "${SNPM_DEB_KERNEL}" ]] && [[ -f "${SNPM_DEB_MODS}/load-order" ]] && [[ -s "${dir}/kver" ]]; then
		SNPM_DEB_KVER=$(cat -- "${dir}/kver")
		vm_say "debian kernel: ${SNPM_DEB_ID} (cached)"
		return 0
	fi
	vm_say "debian kernel: downloading ${SNPM_DEB_ID}"
	mkdir -p -- "${SNPM_CACHE}/debian"
	tmp=$(mktemp -d "${SNPM_CACHE}/debian/.download.XXXXXX")
	chmod 0755 -- "${tmp}"
	chown _apt: -- "${tmp}" 2>/dev/null || true
	mapfile -t parts < <(snpm_debian_parts)
	(cd -- "${tmp}" && apt-get download -q "${parts[@]}" >/dev/null) ||
		{ rm -rf -- "${tmp}"; vm_die "apt-get download ${parts[*]} failed"; }
	tree=${tmp}/x
	for deb in "${tmp}"/*.deb; do
		dpkg-deb -x "${deb}" "${tree}" || vm_die "dpkg-deb -x ${deb} failed"
	done
	# /boot/vmlinuz-KVER, or /usr/lib/modules/KVER/vmlinuz in newer packages
	f=$(find "${tree}/boot" -maxdepth 1 -name 'vmlinuz-*' 2>/dev/null | head -n 1) || true
	if [[ -n "${f}" ]]; then
		kver=${f##*/vmlinuz-}
	else
		f=$(find "${tree}/usr/lib/modules" "${tree}/lib/modules" -mindepth 2 -maxdepth 2 -name vmlinuz 2>/dev/null | head -n 1) || true
		[[ -n "${f}" ]] || vm_die "no vmlinuz in $(snpm_debian_parts | tr '\n' ' ')"
		kver=$(basename -- "$(dirname -- "${f}")")
	fi
	mkdir -p -- "${tmp}/out/modules"
	out=${tmp}/out
	cp -- "${f}" "${out}/vmlinuz"
	printf '%s\n' "${kver}" >"${out}/kver"
	printf '%s\n' "${SNPM_DEB_ID}" >"${out}/package"
	: >"${out}/modules/load-order"
	while IFS= read -r m; do
		f=${m}
		m=${m##*/}
		case ${m} in
		*.ko.xz) xz -dc -- "${f}" >"${out}/modules/${m%.xz}"; m=${m%.xz} ;;
		*.ko.zst) zstd -qdc -- "${f}" >"${out}/modules/${m%.zst}"; m=${m%.zst} ;;
		*.ko.gz) gzip -dc -- "${f}" >"${out}/modules/${m%.gz}"; m=${m%.gz} ;;
		*) cp -- "${f}" "${out}/modules/${m}" ;;
		esac
		printf '%s\n' "${m}" >>"${out}/modules/load-order"
	done < <(snpm_module_order "${tree}" "${SNPM_DEBIAN_MODULES[@]}")
	rm -rf -- "${dir}"
	mv -- "${out}" "${dir}"
	rm -rf -- "${tmp}"
	SNPM_DEB_KVER=${kver}
	vm_say "debian kernel: ${kver} cached in ${dir} ($(wc -l <"${SNPM_DEB_MODS}/load-order") modules)"
}

# ---- guest images ----------------------------------------------------------------

# snpm_install_dynamic ROOT BIN DEST: BIN at ROOT/DEST with the libraries
# and the dynamic loader that ldd lists, at their own paths
snpm_install_dynamic() {
	local root=$1 bin=$2 dest=$3 lib
	install -D -m 0755 -- "${bin}" "${root}${dest}"
	while IFS= read -r lib; do
		[[ -n "${lib}" ]] || continue
		mkdir -p -- "${root}$(dirname -- "${lib}")"
		cp -L -- "${lib}" "${root}${lib}"
	done < <(ldd "${bin}" | sed -n -e 's/.*=> \(\/[^ ]*\) .*/\1/p' -e 's/^[[:space:]]*\(\/[^ ]*\) .*/\1/p')
}

# snpm_crash_root ROOT INIT KDUMPCTL MODS: the crash kernel's busybox root:
# INIT as /init, kdumpctl and makedumpfile with their libraries, kdump.conf
# naming the target by UUID, and MODS' modules (MODS may be empty)
snpm_crash_root() {
	local root=$1 init=$2 kdumpctl=$3 mods=$4
	vm_busybox_root "${root}" "${init}"
	mkdir -p -- "${root}/run" "${root}/var/tmp" "${root}/etc/default" "${root}/usr/bin"
	snpm_install_dynamic "${root}" "${kdumpctl}" /usr/bin/kdumpctl
	snpm_install_dynamic "${root}" "$(command -v makedumpfile)" /usr/bin/makedumpfile
	printf '%s\n' \
		"# kdump.conf of the SNP matrix's crash kernel (tests/snp-matrix)" \
		"ext4 UUID=${SNPM_TARGET_UUID}" \
		"path /dumps" \
		"core_collector makedumpfile -l --message-level 1 -d 31" \
		"final_action poweroff" \
		"failure_action poweroff" >"${root}/etc/kdump.conf"
	: >"${root}/etc/default/kdump"
	if [[ -n "${mods}" ]]; then
		mkdir -p -- "${root}/modules"
		cp -- "${mods}"/*.ko "${mods}/load-order" "${root}/modules/"
	fi
}

# snpm_first_root ROOT CRASH_CPIO KERNEL KEXEC: the first kernel's root:
# the crash root (already in ROOT) plus our static kexec, the kernel and the
# crash initramfs that kexec -p loads
snpm_first_root() {
	local root=$1 crash=$2 kernel=$3 kexec=$4
	install -m 0755 -- "${kexec}" "${root}/bin/kexec"
	cp -- "${kernel}" "${root}/boot/vmlinuz"
	cp -- "${crash}" "${root}/boot/crash.cpio"
}

snpm_build_first() {
	local root=$1 init=$2 kdumpctl=$3 mods=$4 crash=$5 kernel=$6 kexec=$7
	snpm_crash_root "${root}" "${init}" "${kdumpctl}" "${mods}"
	snpm_first_root "${root}" "${crash}" "${kernel}" "${kexec}"
}

# snpm_guest_images NAME KERNEL MODS INIT KDUMPCTL KEXEC: sets SNPM_INITRD,
# the first kernel's initramfs (with the crash one inside), both cached by
# their inputs in tests/vm/lib.sh's initramfs cache
# shellcheck disable=SC2034 # the caller reads SNPM_INITRD
snpm_guest_images() {
	local name=$1 kernel=$2 mods=$3 init=$4 kdumpctl=$5 kexec=$6 key crash
	local -a modfiles
	key="snpm-format=1 busybox=$(vm_sha256 /bin/busybox) init=$(vm_sha256 "${init}")"
	key+=" kdumpctl=$(vm_sha256 "${kdumpctl}") mdf=$(vm_sha256 "$(command -v makedumpfile)")"
	key+=" lib=$(vm_sha256 "${BASH_SOURCE[0]}") uuid=${SNPM_TARGET_UUID}"
	if [[ -n "${mods}" ]]; then
		mapfile -t modfiles <"${mods}/load-order"
		key+=" mods=$(cd -- "${mods}" && vm_sha256 load-order "${modfiles[@]}")"
	fi
	vm_build_initramfs "snpm-crash-${name}" "${key}" snpm_crash_root "${init}" "${kdumpctl}" "${mods}"
	crash=${VM_INITRAMFS}
	key+=" crash=${crash##*/} kernel=$(vm_sha256 "${kernel}") kexec=$(vm_sha256 "${kexec}")"
	vm_build_initramfs "snpm-first-${name}" "${key}" snpm_build_first \
		"${init}" "${kdumpctl}" "${mods}" "${crash}" "${kernel}" "${kexec}"
	SNPM_INITRD=${VM_INITRAMFS}
}

# ---- one QEMU run ------------------------------------------------------------------

# snpm_stamp: copy stdin to stdout, each line prefixed with the seconds
# since $1 (host clock, millisecond resolution), without CRs
snpm_stamp() {
	local start=$1 line now
	while IFS= read -r line || [[ -n "${line}" ]]; do
		now=${EPOCHREALTIME/[.,]/}
		now=$((now / 1000 - start))
		printf '[%5d.%03d] %s\n' $((now / 1000)) $((now % 1000)) "${line//$'\r'/}"
	done
}

# snpm_run_qemu LOG TRACE KERNEL INITRD APPEND IOMMU_PROPS DISK [FAULT]: one
# run of the matrix's machine: q35 under TCG, the AMD IOMMU with interrupt
# remapping (plus IOMMU_PROPS), DISK as virtio-blk behind the IOMMU at
# $SNPM_DISK_BDF. pt=off: with QEMU 10.0's default pt=on, the AMD IOMMU
# model maps every device's DMA 1:1 whatever the guest's tables say, so a
# translating guest kernel cannot read the disk. -nodefaults: the default
# AHCI CD-ROM costs SeaBIOS a 30 s timeout with this QEMU. The serial log
# goes to LOG with a host timestamp per line; QEMU's trace
# ($SNPM_TRACE_EVENTS, each line stamped with the host's wall clock by
# -msg timestamp=on) to TRACE. With FAULT=1 the disk's DMA translations
# are made to fault (dma-fault-devid, over QMP) as soon as the first
# kernel's panic is in LOG. Sets VM_QEMU_RC (124 on timeout),
# VM_QEMU_SECS, SNPM_RUN_START (host ms at the start), SNPM_HUNG and
# SNPM_FAULT_MSG (why arming the fault failed, empty when it did not).
# shellcheck disable=SC2034,SC2054 # VM_QEMU_* are for the caller; commas are QEMU's
snpm_run_qemu() {
	local log=$1 trace=$2 kernel=$3 initrd=$4 append=$5 props=$6 disk=$7 fault=${8:-0}
	local ev start
	local -a cmd=(
		timeout --kill-after=10 "${SNPM_TIMEOUT}"
		"${VM_QEMU}" -accel tcg -M q35 -m "${SNPM_MEM}" -smp "${SNPM_SMP}"
		-device "amd-iommu,id=iommu,intremap=on,pt=off${props}"
		-nodefaults -display none -serial stdio -no-reboot
		-kernel "${kernel}" -initrd "${initrd}" -append "${append}"
		-drive "file=${disk},if=none,id=target,format=raw,cache=unsafe"
		-device "virtio-blk-pci,drive=target,iommu_platform=on,disable-legacy=on,serial=kdumptarget,bus=pcie.0,addr=${SNPM_DISK_SLOT}"
		-qmp "unix:${log}.qmp,server=on,wait=off"
		-msg timestamp=on -D "${trace}"
	)
	for ev in "${SNPM_TRACE_EVENTS[@]}"; do
		cmd+=(-trace "${ev}")
	done
	cmd+=("${SNPM_TRACE[@]}")
	start=${EPOCHREALTIME/[.,]/}
	start=$((start / 1000))
	SNPM_RUN_START=${start}
	rm -f -- "${log}.pid" "${log}.rc" "${log}.qmp"
	(
		"${cmd[@]}" </dev/null 2>&1 &
		echo "$!" >"${log}.pid"
		rc=0
		wait "$!" || rc=$?
		echo "${rc}" >"${log}.rc"
	) | snpm_stamp "${start}" >"${log}" &
	snpm_watch "$!" "${log}" "${start}" "${fault}"
	VM_QEMU_RC=$(cat -- "${log}.rc" 2>/dev/null || echo 1)
	VM_QEMU_SECS=$(snpm_secs_since "${start}")
}

# snpm_arm_fault LOG: makes the disk's DMA translations fault, through the
# run's QMP socket (tests/qemu patch 0005: amd-iommu's dma-fault-devid)
snpm_arm_fault() {
	local out
	if out=$("${SNPM_HERE}/qmp" "$1.qmp" qom-set \
		"{\"path\": \"/machine/peripheral/iommu\", \"property\": \"dma-fault-devid\", \"value\": ${SNPM_DISK_DEVID}}" 2>&1); then
		SNPM_FAULT_MSG=
	else
		SNPM_FAULT_MSG="qom-set dma-fault-devid failed: ${out}"
	fi
}

# snpm_cpu_ticks PID: the CPU time (user + system, clock ticks) of the
# process PID and its waited-for children, empty when it is gone
snpm_cpu_ticks() {
	local stat
	stat=$(cat -- "/proc/$1/stat" 2>/dev/null) || return 0
	# the fields after the command name: state is 3, utime 14, stime 15
	awk '{ print $12 + $13 }' <<<"${stat##*) }"
}

# snpm_qemu_pid PID: QEMU's process ID, the child of PID (timeout(1))
snpm_qemu_pid() {
	local c
	c=$(cat -- "/proc/$1/task/$1/children" 2>/dev/null) || return 0
	printf '%s\n' "${c%% *}"
}

# the crash kernel's first serial line: its console replays the kernel
# log from the start, which is the version banner
SNPM_BANNER="Linux version "

# snpm_crash_started LOG: the crash kernel has printed its first line
snpm_crash_started() {
	sed -n "/${SNPM_PANIC}/,\$p" "$1" | grep -qF "${SNPM_BANNER}"
}

# snpm_gap_wall LOG: seconds (host stamps) from the first kernel's panic
# line to the crash kernel's first line, empty when there is none
snpm_gap_wall() {
	awk -v p="${SNPM_PANIC}" -v b="${SNPM_BANNER}" '
	function stamp(l) { sub(/^\[ */, "", l); sub(/\].*/, "", l); return l + 0 }
	t0 == "" && index($0, p) { t0 = stamp($0); next }
	t0 != "" && index($0, b) { printf "%.1f\n", stamp($0) - t0; exit }' "$1"
}

# snpm_watch PID LOG START FAULT: wait for the run (PID, the end of its
# pipeline) to end, and stop QEMU (SNPM_HUNG=1) as hung, since a crash
# kernel that hangs would otherwise run into the timeout:
#   - before the first kernel's panic, and after the crash kernel's first
#     line, when the guest has printed nothing for $SNPM_IDLE seconds
#     ($SNPM_FAULT_IDLE after the crash kernel's first line with FAULT=1:
#     that crash kernel hangs on its disk);
#   - from the panic to the crash kernel's first line, when QEMU has used
#     $SNPM_BOOT_CPU seconds of CPU (that phase only computes, see above).
# With FAULT=1, arm the disk's DMA fault once the first kernel's panic is in
# LOG (polled every 0.2 s; the crash kernel needs seconds to boot before it
# writes the dump). Sets SNPM_HUNG, SNPM_HUNG_WHY, SNPM_FAULT_MSG, and
# SNPM_GAP_CPU (QEMU's CPU seconds from the panic to the crash kernel's
# first line; empty when there was no such line or QEMU had ended before
# the next look).
# shellcheck disable=SC2034 # SNPM_FAULT_MSG, SNPM_GAP_CPU, SNPM_HUNG_WHY are for run-matrix
snpm_watch() {
	local pid=$1 log=$2 start=$3 fault=$4 last now tick=0 phase=first
	local qpid='' cpu='' cpu0='' t0='' idle=${SNPM_IDLE}
	SNPM_HUNG=0
	SNPM_HUNG_WHY=
	SNPM_GAP_CPU=
	SNPM_FAULT_MSG=
	[[ "${fault}" = 0 ]] || SNPM_FAULT_MSG="the first kernel's panic never came"
	VM_QEMU_PID=
	while kill -0 "${pid}" 2>/dev/null; do
		sleep 0.2
		if [[ "${phase}" = first ]] && grep -qF "${SNPM_PANIC}" -- "${log}"; then
			[[ "${fault}" = 0 ]] || snpm_arm_fault "${log}"
			phase=gap
			t0=${EPOCHREALTIME/[.,]/}
			cpu0=$(snpm_cpu_ticks "${qpid:-0}")
		fi
		tick=$((tick + 1))
		[[ $((tick % 5)) = 0 ]] || continue
		[[ -n "${VM_QEMU_PID}" ]] || VM_QEMU_PID=$(cat -- "${log}.pid" 2>/dev/null) || true
		[[ -n "${qpid}" ]] || [[ -z "${VM_QEMU_PID}" ]] || qpid=$(snpm_qemu_pid "${VM_QEMU_PID}")
		[[ "${SNPM_HUNG}" = 0 ]] || continue
		if [[ "${phase}" = gap ]]; then
			cpu=$(snpm_cpu_ticks "${qpid:-0}")
			[[ -n "${cpu0}" ]] || cpu0=${cpu}
			if snpm_crash_started "${log}"; then
				[[ -z "${cpu}" ]] || [[ -z "${cpu0}" ]] ||
					SNPM_GAP_CPU=$(awk -v t="$((cpu - cpu0))" -v h="${SNPM_CLK_TCK}" 'BEGIN { printf "%.1f\n", t / h }')
				phase=crash
				[[ "${fault}" = 0 ]] || idle=${SNPM_FAULT_IDLE}
			elif [[ -n "${cpu}" ]] && [[ $((cpu - ${cpu0:-0})) -gt $((SNPM_BOOT_CPU * SNPM_CLK_TCK)) ]]; then
				now=${EPOCHREALTIME/[.,]/}
				SNPM_HUNG=1
				SNPM_HUNG_WHY="the crash kernel printed nothing while QEMU used ${SNPM_BOOT_CPU}s of CPU after the panic ($(((now - t0) / 1000000))s on the wall clock)"
				[[ -z "${VM_QEMU_PID}" ]] || kill -TERM -- "${VM_QEMU_PID}" 2>/dev/null || true
			fi
			continue
		fi
		last=$(snpm_last_stamp "${log}")
		[[ -n "${last}" ]] || continue
		now=${EPOCHREALTIME/[.,]/}
		now=$((now / 1000 - start))
		last=${last/./}
		last=$((10#${last}))
		if [[ $((now - last)) -gt $((idle * 1000)) ]]; then
			SNPM_HUNG=1
			SNPM_HUNG_WHY="no output for ${idle}s after its last line"
			[[ -z "${VM_QEMU_PID}" ]] || kill -TERM -- "${VM_QEMU_PID}" 2>/dev/null || true
		fi
	done
	wait "${pid}" || true
	VM_QEMU_PID=
}

# snpm_secs_since MS: seconds since the host time MS (milliseconds), 1 decimal
snpm_secs_since() {
	local now=${EPOCHREALTIME/[.,]/}
	now=$((now / 1000))
	printf '%d.%d\n' $(((now - $1) / 1000)) $(((now - $1) % 1000 / 100))
}

# ---- reading a run -------------------------------------------------------------------

# the first kernel's panic, which starts the crash kernel
SNPM_PANIC="Kernel panic - not syncing: sysrq triggered crash"

# snpm_crash_part LOG: the serial log from the first kernel's panic on
snpm_crash_part() {
	sed -n "/${SNPM_PANIC}/,\$p" "$1"
}

# snpm_first_part LOG: the serial log up to the first kernel's panic
snpm_first_part() {
	sed "/${SNPM_PANIC}/,\$d" "$1"
}

# snpm_panic_ms LOG: the host time (ms since the epoch) at which the first
# kernel's panic line reached the host, empty when there was none. The
# line is stamped when it is read, after the panic, so a trace line later
# than this is surely the crash kernel's.
snpm_panic_ms() {
	local t
	t=$(snpm_stamp_of "$1" "${SNPM_PANIC}")
	[[ -n "${t}" ]] || return 0
	t=${t/./}
	echo $((SNPM_RUN_START + 10#${t}))
}

# snpm_trace_split TRACE PANIC_MS BEFORE AFTER: the trace lines (QEMU's
# "TID@SECONDS.MICROSECONDS:event ..." with -msg timestamp=on) from before
# the panic into BEFORE, the others into AFTER, each as "TID event ...".
# With no PANIC_MS, everything is before.
snpm_trace_split() {
	awk -v p="${2:-}" -v before="$3" -v after="$4" '
	BEGIN { printf "" >before; printf "" >after }
	match($0, /^[0-9]+@[0-9]+\.[0-9]+:/) {
		head = substr($0, 1, RLENGTH - 1); rest = substr($0, RLENGTH + 1)
		split(head, a, "@"); split(a[2], t, ".")
		ms = t[1] * 1000 + int(t[2] / 1000)
		print a[1], rest >((p != "" && ms >= p) ? after : before)
	}' "$1"
}

# snpm_trace_count PART EVENT [REQUESTER]: the lines of EVENT in PART (a
# split trace), only those for REQUESTER ("BB:SS.F", amdvi_translation_result's
# and amdvi_dma_fault_forced's device) when given
snpm_trace_count() {
	awk -v e="$2" -v d="${3:-}" '$2 == e && (d == "" || $4 == d) { n++ } END { print n + 0 }' "$1"
}

# snpm_ioapic_remaps PART: the IO-APIC's interrupts that QEMU remapped in
# PART (a split trace), counted by result, as "COUNT VECTOR APIC" lines
# (vector in hex, destination APIC ID in decimal): each remap result is
# paired with the last remap request of the same thread
snpm_ioapic_remaps() {
	awk -v io="${SNPM_IOAPIC_DEVID}" '
	function hex(x,  i, v) {
		x = tolower(x); sub(/^0x/, "", x); v = 0
		for (i = 1; i <= length(x); i++)
			v = v * 16 + index("0123456789abcdef", substr(x, i, 1)) - 1
		return v
	}
	$2 == "amdvi_ir_remap_msi_req" { req[$1] = $NF; next }
	$2 == "amdvi_ir_remap_msi" && req[$1] == io {
		out = $0; sub(/.*-> \(addr /, "", out)
		split(out, f, /[ ,)]+/)
		addr = hex(f[1]); data = hex(f[3])
		n[sprintf("0x%02x %d", data % 256, int(addr / 4096) % 256)]++
		req[$1] = ""
	}
	END { for (k in n) print n[k], k }' "$1" | sort -rn
}

# snpm_stamp_of LOG PATTERN: the host timestamp of the first line of LOG
# matching PATTERN (extended regex), empty when none
snpm_stamp_of() {
	awk -v re="$2" '!done && $0 ~ re { sub(/^\[ */, ""); sub(/\].*/, ""); print; done = 1 }' "$1"
}

# snpm_last_stamp LOG: the host timestamp of LOG's last guest line (not
# QEMU's own "terminating on signal")
snpm_last_stamp() {
	awk '!/qemu-system-x86_64: terminating on signal/ { s = $0 }
		END { sub(/^\[ */, "", s); sub(/\].*/, "", s); print s }' "$1"
}

# snpm_count TEXT PATTERN: lines of TEXT matching the fixed PATTERN
snpm_count() {
	grep -cF -- "$2" <<<"$1" || true
}

# snpm_strip LINE: a log line without the host timestamp
snpm_strip() {
	sed 's/^\[ *[0-9.]*\] //'
}

# snpm_on_disk IMG REQUEST: a debugfs request on the target image
snpm_on_disk() {
	debugfs -R "$2" "$1" 2>/dev/null
}

# snpm_dump_check IMG WORK: sets SNPM_DUMP_DIR and SNPM_DUMP_MSG; true when
# IMG holds a complete dump in /dumps whose vmcore the host's makedumpfile
# reads, with the crash in its kernel log
# shellcheck disable=SC2034 # the caller reads SNPM_DUMP_*
snpm_dump_check() {
	local img=$1 work=$2 d files f
	SNPM_DUMP_DIR=
	SNPM_DUMP_MSG=
	d=$(snpm_on_disk "${img}" "ls /dumps" | tr -s ' \t' '\n' | grep -E -- '-[0-9]{4}-[0-9]{2}-[0-9]{2}-' | head -n 1) || true
	if [[ -z "${d}" ]]; then
		SNPM_DUMP_MSG="no dump directory in /dumps on the target"
		return 1
	fi
	SNPM_DUMP_DIR=/dumps/${d}
	files=$(snpm_on_disk "${img}" "ls /dumps/${d}")
	for f in vmcore vmcore-dmesg.txt kdump-info.txt; do
		if ! grep -E "(^|[[:space:]])${f}([[:space:]]|\$)" <<<"${files}" >/dev/null; then
			SNPM_DUMP_MSG="${SNPM_DUMP_DIR} lacks ${f} (has: $(tr -s ' \t\n' ' ' <<<"${files}"))"
			return 1
		fi
	done
	rm -f -- "${work}/vmcore" "${work}/dmesg.txt" "${work}/kdump-info.txt"
	snpm_on_disk "${img}" "dump /dumps/${d}/vmcore ${work}/vmcore" >/dev/null
	snpm_on_disk "${img}" "dump /dumps/${d}/kdump-info.txt ${work}/kdump-info.txt" >/dev/null
	SNPM_DUMP_BYTES=$(stat -c %s -- "${work}/vmcore" 2>/dev/null || echo 0)
	if ! makedumpfile --dump-dmesg "${work}/vmcore" "${work}/dmesg.txt" >"${work}/mdf.log" 2>&1; then
		SNPM_DUMP_MSG="the host's makedumpfile cannot read the vmcore: $(tail -n 3 "${work}/mdf.log" | tr '\n' ' ')"
		return 1
	fi
	if ! grep -F "sysrq triggered crash" "${work}/dmesg.txt" >/dev/null; then
		SNPM_DUMP_MSG="the vmcore's kernel log lacks 'sysrq triggered crash'"
		return 1
	fi
	if ! grep -x "result: saved" "${work}/kdump-info.txt" >/dev/null; then
		SNPM_DUMP_MSG="kdump-info.txt does not say 'result: saved'"
		return 1
	fi
	rm -f -- "${work}/vmcore"
	return 0
}
