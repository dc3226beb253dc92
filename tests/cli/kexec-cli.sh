#!/bin/bash
# kexec(8) against fixture roots, with the syscall printed instead of made.
. "$top_srcdir/tests/cli/lib.sh"

KEXEC=$top_builddir/kexec/kexec
MK=$top_builddir/tests/cli/mkfakekernel
export KDUMP_SNP_DRY_RUN=1

"$MK" "$TMP/vmlinuz"
"$MK" "$TMP/vmlinuz-32" --xloadflags=0x0
"$MK" "$TMP/vmlinuz-old" --protocol=0x0209
"$MK" "$TMP/vmlinuz-norel" --relocatable=0
"$MK" "$TMP/vmlinux" --elf
"$MK" "$TMP/vmlinuz-short" --cmdline-size=64
head -c 4096 /dev/urandom >"$TMP/random.bin"
printf 'initrd' >"$TMP/initrd.img"
: >"$TMP/empty.img"

on() {
	KDUMP_SNP_SYSROOT=$FIXTURES/$1
	export KDUMP_SNP_SYSROOT
}

# copy_root FIXTURE: a writable copy of a fixture root, used as the root
copy_root() {
	rm -rf "$TMP/root"
	cp -r "$FIXTURES/$1" "$TMP/root"
	KDUMP_SNP_SYSROOT=$TMP/root
	export KDUMP_SNP_SYSROOT
}

case_load_panic_plain() {
	on intel-plain
	run "$KEXEC" -p "$TMP/vmlinuz" --initrd="$TMP/initrd.img" --append="irqpoll nr_cpus=1"
	expect_rc 0 &&
	expect_line out "kexec_file_load" &&
	expect_line out "kernel: $TMP/vmlinuz" &&
	expect_line out "initrd: $TMP/initrd.img" &&
	expect_line out "cmdline: irqpoll nr_cpus=1" &&
	expect_line out "cmdline_len: 18" &&
	expect_line out "flags: KEXEC_FILE_ON_CRASH" &&
	expect_empty err
}

case_load_kexec_no_initrd() {
	on intel-plain
	run "$KEXEC" -l "$TMP/vmlinuz" --command-line="root=/dev/vda ro"
	expect_rc 0 &&
	expect_line out "initrd: (none)" &&
	expect_line out "cmdline: root=/dev/vda ro" &&
	expect_line out "flags: KEXEC_FILE_NO_INITRAMFS"
}

case_ramdisk_alias_and_two_appends() {
	on intel-plain
	run "$KEXEC" -p "$TMP/vmlinuz" --ramdisk="$TMP/initrd.img" --append=a=1 --append="b=\"x y\""
	expect_rc 0 &&
	expect_line out "initrd: $TMP/initrd.img" &&
	expect_line out 'cmdline: a=1 b="x y"'
}

case_reuse_cmdline_crash() {
	on amd-iommu
	run "$KEXEC" -p "$TMP/vmlinuz" --reuse-cmdline --append="irqpoll"
	expect_rc 0 &&
	expect_in out "cmdline: " &&
	expect_not_in out "crashkernel=" &&
	expect_not_in out "BOOT_IMAGE=" &&
	expect_in out " irqpoll" &&
	expect_in out "root="
}

case_reuse_cmdline_kexec_keeps_crashkernel() {
	on amd-iommu
	run "$KEXEC" -l "$TMP/vmlinuz" --reuse-cmdline
	expect_rc 0 &&
	expect_in out "crashkernel=" &&
	expect_not_in out "BOOT_IMAGE="
}

case_missing_kernel() {
	on intel-plain
	run "$KEXEC" -p "$TMP/nonexistent"
	expect_rc 1 &&
	expect_in err "kernel image $TMP/nonexistent: No such file or directory" &&
	expect_empty out
}

case_missing_initrd() {
	on intel-plain
	run "$KEXEC" -p "$TMP/vmlinuz" --initrd="$TMP/none.img"
	expect_rc 1 &&
	expect_in err "initrd $TMP/none.img: No such file or directory"
}

case_empty_initrd() {
	on intel-plain
	run "$KEXEC" -p "$TMP/vmlinuz" --initrd="$TMP/empty.img"
	expect_rc 1 &&
	expect_in err "initrd $TMP/empty.img: file is empty"
}

case_not_bzimage() {
	on intel-plain
	run "$KEXEC" -p "$TMP/random.bin"
	expect_rc 1 &&
	expect_in err "not an x86 bzImage: no \"HdrS\" boot header" &&
	expect_empty out
}

case_elf_vmlinux() {
	on intel-plain
	run "$KEXEC" -l "$TMP/vmlinux"
	expect_rc 1 &&
	expect_in err "an ELF file (an uncompressed vmlinux?)"
}

case_32bit_only() {
	on intel-plain
	run "$KEXEC" -p "$TMP/vmlinuz-32"
	expect_rc 1 &&
	expect_in err "a 32-bit kernel: xloadflags lack XLF_KERNEL_64"
}

case_old_protocol() {
	on intel-plain
	run "$KEXEC" -p "$TMP/vmlinuz-old"
	expect_rc 1 &&
	expect_in err "boot protocol is older than 2.12"
}

case_not_relocatable() {
	on intel-plain
	run "$KEXEC" -p "$TMP/vmlinuz-norel"
	expect_rc 1 &&
	expect_in err "not relocatable"
}

case_cmdline_too_long() {
	on intel-plain
	run "$KEXEC" -p "$TMP/vmlinuz-short" --append="$(printf 'x%.0s' $(seq 100))"
	expect_rc 1 &&
	expect_in err "command line is 100 bytes; kernel $TMP/vmlinuz-short accepts at most 64"
}

case_bad_option() {
	on intel-plain
	run "$KEXEC" --frobnicate
	expect_rc 2 &&
	expect_in err "unknown option --frobnicate" &&
	expect_empty out
}

case_bad_short_option() {
	run "$KEXEC" -Z
	expect_rc 2 &&
	expect_in err "unknown option -Z"
}

case_missing_value() {
	run "$KEXEC" -p "$TMP/vmlinuz" --initrd
	expect_rc 2 &&
	expect_in err "option --initrd needs a value"
}

case_legacy_syscall_refused() {
	run "$KEXEC" -c -p "$TMP/vmlinuz"
	expect_rc 2 &&
	expect_in err "legacy kexec_load(2) syscall (-c) is not supported yet"
}

case_no_action() {
	run "$KEXEC" "$TMP/vmlinuz"
	expect_rc 2 &&
	expect_in err "no action given for $TMP/vmlinuz"
}

case_load_and_panic() {
	run "$KEXEC" -l -p "$TMP/vmlinuz"
	expect_rc 2 &&
	expect_in err "-l and -p cannot be combined"
}

case_bad_type() {
	run "$KEXEC" -t elf-x86_64 -p "$TMP/vmlinuz"
	expect_rc 2 &&
	expect_in err "unsupported kernel type \"elf-x86_64\""
}

case_snp_host_adds_hint() {
	on snp-host
	run "$KEXEC" -p "$TMP/vmlinuz" --append="irqpoll nr_cpus=1"
	expect_rc 0 &&
	expect_line out "cmdline: irqpoll nr_cpus=1 kdump_snp=1"
}

case_snp_host_refuses_amd_iommu_off() {
	on snp-host
	run "$KEXEC" -p "$TMP/vmlinuz" --append="irqpoll amd_iommu=off"
	expect_rc 1 &&
	expect_in err "refusing \"amd_iommu=off\" on the crash command line of an SEV-SNP host" &&
	expect_not_in out "kexec_file_load"
}

case_snp_host_refuses_iommu_off_in_list() {
	on snp-host
	run "$KEXEC" -p "$TMP/vmlinuz" --append="intremap=nosid,off"
	expect_rc 1 &&
	expect_in err "refusing \"intremap=nosid,off\""
}

case_snp_host_refuses_nointremap() {
	on snp-host
	run "$KEXEC" -p "$TMP/vmlinuz" --append="nointremap"
	expect_rc 1 &&
	expect_in err "refusing \"nointremap\""
}

case_snp_host_allows_iommu_pt() {
	on snp-host
	run "$KEXEC" -p "$TMP/vmlinuz" --append="iommu=pt"
	expect_rc 0 &&
	expect_line out "cmdline: iommu=pt kdump_snp=1"
}

case_snp_off_on_snp_host() {
	on snp-host
	run "$KEXEC" -p --snp=off "$TMP/vmlinuz" --append="amd_iommu=off"
	expect_rc 0 &&
	expect_line out "cmdline: amd_iommu=off" &&
	expect_not_in out "kdump_snp"
}

case_snp_on_plain_host() {
	on intel-plain
	run "$KEXEC" -p --snp=on "$TMP/vmlinuz" --append="irqpoll"
	expect_rc 0 &&
	expect_line out "cmdline: irqpoll kdump_snp=1"
}

case_snp_hint_replaces_user_value() {
	on snp-host
	run "$KEXEC" -p "$TMP/vmlinuz" --append="kdump_snp=0 irqpoll"
	expect_rc 0 &&
	expect_line out "cmdline: kdump_snp=1 irqpoll"
}

case_snp_hint_before_init_args() {
	on snp-host
	run "$KEXEC" -p "$TMP/vmlinuz" --append="irqpoll -- single"
	expect_rc 0 &&
	expect_line out "cmdline: irqpoll kdump_snp=1 -- single"
}

case_snp_not_for_kexec_slot() {
	on snp-host
	run "$KEXEC" -l "$TMP/vmlinuz" --append="quiet"
	expect_rc 0 &&
	expect_line out "cmdline: quiet"
}

case_snp_auto_amd_no_snp() {
	on amd-iommu
	run "$KEXEC" -p "$TMP/vmlinuz" --append="amd_iommu=off"
	expect_rc 0 &&
	expect_line out "cmdline: amd_iommu=off"
}

case_snp_capable_kvm_not_loaded_warns() {
	on snp-no-kvm
	run "$KEXEC" -p "$TMP/vmlinuz" --append="irqpoll"
	expect_rc 0 &&
	expect_line out "cmdline: irqpoll" &&
	expect_in err "SEV-SNP capable but kvm_amd is not loaded"
}

case_bad_snp_value() {
	run "$KEXEC" -p --snp=maybe "$TMP/vmlinuz"
	expect_rc 2 &&
	expect_in err "invalid --snp value \"maybe\": use auto, on or off"
}

case_no_crashkernel() {
	on no-crashkernel
	run "$KEXEC" -p "$TMP/vmlinuz"
	expect_rc 1 &&
	expect_in err "no memory is reserved for a crash kernel" &&
	expect_in err "crashkernel="
}

case_unload_crash() {
	on crash-loaded
	run "$KEXEC" -p -u
	expect_rc 0 &&
	expect_line out "kernel: (none)" &&
	expect_line out "flags: KEXEC_FILE_UNLOAD|KEXEC_FILE_ON_CRASH"
}

case_unload_kexec() {
	on crash-loaded
	run "$KEXEC" -u
	expect_rc 0 &&
	expect_line out "flags: KEXEC_FILE_UNLOAD"
}

# -S exits as kexec-tools' k_status(): 1 when loaded, 0 when not
case_status_loaded() {
	on crash-loaded
	run "$KEXEC" -S
	expect_rc 1 && expect_empty out && expect_empty err
}

case_status_loaded_crash_slot() {
	on crash-loaded
	run "$KEXEC" --status -p
	expect_rc 1 && expect_empty out
}

case_status_not_loaded() {
	on amd-iommu
	run "$KEXEC" -S -p
	expect_rc 0 && expect_empty out && expect_empty err
}

case_status_kexec_slot() {
	on crash-loaded
	run "$KEXEC" -S -l
	expect_rc 0
}

case_status_kexec_slot_loaded() {
	copy_root intel-plain
	echo 1 >"$KDUMP_SNP_SYSROOT/sys/kernel/kexec_loaded"
	run "$KEXEC" -S -l
	expect_rc 1
}

# kexec-tools returns -1 when the state cannot be read: never "not loaded"
case_status_unreadable() {
	copy_root intel-plain
	rm "$KDUMP_SNP_SYSROOT/sys/kernel/kexec_crash_loaded"
	run "$KEXEC" -S
	expect_rc 255 &&
	expect_in err "cannot read the crash kernel state" &&
	expect_empty out
}

case_exec_dry_run() {
	on intel-plain
	run "$KEXEC" -e
	expect_rc 0 &&
	expect_line out "reboot: LINUX_REBOOT_CMD_KEXEC"
}

case_debug_reports_snp() {
	on snp-host
	run "$KEXEC" -d -p "$TMP/vmlinuz"
	expect_rc 0 &&
	expect_in err "boot protocol 2.15" &&
	expect_in err "SEV-SNP: capable=yes" &&
	expect_in err "enabled=yes (kvm_amd)"
}

case_help() {
	run "$KEXEC" --help
	expect_rc 0 &&
	expect_in out "Usage: kexec" &&
	expect_in out "--snp=auto|on|off" &&
	expect_empty err
}

case_version() {
	run "$KEXEC" --version
	expect_rc 0 && expect_in out "kexec (kdump-snp)"
}

for f in $(declare -F | awk '$3 ~ /^case_/ {print $3}'); do
	t "${f#case_}" "$f"
done
finish
