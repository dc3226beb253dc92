#!/bin/bash
# kexec(8) against fixture roots, with the syscall printed instead of made.
# The checks are chained as 'check && check || fail MESSAGE': fail runs when
# any check failed, as meant (SC2015); a command substitution inside a check
# or a message can only change what is compared or printed (SC2312).
# shellcheck source=tests/cli/lib.sh disable=SC2015,SC2312
. "${top_srcdir:?run through make}/tests/cli/lib.sh"

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

# xs N: N times the letter x
xs() {
	printf '%*s' "$1" '' | tr ' ' x
}

# bzImage64_load() refuses cmdline_len (with its NUL) + 30 bytes for
# "elfcorehdr=0x<addr> " above the kernel's cmdline_size: with
# cmdline_size 64, 33 characters are the most that load
case_cmdline_too_long() {
	on intel-plain
	run "$KEXEC" -p "$TMP/vmlinuz-short" --append="$(xs 100)"
	expect_rc 1 &&
	expect_in err "command line is 100 bytes; kernel $TMP/vmlinuz-short accepts at most 33" &&
	expect_empty out
}

case_cmdline_longest_that_fits() {
	on intel-plain
	run "$KEXEC" -p "$TMP/vmlinuz-short" --append="$(xs 33)"
	expect_rc 0 &&
	expect_line out "cmdline_len: 34" &&
	expect_empty err
}

case_cmdline_one_byte_too_long() {
	on intel-plain
	run "$KEXEC" -p "$TMP/vmlinuz-short" --append="$(xs 34)"
	expect_rc 1 &&
	expect_in err "command line is 34 bytes; kernel $TMP/vmlinuz-short accepts at most 33" &&
	expect_in err "elfcorehdr=" &&
	expect_empty out
}

# the kernel makes the same check for kexec -l loads
case_cmdline_one_byte_too_long_kexec() {
	on intel-plain
	run "$KEXEC" -l "$TMP/vmlinuz-short" --append="$(xs 34)"
	expect_rc 1 &&
	expect_in err "accepts at most 33"
}

# the SNP hint counts: 23 + " kdump_snp=1" is 35
case_cmdline_snp_hint_counts() {
	on snp-host
	run "$KEXEC" -p "$TMP/vmlinuz-short" --append="$(xs 23)"
	expect_rc 1 &&
	expect_in err "command line is 35 bytes"
}

case_bad_option() {
	on intel-plain
	run "$KEXEC" --frobnicate
	expect_rc 1 &&
	expect_in err "unknown option --frobnicate" &&
	expect_empty out
}

case_bad_short_option() {
	run "$KEXEC" -Z
	expect_rc 1 &&
	expect_in err "unknown option -Z"
}

case_missing_value() {
	run "$KEXEC" -p "$TMP/vmlinuz" --initrd
	expect_rc 1 &&
	expect_in err "option --initrd needs a value"
}

case_legacy_syscall_refused() {
	run "$KEXEC" -c -p "$TMP/vmlinuz"
	expect_rc 1 &&
	expect_in err "legacy kexec_load(2) syscall (-c) is not supported yet"
}

case_no_action() {
	run "$KEXEC" "$TMP/vmlinuz"
	expect_rc 1 &&
	expect_in err "no action given for $TMP/vmlinuz"
}

case_load_and_panic() {
	run "$KEXEC" -l -p "$TMP/vmlinuz"
	expect_rc 1 &&
	expect_in err "-l and -p cannot be combined"
}

case_bad_type() {
	run "$KEXEC" -t elf-x86_64 -p "$TMP/vmlinuz"
	expect_rc 1 &&
	expect_in err "unsupported kernel type \"elf-x86_64\""
}

# options of kexec-tools that scripts pass: accepted
case_syscall_auto_accepted() {
	on intel-plain
	run "$KEXEC" -a -p "$TMP/vmlinuz"
	expect_rc 0 &&
	expect_line out "flags: KEXEC_FILE_ON_CRASH|KEXEC_FILE_NO_INITRAMFS" &&
	expect_empty err
}

case_long_syscall_auto_accepted() {
	on intel-plain
	run "$KEXEC" --kexec-syscall-auto --kexec-file-syscall -p "$TMP/vmlinuz"
	expect_rc 0 && expect_line out "kexec_file_load"
}

case_no_ifdown_no_checks_accepted() {
	on intel-plain
	run "$KEXEC" -x -i -l "$TMP/vmlinuz"
	expect_rc 0 && expect_line out "kexec_file_load" && expect_empty err
}

case_long_no_ifdown_no_checks_accepted() {
	on intel-plain
	run "$KEXEC" --no-ifdown --no-checks -p "$TMP/vmlinuz"
	expect_rc 0 && expect_line out "kexec_file_load"
}

# the kernel itself updates crash kernels loaded by kexec_file_load(2) on
# CPU and memory hotplug (CONFIG_CRASH_HOTPLUG)
case_hotplug_accepted() {
	on intel-plain
	run "$KEXEC" --hotplug -p "$TMP/vmlinuz"
	expect_rc 0 && expect_line out "flags: KEXEC_FILE_ON_CRASH|KEXEC_FILE_NO_INITRAMFS"
}

# kexec_loaded set in a writable copy of a fixture
kexec_loaded_root() {
	copy_root intel-plain
	echo 1 >"$KDUMP_SNP_SYSROOT/sys/kernel/kexec_loaded"
}

case_exec_syncs_by_default() {
	kexec_loaded_root
	run "$KEXEC" -e
	expect_rc 0 &&
	expect_line out "sync: yes" &&
	expect_line out "reboot: LINUX_REBOOT_CMD_KEXEC"
}

case_exec_no_sync_short() {
	kexec_loaded_root
	run "$KEXEC" -y -e
	expect_rc 0 &&
	expect_line out "sync: no" &&
	expect_line out "reboot: LINUX_REBOOT_CMD_KEXEC"
}

case_exec_no_sync_long() {
	kexec_loaded_root
	run "$KEXEC" -e --no-sync
	expect_rc 0 && expect_line out "sync: no"
}

case_force_no_sync() {
	on intel-plain
	run "$KEXEC" -f -y "$TMP/vmlinuz"
	expect_rc 0 &&
	expect_line out "kexec_file_load" &&
	expect_line out "sync: no" &&
	expect_line out "reboot: LINUX_REBOOT_CMD_KEXEC"
}

# --reuse-initrd: the initrd the running kernel kept (retain_initrd), which
# Linux shows as /sys/firmware/initrd
retained_initrd_root() {
	copy_root intel-plain
	printf '%s retain_initrd\n' "$(cat "$KDUMP_SNP_SYSROOT/proc/cmdline")" \
		>"$KDUMP_SNP_SYSROOT/proc/cmdline.new"
	mv "$KDUMP_SNP_SYSROOT/proc/cmdline.new" "$KDUMP_SNP_SYSROOT/proc/cmdline"
}

case_reuse_initrd_uses_retained() {
	retained_initrd_root
	mkdir -p "$KDUMP_SNP_SYSROOT/sys/firmware"
	printf 'initrd' >"$KDUMP_SNP_SYSROOT/sys/firmware/initrd"
	run "$KEXEC" -l "$TMP/vmlinuz" --reuse-initrd
	expect_rc 0 &&
	expect_line out "initrd: $KDUMP_SNP_SYSROOT/sys/firmware/initrd" &&
	expect_line out "flags: 0"
}

case_reuseinitrd_kexec_tools_spelling() {
	retained_initrd_root
	mkdir -p "$KDUMP_SNP_SYSROOT/sys/firmware"
	printf 'initrd' >"$KDUMP_SNP_SYSROOT/sys/firmware/initrd"
	run "$KEXEC" -p "$TMP/vmlinuz" --reuseinitrd
	expect_rc 0 &&
	expect_line out "initrd: $KDUMP_SNP_SYSROOT/sys/firmware/initrd"
}

case_reuse_initrd_not_retained() {
	on intel-plain
	run "$KEXEC" -l "$TMP/vmlinuz" --reuse-initrd
	expect_rc 1 &&
	expect_in err "--reuse-initrd: the running kernel did not keep its initrd" &&
	expect_in err "retain_initrd" &&
	expect_empty out
}

case_reuse_initrd_no_sysfs_file() {
	retained_initrd_root
	run "$KEXEC" -l "$TMP/vmlinuz" --reuse-initrd
	expect_rc 1 &&
	expect_in err "/sys/firmware/initrd" &&
	expect_in err "kexec_file_load(2) can only pass an initrd it can open as a file" &&
	expect_empty out
}

case_reuse_initrd_and_initrd() {
	on intel-plain
	run "$KEXEC" -l "$TMP/vmlinuz" --reuse-initrd --initrd="$TMP/initrd.img"
	expect_rc 1 &&
	expect_in err "--reuse-initrd and --initrd cannot be combined"
}

# --print-ckr-size: kexec-tools prints the size of the highest "Crash
# kernel" range of /proc/iomem (the one a crash kernel is loaded into), 0
# when there is none
case_print_ckr_size() {
	on intel-plain
	run "$KEXEC" --print-ckr-size
	expect_rc 0 && expect_line out "268435456" && expect_empty err
}

case_print_ckr_size_high_range() {
	on crash-lowhigh
	run "$KEXEC" --print-ckr-size
	expect_rc 0 && expect_line out "1073741824"
}

case_print_ckr_size_none() {
	on no-crashkernel
	run "$KEXEC" --print-ckr-size
	expect_rc 0 && expect_line out "0"
}

case_print_ckr_size_hidden() {
	on nonroot-iomem
	run "$KEXEC" --print-ckr-size
	expect_rc 1 &&
	expect_in err "/proc/iomem" &&
	expect_empty out
}

# the rest of kexec-tools' options: a sentence each, never "unknown option"
case_unsupported_options_explained() {
	local opt
	on intel-plain
	for opt in --mem-min=0x1000 --mem-max=0x1000000 --load-preserve-context \
		--load-jump-back-helper --entry=0x1000 --load-live-update --exec-live-update \
		--elf32-core-headers --elf64-core-headers --console-vga \
		--console-serial --serial=ttyS0 --serial-baud=115200 --reset-vga \
		--pass-memmap-cmdline --noefi --real-mode --entry-32bit --dtb=x.dtb \
		--args-linux --args-elf --args-none --module=m --force-dtb; do
		run "$KEXEC" -l "$TMP/vmlinuz" "$opt"
		expect_rc 1 || return 1
		expect_in err "${opt%%=*} is not supported" || return 1
		expect_not_in err "unknown option" || return 1
		expect_empty out || return 1
	done
	run "$KEXEC" -l "$TMP/vmlinuz" --serial
	expect_rc 1 && expect_in err "--serial is not supported"
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
	expect_rc 1 &&
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

# -e checks that a kernel is loaded in the dry run too, as the real path does
case_exec_dry_run_nothing_loaded() {
	on intel-plain
	run "$KEXEC" -e
	expect_rc 1 &&
	expect_in err "no kernel is loaded for kexec" &&
	expect_empty out
}

case_exec_dry_run_loaded() {
	copy_root intel-plain
	echo 1 >"$KDUMP_SNP_SYSROOT/sys/kernel/kexec_loaded"
	run "$KEXEC" -e
	expect_rc 0 &&
	expect_line out "reboot: LINUX_REBOOT_CMD_KEXEC"
}

# an unreadable load state is an error, never "loaded"
case_exec_state_unreadable() {
	copy_root intel-plain
	rm "$KDUMP_SNP_SYSROOT/sys/kernel/kexec_loaded"
	run "$KEXEC" -e
	expect_rc 1 &&
	expect_in err "cannot read the kexec kernel state" &&
	expect_empty out
}

case_exec_state_garbage() {
	copy_root intel-plain
	echo maybe >"$KDUMP_SNP_SYSROOT/sys/kernel/kexec_loaded"
	run "$KEXEC" -e
	expect_rc 1 &&
	expect_in err "cannot read the kexec kernel state" &&
	expect_empty out
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

# kexec.8 documents every option of --help, long and short
case_man_documents_help_options() {
	local opt
	sed 's/\\-/-/g' "$top_srcdir/man/kexec.8" >"$TMP/man.txt"
	for opt in $("$KEXEC" --help | grep -oE -- '(^|[ ,])--?[a-zA-Z][a-z-]*' | tr -d ' ,' | sort -u); do
		grep -qE -- "(^|[^a-z-])$opt([^a-z-]|\$)" "$TMP/man.txt" || fail "kexec.8 lacks $opt"
	done
	# shellcheck disable=SC2154 # set by t (lib.sh)
	[ "$case_failed" = 0 ]
}

case_version() {
	run "$KEXEC" --version
	expect_rc 0 && expect_in out "kexec (kdump-snp)"
}

# bash completion, when bash-completion is installed (tests/install-deps)
if [ -r /usr/share/bash-completion/bash_completion ]; then
	# completion_of ARGS...: what bash completion offers for the last word of
	# "kexec ARGS...", one per line; words are split at "=" as readline does
	completion_of() {
		bash -c '
			. /usr/share/bash-completion/bash_completion
			. "$1"
			shift
			COMP_WORDS=(kexec)
			for a in "$@"; do
				case $a in
				*=*) COMP_WORDS+=("${a%%=*}" "=" "${a#*=}") ;;
				*) COMP_WORDS+=("$a") ;;
				esac
			done
			COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
			COMP_LINE="kexec $*"
			COMP_POINT=${#COMP_LINE}
			_kexec
			printf "%s\n" "${COMPREPLY[@]}"
		' completion "$top_srcdir/shell-completion/kexec" "$@" >"$TMP/out" 2>"$TMP/err"
		# shellcheck disable=SC2034 # read by expect_rc (lib.sh)
		rc=$?
	}

	case_completion_options() {
		completion_of --re
		expect_rc 0 &&
		expect_line out "--reuse-initrd" &&
		expect_line out "--reuse-cmdline" &&
		expect_empty err
	}

	case_completion_snp_values() {
		completion_of -p --snp ""
		expect_rc 0 && expect_line out "auto" && expect_line out "on" && expect_line out "off"
	}

	case_completion_snp_values_after_equals() {
		completion_of -p --snp=o
		expect_rc 0 && expect_line out "on" && expect_line out "off" && expect_not_in out "auto"
	}

	case_completion_initrd_files() {
		completion_of -p --initrd "$TMP/initrd."
		expect_rc 0 && expect_line out "$TMP/initrd.img"
	}

	case_completion_initrd_files_after_equals() {
		completion_of -p "--initrd=$TMP/initrd."
		expect_rc 0 && expect_line out "$TMP/initrd.img"
	}

	case_completion_kernel_file() {
		completion_of -p "$TMP/vmlinuz-n"
		expect_rc 0 && expect_line out "$TMP/vmlinuz-norel"
	}

	# every long option of --help is offered
	case_completion_knows_help_options() {
		local opt
		completion_of --
		for opt in $("$KEXEC" --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
			case $opt in
			--mem-min | --load-preserve-context | --reuseinitrd) continue ;; # refused; an alias
			*) ;;
			esac
			grep -qxE -- "$opt=?" "$TMP/out" || fail "completion lacks $opt"
		done
		# shellcheck disable=SC2154 # set by t (lib.sh)
		[ "$case_failed" = 0 ]
	}
else
	case_completion() {
		skip "/usr/share/bash-completion/bash_completion is missing (apt-get install bash-completion)"
	}
fi

for f in $(declare -F | awk '$3 ~ /^case_/ {print $3}'); do
	t "${f#case_}" "$f"
done
finish
