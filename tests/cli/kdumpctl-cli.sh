#!/bin/bash
# kdumpctl(8) over copies of the fixture roots: the loader in dry-run mode,
# dracut replaced by tests/cli/fake-dracut where the test is about a
# decision (when to rebuild), not about dracut.
# The checks are chained as 'check && check || fail MESSAGE': fail runs when
# any check failed, as meant (SC2015); a command substitution inside a check
# or a message can only change what is compared or printed (SC2312).
# stale_after takes shell code, single-quoted so that it expands when the
# case evals it (SC2016).
# shellcheck source=tests/cli/lib.sh disable=SC2015,SC2016,SC2312
. "${top_srcdir:?run through make}/tests/cli/lib.sh"
# shellcheck source=tests/cli/host-root.sh
. "$top_srcdir/tests/cli/host-root.sh"

DEFAULTS="irqpoll nr_cpus=1 reset_devices cgroup_disable=memory mce=off numa=off udev.children-max=2 panic=10 acpi_no_memhotplug transparent_hugepage=never nokaslr hest_disable novmcoredd cma=0 hugetlb_cma=0"

# host FIXTURE: a writable copy of a fixture root with what kdumpctl reads
# besides /proc and /sys (host-root.sh), images built by the fake dracut
host() {
	host_root "$1"
	fake_dracut
	mkdir -p "$R/usr/bin"
	: >"$R/proc/sysrq-trigger"
	CONF=$R/etc/kdump.conf
	DEFS=$R/etc/default/kdump
	IMG=$R/var/lib/kdump/initramfs-$kver-kdump.img
}

case_check_plain_host() {
	host amd-iommu
	kdumpctl check
	expect_rc 0 &&
	expect_line out "crash cmdline:   ro $DEFAULTS" &&
	expect_in out "dump target:     /var/crash on the file system that holds it" &&
	expect_in out "core_collector:  makedumpfile -l --message-level 7 -d 31" &&
	expect_in out "SEV-SNP:         not available"
}

# fake_watchdog: the sysfs of QEMU's i6300esb, bound, as a module
fake_watchdog() {
	local dev=$R/sys/devices/pci0000:00/0000:00:03.0
	mkdir -p "$dev/watchdog/watchdog0" "$R/sys/bus/pci/drivers/i6300esb" \
		"$R/sys/module/i6300esb" "$R/sys/class/watchdog"
	ln -s ../../../bus/pci/drivers/i6300esb "$dev/driver"
	ln -s ../../../module/i6300esb "$R/sys/bus/pci/drivers/i6300esb/module"
	ln -s ../../../0000:00:03.0 "$dev/watchdog/watchdog0/device"
	ln -s ../../devices/pci0000:00/0000:00:03.0/watchdog/watchdog0 "$R/sys/class/watchdog/watchdog0"
	echo 2046 >"$dev/watchdog/watchdog0/max_timeout"
}

case_check_timeouts_and_no_watchdog() {
	host amd-iommu
	kdumpctl check
	expect_rc 0 &&
	expect_line out "disk_timeout:    90 s" &&
	expect_line out "capture_timeout: 7200 s" &&
	expect_in out "watchdog:        none on this host: a crash kernel that hangs in the kernel stays down"
	printf 'capture_timeout 0\ndisk_timeout 30\n' >>"$CONF"
	kdumpctl check
	expect_rc 0 &&
	expect_line out "disk_timeout:    30 s" &&
	expect_line out "capture_timeout: none (0)"
}

# a bound watchdog: check and status say the capture uses it, and the
# image gets its module and the timeout, above capture_timeout
case_watchdog_used() {
	host amd-iommu
	fake_watchdog
	printf 'capture_timeout 600\n' >>"$CONF"
	kdumpctl check
	expect_rc 0 &&
	expect_line out "watchdog:        watchdog0 (i6300esb): the capture arms it for 660 s and pets it while the dump makes progress" || return
	kdumpctl status
	expect_line out "  watchdog:     watchdog0 (i6300esb): the capture arms it for 660 s and pets it while the dump makes progress" || return
	kdumpctl status --json
	json_check "$TMP/out" 'assert d["watchdog"] == {"device": "watchdog0", "driver": "i6300esb", "modules": ["i6300esb"], "timeout": 660}, d["watchdog"]' || return
	kdumpctl rebuild
	expect_rc 0 &&
	grep -qx "KDUMP_SNP_WATCHDOG=driver=i6300esb|modules=i6300esb|timeout=660|" "$FAKE_DRACUT_LOG" &&
	grep -qx "KDUMP_SNP_CAPTURE_TIMEOUT=600" "$FAKE_DRACUT_LOG" || fail "dracut: $(cat "$FAKE_DRACUT_LOG")"
}

# without one, the image gets no record (and status --json says null)
case_watchdog_absent_image() {
	host amd-iommu
	kdumpctl rebuild
	expect_rc 0 &&
	grep -qx "KDUMP_SNP_WATCHDOG=" "$FAKE_DRACUT_LOG" &&
	grep -qx "KDUMP_SNP_CAPTURE_TIMEOUT=7200" "$FAKE_DRACUT_LOG" || fail "dracut: $(cat "$FAKE_DRACUT_LOG")"
	kdumpctl status --json
	json_check "$TMP/out" 'assert d["watchdog"] is None'
}

# fake_makedumpfile VERSION: a makedumpfile in the root that says VERSION
fake_makedumpfile() {
	mkdir -p "$R/usr/sbin"
	printf '#!/bin/sh\necho "makedumpfile: version %s (released on 1 Jan 2025)"\necho "lzo\tenabled"\n' "$1" >"$R/usr/sbin/makedumpfile"
	chmod +x "$R/usr/sbin/makedumpfile"
}

# Debian 13: makedumpfile 1.7.6 knows Linux up to 6.11.4, the kernel is 6.12
case_check_makedumpfile_older_than_kernel() {
	host amd-iommu
	fake_makedumpfile 1.7.6
	kdumpctl check
	expect_rc 0 &&
	expect_line out "makedumpfile:    1.7.6, supports Linux up to 6.11.4: older than the running $kver" &&
	expect_in err "warning: /usr/sbin/makedumpfile is makedumpfile 1.7.6, which supports Linux up to 6.11.4; the running kernel is $kver" &&
	expect_in err "(makedumpfile 1.7.7 and later support this kernel)"
}

case_check_makedumpfile_supports_kernel() {
	host amd-iommu
	fake_makedumpfile 1.7.7
	kdumpctl check
	expect_rc 0 &&
	expect_line out "makedumpfile:    1.7.7, supports Linux up to 6.14.2 (running $kver)" &&
	expect_not_in err "makedumpfile" || return
	fake_makedumpfile 1.8.0
	kdumpctl check
	expect_rc 0 &&
	expect_line out "makedumpfile:    1.8.0 (newer than the releases kdumpctl knows)" &&
	expect_not_in err "makedumpfile"
}

# makedumpfile's threads against the crash kernel's CPUs (nr_cpus=1 by
# default): more threads than CPUs is a warning, at check and at start
case_collector_threads_need_cpus() {
	host amd-iommu
	kdumpctl check
	expect_rc 0 &&
	expect_line out "collector CPUs:  1 crash CPU (nr_cpus/maxcpus); makedumpfile without --num-threads" &&
	expect_not_in err "threads" || return
	sed -i "s/^core_collector .*/core_collector makedumpfile -l -d 31 --num-threads=2/" "$CONF"
	kdumpctl check
	expect_rc 0 &&
	expect_line out "collector CPUs:  1 crash CPU (nr_cpus/maxcpus); makedumpfile --num-threads=2" &&
	expect_in err "warning: core_collector asks makedumpfile for 2 threads (--num-threads) but the crash kernel gets 1 CPU" &&
	expect_in err "KDUMP_COMMANDLINE_APPEND=\"nr_cpus=2\" in $DEFS" || return
	kdumpctl start
	expect_rc 0 && expect_in err "warning: core_collector asks makedumpfile for 2 threads" &&
	expect_in err "kdumpctl: crash kernel loaded" || return
	echo 'KDUMP_COMMANDLINE_APPEND="nr_cpus=2"' >"$DEFS"
	kdumpctl check
	expect_rc 0 &&
	expect_line out "collector CPUs:  2 crash CPUs (nr_cpus/maxcpus); makedumpfile --num-threads=2" &&
	expect_not_in err "threads" || return
	sed -i "s/^core_collector .*/core_collector cp/" "$CONF"
	kdumpctl check
	expect_rc 0 && expect_line out "collector CPUs:  not used (core_collector)"
}

case_check_makedumpfile_missing() {
	host amd-iommu
	kdumpctl check
	expect_rc 0 && expect_line out "makedumpfile:    not installed" &&
	expect_in err "warning: makedumpfile is not installed" || return
	sed -i "s/^core_collector .*/core_collector cp/" "$CONF"
	kdumpctl check
	expect_rc 0 && expect_line out "makedumpfile:    not used (core_collector)" && expect_not_in err "makedumpfile"
}

case_check_snp_host() {
	host snp-host-fixed
	kdumpctl check
	expect_rc 0 &&
	expect_line out "crash cmdline:   ro kvm_amd.sev=1 $DEFAULTS module_blacklist=ccp,kvm_amd kdump_snp=1" &&
	expect_in out "SEV-SNP:         enabled (from kvm_amd); crash kernel gets kdump_snp=1" &&
	expect_line out "SNP crash:       survivable: /boot/System.map-$kver lists parse_kdump_snp (the kdump-snp kernel series)"
}

# a crash kernel without the IOMMU reuse hangs after an SNP crash: check
# and start refuse it on an SNP host, and say how to override
case_check_snp_unfixed_kernel() {
	host snp-host-unfixed
	kdumpctl check
	expect_rc 1 &&
	expect_in err "refusing crash kernel $kver on this SEV-SNP host: it has no fix for crashes with SNP guests running (/boot/System.map-$kver lists no parse_kdump_snp" &&
	expect_in err "set KDUMP_SNP=off in $DEFS to arm this one anyway"
}

case_start_snp_unfixed_kernel_refused() {
	host snp-host-unfixed
	kdumpctl start
	expect_rc 1 && expect_empty out && dracut_runs 0 &&
	expect_in err "refusing crash kernel $kver on this SEV-SNP host"
}

case_start_snp_unknown_kernel_refused() {
	host snp-host
	kdumpctl start
	expect_rc 1 && expect_empty out && dracut_runs 0 &&
	expect_in err "nothing shows that it has the fix for crashes with SNP guests running (no /boot/System.map-$kver with symbols"
}

case_start_snp_unfixed_kernel_override() {
	host snp-host-unfixed
	echo 'KDUMP_SNP=off' >"$DEFS"
	kdumpctl start
	expect_rc 0 && expect_not_in out "kdump_snp=1" &&
	expect_in err "KDUMP_SNP=off: crash kernel $kver is armed on an SEV-SNP host; a crash with SNP guests running will hang it" || return
	kdumpctl status
	expect_rc 3 &&
	expect_in out "SNP crash:    NOT SURVIVABLE, armed anyway (KDUMP_SNP=off): /boot/System.map-$kver lists no parse_kdump_snp"
}

case_status_snp_loaded_unfixed_kernel() {
	host snp-host-unfixed
	echo 1 >"$R/sys/kernel/kexec_crash_loaded"
	kdumpctl status
	expect_rc 3 &&
	expect_in out "kdump: not operational: the crash kernel cannot survive a crash with SEV-SNP guests running" &&
	expect_in out "SNP crash:    NOT SURVIVABLE: "
}

case_check_snp_conflicting_settings() {
	host snp-host-fixed
	printf 'KDUMP_SNP=on\nKEXEC_ARGS="-s --snp=off"\n' >"$DEFS"
	kdumpctl check
	expect_rc 1 &&
	expect_line err "$DEFS:2:12: KEXEC_ARGS \"--snp=off\" conflicts with KDUMP_SNP=on on line 1; keep one"
}

case_check_snp_off_in_defaults() {
	host snp-host
	echo 'KDUMP_SNP=off' >"$DEFS"
	kdumpctl check
	expect_rc 0 && expect_not_in out "kdump_snp=1"
}

case_check_snp_refuses_iommu_off() {
	host snp-host
	echo 'KDUMP_COMMANDLINE_APPEND="amd_iommu=off"' >"$DEFS"
	kdumpctl check
	expect_rc 1 &&
	expect_in err "refusing \"amd_iommu=off\" on the crash command line of an SEV-SNP host"
}

# issue #19 item 4: a second panic in the crash kernel reboots; an append
# that would make it stop is refused, the host's sysctl.kernel.panic= dropped
case_check_refuses_panic_that_stops() {
	host amd-iommu
	echo 'KDUMP_COMMANDLINE_APPEND="debug panic=0"' >"$DEFS"
	kdumpctl check
	expect_rc 1 &&
	expect_in err "refusing \"panic=0\" on the crash command line: a second panic, in the crash kernel, would then stop the machine instead of rebooting it" || return
	echo 'KDUMP_COMMANDLINE="console=ttyS0 sysctl.kernel.panic=0"' >"$DEFS"
	kdumpctl check
	expect_rc 0 && expect_in out "console=ttyS0 $DEFAULTS" && expect_not_in out "sysctl.kernel.panic"
}

case_check_bad_defaults() {
	host amd-iommu
	printf 'KDUMP_IMG=vmlinuz\nKDUMP_SNPP=on\n' >"$DEFS"
	kdumpctl check
	expect_rc 1 && expect_line err "$DEFS:2:1: unknown setting \"KDUMP_SNPP\"; did you mean \"KDUMP_SNP\"?"
}

case_check_misspelled_names() {
	host amd-iommu
	printf 'path /var/crash\ncore_colector makedumpfile -l -d 31\n' >"$CONF"
	printf 'KDUMP_COMANDLINE_APPEND="nr_cpus=1"\n' >"$DEFS"
	kdumpctl check
	expect_rc 1 &&
	expect_line err "$CONF:2:1: unknown directive \"core_colector\"; did you mean \"core_collector\"?" &&
	expect_line err "$DEFS:1:1: unknown setting \"KDUMP_COMANDLINE_APPEND\"; did you mean \"KDUMP_COMMANDLINE_APPEND\"?"
}

# a person reads at most 20 errors, then how many more there are
case_check_errors_capped() {
	local i
	host amd-iommu
	for i in $(seq 1 25); do echo "frobnicate$i 1"; done >"$CONF"
	kdumpctl check
	expect_rc 1 &&
	expect_line err "$CONF:20:1: unknown directive \"frobnicate20\"" &&
	expect_not_in err "frobnicate21" &&
	expect_line err "... and 5 more" &&
	[ "$(wc -l <"$TMP/err")" -eq 21 ] || fail "$(wc -l <"$TMP/err") lines of errors"
}

# a file saved by a Windows editor, or a binary given as --config: one error
case_check_dos_and_binary_files() {
	host amd-iommu
	printf 'path /var/crash\r\nfinal_action reboot\r\n' >"$CONF"
	kdumpctl check
	expect_rc 1 &&
	expect_line err "$CONF:1:16: DOS line endings (\\r\\n) on 2 lines, from this one: kdump.conf must have \\n line endings (convert it with dos2unix); nothing further is checked" &&
	[ "$(wc -l <"$TMP/err")" -eq 1 ] || { fail "not one error"; return; }
	printf '\xef\xbb\xbfKDUMP_SNP=auto\n' >"$DEFS"
	# an ELF header (kdumpctl's own), not the whole binary: past 1 MiB
	# it would be refused for its size before its bytes are looked at
	head -c 64 "$KDUMPCTL" >"$TMP/elf-header"
	kdumpctl check --config="$TMP/elf-header"
	expect_rc 1 &&
	expect_in err "$TMP/elf-header:1:8: NUL byte: kdump.conf must be text, and this is a binary file" &&
	expect_in err "$DEFS:1:1: UTF-8 byte order mark (BOM) at the start: the defaults file must be plain text" &&
	[ "$(wc -l <"$TMP/err")" -eq 2 ] || fail "not two errors"
}

case_start_builds_and_loads() {
	host amd-iommu
	kdumpctl start
	expect_rc 0 &&
	dracut_runs 1 &&
	expect_in err "rebuilding the capture image: the capture image does not exist yet" &&
	expect_line out "kernel: $R/boot/vmlinuz-$kver" &&
	expect_line out "initrd: $IMG" &&
	expect_line out "flags: KEXEC_FILE_ON_CRASH" &&
	expect_in err "kdumpctl: crash kernel loaded" &&
	expect_not_in err "kdumpctl: kdump:" &&
	[ -s "$IMG" ] && [ -s "$IMG.inputs" ] || fail "no image or record"
	grep -q -- "--hostonly" "$FAKE_DRACUT_LOG" &&
	grep -q -- "--modules kdump-snp" "$FAKE_DRACUT_LOG" &&
	grep -qx "KDUMP_SNP_INIT=minimal" "$FAKE_DRACUT_LOG" &&
	grep -q -- "--compress zstd" "$FAKE_DRACUT_LOG" &&
	grep -qF -- '--omit-drivers ccp\ kvm_amd\ kvm\ ' "$FAKE_DRACUT_LOG" &&
	grep -q -- "--add-device /dev/kdump-test-root" "$FAKE_DRACUT_LOG" &&
	grep -qx "KDUMP_SNP_TARGET=device=/dev/kdump-test-root|spec=/dev/kdump-test-root|fstype=ext4|mountpoint=/|dir=/var/crash|" "$FAKE_DRACUT_LOG" &&
	grep -qx "KDUMP_SNP_FSTYPES= ext4" "$FAKE_DRACUT_LOG" &&
	grep -qx "KDUMP_SNP_KDUMPCTL=$KDUMPCTL" "$FAKE_DRACUT_LOG" &&
	grep -qx "KDUMP_SNP_FAILURE_ACTION=reboot-force" "$FAKE_DRACUT_LOG" &&
	grep -q "KDUMP_SNP_CONF=$CONF" "$FAKE_DRACUT_LOG" || fail "dracut arguments: $(cat "$FAKE_DRACUT_LOG")"
}

# KDUMP_CAPTURE_INIT=systemd: dracut's systemd initrd plus our module
case_capture_init_systemd() {
	host amd-iommu
	echo "KDUMP_CAPTURE_INIT=systemd" >"$DEFS"
	kdumpctl rebuild
	expect_rc 0 &&
	grep -q -- "--add kdump-snp" "$FAKE_DRACUT_LOG" &&
	grep -qx "KDUMP_SNP_INIT=systemd" "$FAKE_DRACUT_LOG" || fail "dracut: $(cat "$FAKE_DRACUT_LOG")"
}

# auto: a root on device-mapper (LVM, LUKS) needs udev, so systemd
case_capture_init_auto_stacked_root() {
	host amd-iommu
	echo "22 1 254:1 / / rw,relatime shared:1 - ext4 /dev/mapper/vg-root rw" >"$R/proc/self/mountinfo"
	kdumpctl rebuild
	expect_rc 0 &&
	expect_in err "the capture image gets systemd and udev: /dev/mapper/vg-root is a stacked device" &&
	grep -qx "KDUMP_SNP_INIT=systemd" "$FAKE_DRACUT_LOG" || fail "dracut: $(cat "$FAKE_DRACUT_LOG")"
}

case_capture_init_invalid() {
	host amd-iommu
	printf '# site settings\nKDUMP_CAPTURE_INIT=tiny\n' >"$DEFS"
	kdumpctl check
	expect_rc 1 &&
	expect_line err "$DEFS:2:20: invalid KDUMP_CAPTURE_INIT value \"tiny\": use auto, minimal or systemd"
}

# capture is the capture image's /init: anywhere else it refuses, touching nothing
case_capture_refuses_outside_init() {
	host amd-iommu
	kdumpctl capture
	expect_rc 1 &&
	expect_in err "capture is the /init of the capture image and runs only as PID 1"
}

# if kdumpctl save itself dies in the capture image, systemd takes
# failure_action: the module gets it as a systemd FailureAction= value
case_rebuild_passes_failure_action() {
	local action want
	host amd-iommu
	for action in poweroff:poweroff-force halt:halt-force shell:none; do
		want=${action#*:}
		printf 'path /var/crash\nfailure_action %s\n' "${action%%:*}" >"$CONF"
		: >"$FAKE_DRACUT_LOG"
		kdumpctl rebuild
		expect_rc 0 && grep -qx "KDUMP_SNP_FAILURE_ACTION=$want" "$FAKE_DRACUT_LOG" ||
			{ fail "failure_action ${action%%:*}: $(grep FAILURE "$FAKE_DRACUT_LOG")"; return; }
	done
}

case_rebuild_passes_extra_files() {
	host amd-iommu
	printf '#!/bin/sh\n' >"$R/usr/bin/tool" && chmod +x "$R/usr/bin/tool"
	printf '#!/bin/sh\n' >"$R/usr/bin/post" && chmod +x "$R/usr/bin/post"
	printf 'extra_bins /usr/bin/tool\nextra_modules dm_mod\nkdump_post /usr/bin/post\ndracut_args --mdadmconf "--kmoddir" /lib/x\n' >>"$CONF"
	kdumpctl rebuild
	expect_rc 0 &&
	grep -qx "KDUMP_SNP_EXTRA_MODULES=dm_mod" "$FAKE_DRACUT_LOG" &&
	grep -q -- "--mdadmconf --kmoddir /lib/x" "$FAKE_DRACUT_LOG" &&
	grep -qx "KDUMP_SNP_FILES=/usr/bin/tool|/usr/bin/post" "$FAKE_DRACUT_LOG" || fail "dracut: $(cat "$FAKE_DRACUT_LOG")"
}

# dracut_args go after kdumpctl's options, and the image and release come
# last, after a "--", so that no word of dracut_args can take their place
case_rebuild_dracut_argument_order() {
	local line
	host amd-iommu
	printf 'dracut_args --add-drivers "ext4 xfs" -i /etc/hosts /etc/hosts\n' >>"${CONF}"
	kdumpctl rebuild
	expect_rc 0 || return
	line=$(grep '^dracut' "${FAKE_DRACUT_LOG}")
	[[ ${line} == *" --kver ${kver} "*" --add-drivers ext4\ xfs -i /etc/hosts /etc/hosts -- ${IMG}.tmp-"[0-9]*" ${kver}" ]] ||
		fail "dracut arguments: ${line}"
}

# what kdumpctl decides is refused in dracut_args, where it is written
case_dracut_args_cannot_override() {
	host amd-iommu
	printf 'dracut_args --quiet --kver 6.1.0-41-amd64\ndracut_args --omit-drivers snd %s\n' \
		/boot/other.img >>"${CONF}"
	kdumpctl start
	expect_rc 1 &&
	expect_line err "${CONF}:3:21: dracut option \"--kver\" is not allowed in dracut_args: kdumpctl builds the image for the crash kernel's release (KDUMP_KERNELVER)" &&
	expect_line err "${CONF}:4:32: unexpected argument \"/boot/other.img\" in dracut_args: kdumpctl gives dracut the image path and the kernel release" &&
	dracut_runs 0
}

case_rebuild_needs_root_device() {
	host amd-iommu
	rm "$R/proc/self/mountinfo"
	kdumpctl rebuild
	expect_rc 1 &&
	expect_in err "cannot find the file system that holds /var/crash in the mount table" &&
	dracut_runs 0
}

# mountinfo NAME: the fixture's mounts (tests/fixtures/mountinfo/NAME)
mountinfo() {
	cp "$FIXTURES/mountinfo/$1" "$R/proc/self/mountinfo"
}

# /var on its own xfs: the dump goes to that file system, not to the /var
# directory of the root file system that the mount hides
case_target_var_on_own_fs() {
	host amd-iommu
	mountinfo var-xfs
	kdumpctl check
	expect_rc 0 &&
	expect_line out "target device:   /dev/vdb1 (mounted at /var)" &&
	expect_in out "target UUID:     unknown" &&
	expect_line out "target fs type:  xfs" &&
	expect_line out "target subvol:   (none)" &&
	expect_line out "target dir:      /crash (inside that file system)" &&
	expect_line out "image mounts:    /dev/vdb1" || return
	kdumpctl rebuild
	expect_rc 0 &&
	grep -q -- "--add-device /dev/vdb1" "$FAKE_DRACUT_LOG" &&
	grep -qx "KDUMP_SNP_TARGET=device=/dev/vdb1|spec=/dev/vdb1|fstype=xfs|mountpoint=/var|dir=/crash|" "$FAKE_DRACUT_LOG" &&
	grep -qx "KDUMP_SNP_FSTYPES= xfs" "$FAKE_DRACUT_LOG" || fail "dracut: $(cat "$FAKE_DRACUT_LOG")"
	kdumpctl status
	expect_line out "  dump target:  /var/crash on the file system that holds it (/dev/vdb1, xfs)"
}

# btrfs with subvol= (Ubuntu's @ and @home): the capture mounts the
# subvolume, not the top level
case_target_btrfs_subvolume() {
	host amd-iommu
	mountinfo btrfs-subvol
	kdumpctl check
	expect_rc 0 &&
	expect_line out "target device:   /dev/nvme0n1p2 (mounted at /)" &&
	expect_line out "target fs type:  btrfs" &&
	expect_line out "target subvol:   /@" &&
	expect_line out "target dir:      /var/crash (inside that file system)" || return
	printf 'path /home/dumps
' >"$CONF"
	kdumpctl rebuild
	expect_rc 0 &&
	grep -qx "KDUMP_SNP_TARGET=device=/dev/nvme0n1p2|spec=/dev/nvme0n1p2|fstype=btrfs|subvol=/@home|options=subvol=/@home|mountpoint=/home|dir=/dumps|" "$FAKE_DRACUT_LOG" ||
		fail "dracut: $(cat "$FAKE_DRACUT_LOG")"
}

# a symbolic link in path is followed on the host (below the root), not in
# the capture image
case_target_path_is_symlink() {
	host amd-iommu
	mountinfo var-xfs
	mkdir -p "$R/var"
	ln -s /srv/dumps "$R/var/crash"
	kdumpctl check
	expect_rc 0 &&
	expect_line out "target device:   /dev/vdc1 (mounted at /srv)" &&
	expect_line out "target fs type:  ext4" &&
	expect_line out "target dir:      /dumps (inside that file system)" || return
	rm "$R/var/crash"
	mkdir -p "$R/var/spool"
	ln -s ../../srv/x "$R/var/spool/link"
	printf 'path /var/spool/link/crash
' >"$CONF"
	kdumpctl check
	expect_rc 0 &&
	expect_line out "target device:   /dev/vdc1 (mounted at /srv)" &&
	expect_line out "target dir:      /x/crash (inside that file system)"
}

case_target_path_symlink_loop() {
	host amd-iommu
	mkdir -p "$R/var"
	ln -s /var/crash "$R/var/crash"
	kdumpctl check
	expect_rc 1 && expect_in err "cannot resolve path /var/crash: Too many levels of symbolic links"
}

# a dump on a file system in memory would be lost with the reboot
case_target_on_tmpfs_refused() {
	host amd-iommu
	mountinfo root-tmpfs-crash
	kdumpctl start
	expect_rc 1 &&
	expect_in err "path /var/crash is on tmpfs \"tmpfs\" (mounted at /var/crash), not on a block device" &&
	dracut_runs 0
}

# the file system's UUID, read by libblkid, is what the image mounts
case_target_uuid_from_device() {
	host amd-iommu
	sed 's/ xfs \/dev\/vdb1 .*/ ext4 \/dev\/vdb1 rw/' "$FIXTURES/mountinfo/var-xfs" >"$R/proc/self/mountinfo"
	ext4_device vdb1 0e6d4c1a-4b1c-4a55-9f39-2a3c1d0b9e77 || return
	kdumpctl check
	expect_rc 0 &&
	expect_line out "target UUID:     0e6d4c1a-4b1c-4a55-9f39-2a3c1d0b9e77" &&
	expect_line out "image mounts:    UUID=0e6d4c1a-4b1c-4a55-9f39-2a3c1d0b9e77" || return
	kdumpctl rebuild
	expect_rc 0 &&
	grep -qx "KDUMP_SNP_TARGET=device=/dev/vdb1|uuid=0e6d4c1a-4b1c-4a55-9f39-2a3c1d0b9e77|spec=UUID=0e6d4c1a-4b1c-4a55-9f39-2a3c1d0b9e77|fstype=ext4|mountpoint=/var|dir=/crash|" "$FAKE_DRACUT_LOG" ||
		fail "dracut: $(cat "$FAKE_DRACUT_LOG")"
}

# ext4_device NAME [UUID]: $R/dev/NAME, a file holding an ext4 file system
# (libblkid probes files as it does devices)
ext4_device() {
	mkdir -p "$R/dev"
	truncate -s 4M "$R/dev/$1"
	mkfs.ext4 -q -F -U "${2:-random}" "$R/dev/$1"
}

# the target directive's type is compared with the one on the device
case_target_fstype_mismatch() {
	host amd-iommu
	ext4_device sdb1 || return
	printf 'path /dumps\nxfs /dev/sdb1\n' >"$CONF"
	kdumpctl check
	expect_rc 1 && expect_line err "$CONF:2:1: the file system on \"/dev/sdb1\" is ext4, not xfs" &&
	expect_empty out || return
	kdumpctl start
	expect_rc 1 && dracut_runs 0
}

case_target_device_without_fs() {
	host amd-iommu
	mkdir -p "$R/dev" && truncate -s 4M "$R/dev/sdc"
	printf 'ext4 /dev/sdc\n' >"$CONF"
	kdumpctl check
	expect_rc 1 && expect_line err "$CONF:1:1: device \"/dev/sdc\" holds no file system; make one with mkfs.ext4 first"
}

# a kernel name can change between boots: the image mounts the UUID
case_target_kernel_name_stored_as_uuid() {
	host amd-iommu
	ext4_device sdb1 4b7f2e9c-0d3a-4e8b-a1c5-6f2d9e0b7a31 || return
	printf 'path /dumps\next4 /dev/sdb1\n' >"$CONF"
	kdumpctl check
	expect_rc 0 &&
	expect_line out "target device:   /dev/sdb1" &&
	expect_line out "target UUID:     4b7f2e9c-0d3a-4e8b-a1c5-6f2d9e0b7a31" &&
	expect_line out "target dir:      /dumps (inside that file system)" &&
	expect_line out "image mounts:    UUID=4b7f2e9c-0d3a-4e8b-a1c5-6f2d9e0b7a31 (/dev/sdb1 is a kernel name that can change between boots)" || return
	kdumpctl rebuild
	expect_rc 0 &&
	grep -q -- "--add-device /dev/sdb1" "$FAKE_DRACUT_LOG" &&
	grep -qx "KDUMP_SNP_TARGET=device=/dev/sdb1|uuid=4b7f2e9c-0d3a-4e8b-a1c5-6f2d9e0b7a31|spec=UUID=4b7f2e9c-0d3a-4e8b-a1c5-6f2d9e0b7a31|fstype=ext4|dir=/dumps|" "$FAKE_DRACUT_LOG" ||
		fail "dracut: $(cat "$FAKE_DRACUT_LOG")"
}

# raw <device>: a device that holds a file system is refused at check, at
# the device's column, and start arms nothing
case_raw_device_with_fs_refused() {
	host amd-iommu
	ext4_device vdc || return
	printf 'path /dumps\nraw /dev/vdc\n' >"$CONF"
	kdumpctl check
	expect_rc 1 &&
	expect_line err "$CONF:2:5: raw device \"/dev/vdc\" holds a file system (ext4), which a raw dump would overwrite; give a device without one (wipefs -a clears it)" &&
	expect_empty out || return
	kdumpctl start
	expect_rc 1 && dracut_runs 0
}

# an empty raw device: check shows where the dump goes and comes back, the
# image records it, start (nothing to restore) arms
case_raw_target_check_rebuild_start() {
	host amd-iommu
	mkdir -p "$R/dev" && truncate -s 4M "$R/dev/vdc"
	printf 'path /dumps\nraw /dev/vdc\n' >"$CONF"
	kdumpctl check
	expect_rc 0 &&
	expect_line out "dump target:     raw /dev/vdc" &&
	expect_line out "raw device:      /dev/vdc" &&
	expect_line out "image writes to: /dev/vdc" &&
	expect_line out "restored under:  /dumps (by kdumpctl start, on the next boot)" &&
	expect_line out "raw device holds: no dump (no kdump-snp header)" || return
	kdumpctl start
	expect_rc 0 && dracut_runs 1 &&
	grep -q -- "--add-device /dev/vdc" "$FAKE_DRACUT_LOG" &&
	grep -qx "KDUMP_SNP_TARGET=device=/dev/vdc|spec=/dev/vdc|fstype=raw|dir=/dumps|" "$FAKE_DRACUT_LOG" ||
		fail "dracut: $(cat "$FAKE_DRACUT_LOG")"
	[ ! -e "$R/dumps" ] || fail "start made $R/dumps with nothing to restore"
}

# le BYTES VALUE: VALUE as BYTES little-endian bytes
le() {
	local i
	for ((i = 0; i < $1; i++)); do
		# shellcheck disable=SC2059 # the format is the byte's escape
		printf "\\x$(printf %02x $((($2 >> (8 * i)) & 255)))"
	done
}

# raw_header STATE NAME: the 512-byte header of a raw dump (lib/raw-dump.h)
# with no data, its CRC-32 taken from gzip's trailer (the same CRC)
raw_header() {
	local f=$TMP/raw-header
	{
		printf KDSNPRAW
		le 4 1; le 4 512; le 4 "$1"; le 4 1; le 8 4096; le 8 0; le 4 0; le 4 0; le 8 1764680000
		printf '%s' "$2"
		head -c $((192 - ${#2} + 508 - 248)) /dev/zero
	} >"$f"
	cat "$f"
	gzip -c <"$f" | tail -c 8 | head -c 4
}

# a capture that did not finish (state "writing") is never restored: start
# clears its mark with a warning and arms
case_raw_unfinished_capture_cleared() {
	host amd-iommu
	mkdir -p "$R/dev" && truncate -s 4M "$R/dev/vdc"
	raw_header 1 box-2026-12-02-13:40:00 | dd of="$R/dev/vdc" conv=notrunc status=none
	printf 'path /dumps\nraw /dev/vdc\n' >"$CONF"
	kdumpctl check
	expect_rc 0 && expect_line out "raw device holds: the start of a dump whose capture did not finish" || return
	kdumpctl start
	expect_rc 0 &&
	expect_in err "raw device $R/dev/vdc holds the start of a dump (box-2026-12-02-13:40:00) whose capture did not finish: it cannot be restored; its mark is cleared" &&
	expect_in err "crash kernel loaded" || return
	[ -z "$(head -c 4096 "$R/dev/vdc" | tr -d '\0')" ] || fail "the mark is still there"
	[ ! -e "$R/dumps" ] || fail "start made $R/dumps"
}

# a header whose CRC-32 does not match (torn, or not ours) is left as it is
case_raw_damaged_header_left_alone() {
	host amd-iommu
	mkdir -p "$R/dev" && truncate -s 4M "$R/dev/vdc"
	raw_header 2 box-2026-12-02-13:40:00 >"$TMP/hdr.bin"
	printf 'X' | dd of="$TMP/hdr.bin" bs=1 seek=60 conv=notrunc status=none
	dd if="$TMP/hdr.bin" of="$R/dev/vdc" conv=notrunc status=none
	printf 'path /dumps\nraw /dev/vdc\n' >"$CONF"
	kdumpctl start
	expect_rc 0 &&
	expect_in err "raw device $R/dev/vdc starts with a kdump-snp header that is damaged (its CRC-32 or a field is wrong)" || return
	cmp -s -n 512 "$TMP/hdr.bin" "$R/dev/vdc" || fail "the header was changed"
	[ ! -e "$R/dumps" ] || fail "start made $R/dumps"
}

# reading /proc/kallsyms (for the SNP fix of the crash kernel) took most of
# kdump.service's start at boot in a guest; a host that is not SEV-SNP
# capable does not need it. A FIFO with no writer blocks whoever opens it.
case_start_plain_host_reads_no_kallsyms() {
	host amd-iommu
	mkfifo "$R/proc/kallsyms"
	run timeout 20 "$KDUMPCTL" --config="$CONF" --defaults="$DEFS" start
	expect_rc 0 && expect_in err "crash kernel loaded" || return
	kdumpctl status --json
	json_check "$TMP/out" '
assert d["snp"]["crash_kernel_fix"] == "unknown", d
assert d["snp"]["crash_kernel_fix_evidence"].startswith("not probed"), d
'
}

case_start_fresh_image_not_rebuilt() {
	host amd-iommu
	kdumpctl start && kdumpctl start
	expect_rc 0 && dracut_runs 1 && expect_not_in err "rebuilding"
}

# stale_after CHANGE REASON: after a first start, run CHANGE on one input;
# the next start must rebuild and say why
stale_after() {
	kdumpctl start
	eval "$1"
	kdumpctl start
	expect_rc 0 && dracut_runs 2 && expect_in err "rebuilding the capture image: $2"
}

case_stale_kdump_conf() {
	host amd-iommu
	stale_after 'echo "final_action poweroff" >>"$CONF"' "kdump.conf ($CONF) changed"
}

# kdump.conf options (module parameters) are baked into the image
case_stale_module_options() {
	host amd-iommu
	stale_after 'echo "options loop max_loop=2" >>"$CONF"' "kdump.conf ($CONF) changed"
}

# options <module> <parameters> (kexec-tools' form): the image gets them as
# modprobe.d lines, the parameters as written (the shell never sees them)
case_rebuild_module_options() {
	host amd-iommu
	printf '%s\n' 'options loop max_loop=1' 'options nfs nfs4_disable_idmapping=0' \
		'options loop max_part=`id` "x=$(reboot)"' >>"$CONF"
	kdumpctl rebuild
	expect_rc 0 &&
	grep -qxF 'KDUMP_SNP_MODULE_OPTIONS=options loop max_loop=1 max_part=`id` "x=$(reboot)"|options nfs nfs4_disable_idmapping=0|' "$FAKE_DRACUT_LOG" ||
		{ fail "dracut: $(grep MODULE_OPTIONS "$FAKE_DRACUT_LOG")"; return; }
	# check shows each module's parameters as the image gets them
	kdumpctl check
	expect_rc 0 &&
	expect_line out 'options:         loop max_loop=1 max_part=`id` "x=$(reboot)"' &&
	expect_line out "options:         nfs nfs4_disable_idmapping=0"
}

case_check_module_options_bad() {
	host amd-iommu
	printf 'options vers=4.2,soft\noptions loop\n' >>"$CONF"
	kdumpctl check
	expect_rc 1 &&
	expect_in err "$CONF:$(($(wc -l <"$CONF") - 1)):9: options \"vers=4.2,soft\" looks like NFS mount options; options now gives kernel module parameters" &&
	expect_in err "$CONF:$(wc -l <"$CONF"):13: options loop gives no parameters (options <module> <parameters>)"
}

case_stale_defaults() {
	host amd-iommu
	stale_after 'echo "KDUMP_COMMANDLINE_APPEND=debug" >>"$DEFS"' "defaults ($DEFS) changed"
}

case_stale_kernel() {
	host amd-iommu
	stale_after '"$MK" "$R/boot/vmlinuz-$kver" --cmdline-size=4095' "kernel ($R/boot/vmlinuz-$kver) changed"
}

case_stale_dracut_module() {
	host amd-iommu
	stale_after 'echo "# v2" >>"$TMP/module/module-setup.sh"' \
		"dracut-module ($TMP/module/module-setup.sh) changed"
}

# a watchdog driver loaded after the image was built (udev loads them
# asynchronously): the image lacks its modules, so it is stale
case_stale_watchdog_appears() {
	host amd-iommu
	stale_after fake_watchdog "watchdog changed"
}

# udev_busy: this boot's coldplug is still on udev's queue, as
# /run/udev/queue shows while it is
udev_busy() {
	mkdir -p "$R/run/udev"
	: >"$R/run/udev/control"
	: >"$R/run/udev/queue"
}

# the watchdog's driver is gone (a later boot, udev not done yet)
no_watchdog_yet() {
	rm -rf "$R/sys/class/watchdog" "$R/sys/module/i6300esb" "$R/sys/bus/pci/drivers/i6300esb"
}

# at boot, before udev has loaded the watchdog's driver again, the image
# that has it is loaded at once: not rebuilt now and again when it arrives
case_udev_busy_keeps_watchdog_image() {
	host amd-iommu
	fake_watchdog
	kdumpctl start
	no_watchdog_yet
	udev_busy
	kdumpctl start
	expect_rc 0 && dracut_runs 1 &&
	expect_in err "the capture image has a watchdog (i6300esb) whose driver udev has not loaded yet" &&
	expect_in err "taken as present until udev is done" &&
	expect_in err "kdump-rearm.service checks the crash kernel again once it is done" &&
	expect_not_in err "waiting for udev"
}

# once udev is done (kdump-rearm.service: --settle) a watchdog that did not
# come back makes the image stale, as it does for a start after boot
case_watchdog_gone_after_udev_is_stale() {
	host amd-iommu
	fake_watchdog
	kdumpctl start
	no_watchdog_yet
	udev_busy
	rm "$R/run/udev/queue"
	kdumpctl --settle start
	expect_rc 0 && dracut_runs 2 && expect_in err "rebuilding the capture image: watchdog changed" &&
	expect_not_in err "kdump-rearm.service checks"
}

# an image that must be built anyway waits for udev first, so that it is
# built once, with the watchdog udev loads meanwhile
case_udev_busy_build_waits() {
	host amd-iommu
	udev_busy
	( sleep 1; fake_watchdog; rm "$R/run/udev/queue" ) &
	KDUMP_SNP_UDEV_TIMEOUT_MS=20000 kdumpctl start
	wait
	expect_rc 0 && dracut_runs 1 &&
	expect_in err "waiting for udev to load this boot's drivers first" &&
	expect_in err "s for udev to load the drivers of this boot's devices" &&
	grep -qx "KDUMP_SNP_WATCHDOG=driver=i6300esb|modules=i6300esb|timeout=2046|" "$FAKE_DRACUT_LOG" ||
		fail "dracut: $(grep WATCHDOG "$FAKE_DRACUT_LOG")"
}

# the wait is bounded: a queue that never empties does not hold start
case_udev_wait_bounded() {
	host amd-iommu
	udev_busy
	KDUMP_SNP_UDEV_TIMEOUT_MS=300 kdumpctl --settle start
	expect_rc 0 && dracut_runs 1 &&
	expect_in err "udev is still loading drivers after 0.3 s; going on with the devices present now"
}

# on an SNP-capable host without kvm_amd yet, whether SNP is enabled picks
# the crash kernel: start waits for udev before reading the host
case_udev_busy_snp_undecided_waits() {
	host snp-no-kvm
	udev_busy
	KDUMP_SNP_UDEV_TIMEOUT_MS=300 kdumpctl start
	expect_rc 0 &&
	expect_in err "kvm_amd is not loaded yet: waiting for udev to load it before choosing the crash kernel" &&
	expect_in err "udev is still loading drivers after 0.3 s"
}

case_settle_only_for_arming() {
	host amd-iommu
	kdumpctl --settle status
	expect_rc 2 && expect_in err "--settle does not apply to status"
}

case_stale_extra_bins() {
	host amd-iommu
	printf '#!/bin/sh\n' >"$R/usr/bin/tool" && chmod +x "$R/usr/bin/tool"
	echo "extra_bins /usr/bin/tool" >>"$CONF"
	kdumpctl start
	printf '#!/bin/sh\necho 2\n' >"$R/usr/bin/tool"
	kdumpctl start
	expect_rc 0 && dracut_runs 2 && expect_in err "extra_bins ($R/usr/bin/tool) changed"
}

case_stale_kdump_post_hook() {
	host amd-iommu
	printf '#!/bin/sh\n' >"$R/usr/bin/post" && chmod +x "$R/usr/bin/post"
	echo "kdump_post /usr/bin/post" >>"$CONF"
	kdumpctl start
	printf '#!/bin/sh\necho saved\n' >"$R/usr/bin/post"
	kdumpctl start
	expect_rc 0 && dracut_runs 2 && expect_in err "kdump_post ($R/usr/bin/post) changed"
}

# a new kdumpctl (an upgrade) rebuilds the image it puts kdumpctl into
case_stale_kdumpctl_binary() {
	host amd-iommu
	cp "$KDUMPCTL" "$TMP/kdumpctl-copy"
	run "$TMP/kdumpctl-copy" --config="$CONF" --defaults="$DEFS" start
	printf '\0' >>"$TMP/kdumpctl-copy"
	run "$TMP/kdumpctl-copy" --config="$CONF" --defaults="$DEFS" start
	expect_rc 0 && dracut_runs 2 && expect_in err "kdumpctl ($TMP/kdumpctl-copy) changed"
}

# stale_by CHANGE REASON: after a first start, CHANGE one thing the image
# has baked in: status says stale and why, and the next start rebuilds
stale_by() {
	kdumpctl start
	eval "$1"
	kdumpctl status
	expect_in out "(stale" && expect_in out "$2" || return
	kdumpctl start
	expect_rc 0 && dracut_runs 2 && expect_in err "rebuilding the capture image: $2"
}

case_stale_target_device() {
	host amd-iommu
	mountinfo var-xfs
	stale_by 'sed -i "s|xfs /dev/vdb1|xfs /dev/vdd1|" "$R/proc/self/mountinfo"' "target-device changed"
}

case_stale_target_uuid() {
	host amd-iommu
	sed 's/ xfs \/dev\/vdb1 .*/ ext4 \/dev\/vdb1 rw/' "$FIXTURES/mountinfo/var-xfs" >"$R/proc/self/mountinfo"
	ext4_device vdb1 || return
	stale_by 'tune2fs -U 2a1f0c9e-7b6d-4e3a-8c5f-1d2e3f4a5b6c "$R/dev/vdb1" >/dev/null 2>&1' "target-uuid changed"
}

case_stale_target_fstype() {
	host amd-iommu
	mountinfo var-xfs
	stale_by 'sed -i "s| xfs /dev/vdb1| ext4 /dev/vdb1|" "$R/proc/self/mountinfo"' "target-fstype changed"
}

case_stale_target_subvolume() {
	host amd-iommu
	mountinfo btrfs-subvol
	stale_by 'sed -i "s|/@ / |/@root / |; s|subvol=/@$|subvol=/@root|" "$R/proc/self/mountinfo"' "target-subvol changed"
}

# the path moved to another file system (a new symbolic link)
case_stale_target_dir() {
	host amd-iommu
	mountinfo var-xfs
	mkdir -p "$R/var"
	stale_by 'ln -s /var/spool/dumps "$R/var/crash"' "target-dir changed"
}

case_stale_root_fs() {
	host amd-iommu
	mountinfo var-xfs
	stale_by 'sed -i "s| ext4 /dev/vda1 | ext4 /dev/vda3 |" "$R/proc/self/mountinfo"' "root-fs changed"
}

# the target's device became stacked (device-mapper below it): the image
# needs systemd and udev now
case_stale_capture_init() {
	host amd-iommu
	mountinfo var-xfs
	stale_by 'mkdir -p "$R/sys/class/block/vdb1/slaves/dm-0"' "capture-init changed"
}

case_stale_hostname() {
	host amd-iommu
	mkdir -p "$R/etc" && echo node1 >"$R/etc/hostname"
	stale_by 'echo node2 >"$R/etc/hostname"' "hostname ($R/etc/hostname) changed"
}

case_stale_snp_decision() {
	host snp-host-fixed
	stale_by 'echo N >"$R/sys/module/kvm_amd/parameters/sev_snp"' "snp-hint changed"
}

# the crash command line is given at load time, not baked into the image:
# a changed kernel command line (known only at boot) loads again with the
# new one and builds nothing at boot
case_crash_cmdline_change_loads_without_rebuild() {
	host amd-iommu
	kdumpctl start
	sed -i "s/$/ console=ttyS1/" "$R/proc/cmdline"
	kdumpctl status
	expect_not_in out "(stale" || return
	kdumpctl start
	expect_rc 0 && dracut_runs 1 && expect_not_in err "rebuilding" &&
	expect_in out "console=ttyS1"
}

case_stale_record_missing() {
	host amd-iommu
	kdumpctl start
	rm "$IMG.inputs"
	kdumpctl start
	expect_rc 0 && dracut_runs 2 && expect_in err "the record of its inputs is missing"
}

case_force_rebuild() {
	host amd-iommu
	echo "force_rebuild 1" >>"$CONF"
	kdumpctl start && kdumpctl start
	expect_rc 0 && dracut_runs 2 && expect_in err "force_rebuild is set in kdump.conf"
}

case_force_no_rebuild_wins() {
	host amd-iommu
	kdumpctl start
	echo "force_no_rebuild 1" >>"$CONF"
	kdumpctl start
	expect_rc 0 && dracut_runs 1
}

case_force_no_rebuild_builds_missing_image() {
	host amd-iommu
	echo "force_no_rebuild 1" >>"$CONF"
	kdumpctl start
	expect_rc 0 && dracut_runs 1
}

case_dracut_failure_keeps_old_image() {
	host amd-iommu
	kdumpctl start
	cp "$IMG" "$TMP/old.img"
	echo "final_action poweroff" >>"$CONF"
	FAKE_DRACUT_FAIL=1 kdumpctl start
	expect_rc 1 &&
	expect_in err "dracut failed (exit status 1); the previous capture image, if any, is kept" &&
	cmp -s "$IMG" "$TMP/old.img" || fail "image changed"
	[ -z "$(find "$R/var/lib/kdump" -name '*.tmp-*')" ] || fail "temporary image left behind"
}

# restart and reload replace the loaded crash kernel (kexec_file_load does
# that by itself): never an unload first
case_restart_replaces_without_unloading() {
	host crash-loaded
	kdumpctl start
	for verb in restart reload; do
		kdumpctl "$verb"
		expect_rc 0 &&
		expect_line out "flags: KEXEC_FILE_ON_CRASH" &&
		expect_not_in out "KEXEC_FILE_UNLOAD" &&
		expect_in err "crash kernel loaded" &&
		dracut_runs 1 || return
	done
}

# a failed rebuild keeps the working crash kernel, and says so
case_restart_failed_rebuild_keeps_kernel() {
	host crash-loaded
	kdumpctl start
	echo "final_action poweroff" >>"$CONF"
	FAKE_DRACUT_FAIL=1 kdumpctl restart
	expect_rc 1 &&
	expect_in err "dracut failed" &&
	expect_in err "the crash kernel loaded before stays loaded: kdump keeps working with the previous capture image" &&
	expect_empty out || return
	FAKE_DRACUT_FAIL=1 kdumpctl start
	expect_rc 1 && expect_in err "the crash kernel loaded before stays loaded" && expect_empty out
}

# stopped while dracut runs (systemctl stop, a timeout): no half image left
case_rebuild_sigterm_removes_temporary_image() {
	local pid i
	host amd-iommu
	FAKE_DRACUT_SLEEP=3 "$KDUMPCTL" --config="$CONF" --defaults="$DEFS" rebuild \
		>"$TMP/out" 2>"$TMP/err" &
	pid=$!
	for i in $(seq 1 50); do
		[ -n "$(find "$R/var/lib/kdump" -name '*.tmp-*' 2>/dev/null)" ] && break
		sleep 0.1
	done
	[ -n "$(find "$R/var/lib/kdump" -name '*.tmp-*')" ] || { fail "no temporary image"; return; }
	kill -TERM "$pid"
	wait "$pid"
	rc=$?
	expect_rc 143 &&
	[ -z "$(find "$R/var/lib/kdump" -name '*.tmp-*')" ] || fail "left: $(ls "$R/var/lib/kdump")"
	[ ! -e "$IMG" ] || fail "an image was installed"
}

case_rebuild_verb_always_builds() {
	host amd-iommu
	kdumpctl rebuild && kdumpctl rebuild
	expect_rc 0 && dracut_runs 2
}

# install_dedicated: the files of kdump-snp-crash-kernel (build-crash-kernel
# --deb): its kernel with the series' symbol, the link kdumpctl follows,
# its module lists
CK_DIR=/usr/lib/kdump-snp/crash-kernel
CK_REL=6.12.117-kdump-snp
install_dedicated() {
	mkdir -p "$R$CK_DIR" "$R/usr/lib/modules/$CK_REL"
	"$MK" "$R$CK_DIR/vmlinuz-$CK_REL" --release="$CK_REL"
	ln -s "vmlinuz-$CK_REL" "$R$CK_DIR/vmlinuz"
	printf 'ffffffff81000000 T _text\nffffffff83a1b2c4 t parse_kdump_snp\n' >"$R$CK_DIR/System.map-$CK_REL"
	: >"$R/usr/lib/modules/$CK_REL/modules.builtin"
}

# an SNP host whose Debian kernel lacks the fix: auto arms the dedicated
# crash kernel, builds the capture image for its release, and says why
case_auto_dedicated_crash_kernel() {
	host snp-host-unfixed
	install_dedicated
	kdumpctl check
	expect_rc 0 &&
	expect_line out "crash kernel:    $R$CK_DIR/vmlinuz-$CK_REL ($CK_REL)" &&
	expect_line out "kernel choice:   KDUMP_KERNEL=auto: the dedicated crash kernel, because this is an SEV-SNP host and the running kernel $kver has no SNP fix known (absent)" &&
	expect_line out "SNP crash:       survivable: $CK_DIR/System.map-$CK_REL lists parse_kdump_snp (the kdump-snp kernel series)" || return
	kdumpctl start
	expect_rc 0 && dracut_runs 1 &&
	expect_line out "kernel: $R$CK_DIR/vmlinuz-$CK_REL" &&
	expect_line out "initrd: $R/var/lib/kdump/initramfs-$CK_REL-kdump.img" &&
	expect_in out "kdump_snp=1" || return
	grep -q -- " --kver $CK_REL " "$FAKE_DRACUT_LOG" || fail "dracut did not build for $CK_REL: $(cat "$FAKE_DRACUT_LOG")"
	kdumpctl status --json
	expect_in out '"kernel_release":"'"$CK_REL"'","kernel_dedicated":true,"kernel_choice":"KDUMP_KERNEL=auto: the dedicated crash kernel,'
}

# the control: the running kernel forced on that host is refused as before
case_kernel_running_forced() {
	host snp-host-unfixed
	install_dedicated
	echo 'KDUMP_KERNEL=running' >"$DEFS"
	kdumpctl check
	expect_rc 1 && expect_in err "refusing crash kernel $kver on this SEV-SNP host" || return
	kdumpctl status
	expect_line out "  chosen by:    KDUMP_KERNEL=running: the running kernel"
}

# elsewhere auto keeps the running kernel, also with the package installed;
# without the package an SNP host is told what is missing
case_auto_elsewhere_running_kernel() {
	host amd-iommu
	install_dedicated
	kdumpctl check
	expect_rc 0 &&
	expect_line out "crash kernel:    $R/boot/vmlinuz-$kver ($kver)" &&
	expect_in out "kernel choice:   KDUMP_KERNEL=auto: the running kernel; not an SEV-SNP host" || return
	host snp-host-unfixed
	kdumpctl status
	expect_in out "chosen by:    KDUMP_KERNEL=auto: the running kernel; the dedicated crash kernel with the SNP fix is not installed ($CK_DIR/vmlinuz: missing; install kdump-snp-crash-kernel)"
}

# KDUMP_KERNEL=/path: the release from the image, a clear error without one
case_kernel_path() {
	host snp-host-unfixed
	mkdir -p "$R/opt/k"
	"$MK" "$R/opt/k/bzImage" --release=6.12.117-mine
	cp "$FIXTURES/snp-host-fixed/boot/System.map-$kver" "$R/opt/k/System.map-6.12.117-mine"
	echo 'KDUMP_KERNEL=/opt/k/bzImage' >"$DEFS"
	kdumpctl check
	expect_rc 0 &&
	expect_line out "crash kernel:    $R/opt/k/bzImage (6.12.117-mine)" &&
	expect_line out "kernel choice:   KDUMP_KERNEL=/opt/k/bzImage (release 6.12.117-mine, from its boot header)" || return
	echo 'KDUMP_KERNEL=/opt/k/missing' >"$DEFS"
	kdumpctl check
	expect_rc 1 && expect_in err "KDUMP_KERNEL=/opt/k/missing: No such file or directory (in $DEFS)" || return
	kdumpctl start
	expect_rc 1 && dracut_runs 0 && expect_in err "KDUMP_KERNEL=/opt/k/missing: No such file or directory" || return
	# status still describes the host, with the error
	kdumpctl status
	expect_rc 3 &&
	expect_line out "  KDUMP_KERNEL: KDUMP_KERNEL=/opt/k/missing: No such file or directory (in $DEFS); showing the running kernel" &&
	expect_line out "  crash kernel: $R/boot/vmlinuz-$kver ($kver)" || return
	echo 'KDUMP_KERNEL=vmlinuz' >"$DEFS"
	kdumpctl check
	expect_rc 1 && expect_in err "$DEFS:1:14: KDUMP_KERNEL \"vmlinuz\": use auto, running or the absolute path of a kernel image"
}

# Secure Boot: under lockdown an unsigned crash kernel is refused by check
# and start with what to do; a signed one passes; status shows both
case_lockdown_unsigned_kernel() {
	host amd-iommu
	mkdir -p "$R/sys/kernel/security"
	echo 'none [integrity] confidentiality' >"$R/sys/kernel/security/lockdown"
	kdumpctl check
	expect_rc 1 &&
	expect_in err "kernel lockdown is on (integrity, /sys/kernel/security/lockdown: Secure Boot), and kexec_file_load refuses the crash kernel $R/boot/vmlinuz-$kver: it is no signed EFI image (no PE/COFF header)" &&
	expect_in err "kernel/build-crash-kernel --deb --sign-key KEY --sign-cert CERT, then mokutil --import CERT.der" || return
	"$MK" "$R/boot/vmlinuz-$kver" --pe
	kdumpctl start
	expect_rc 1 && dracut_runs 0 && expect_in err "refuses the crash kernel $R/boot/vmlinuz-$kver: it carries no signature" || return
	kdumpctl status
	expect_line out "  Secure Boot:  lockdown integrity; crash kernel unsigned: kexec_file_load refuses it" || return
	"$MK" "$R/boot/vmlinuz-$kver" --pe-signed
	kdumpctl check
	expect_rc 0 &&
	expect_line out "Secure Boot:     lockdown integrity; crash kernel signed (the kernel checks the key at load: UEFI db or an enrolled MOK)" || return
	echo '[none] integrity confidentiality' >"$R/sys/kernel/security/lockdown"
	"$MK" "$R/boot/vmlinuz-$kver"
	kdumpctl check
	expect_rc 0 && expect_line out "Secure Boot:     lockdown none; crash kernel unsigned"
}

case_start_snp_host_cmdline() {
	host snp-host-fixed
	kdumpctl start
	expect_rc 0 &&
	expect_in out "module_blacklist=ccp,kvm_amd kdump_snp=1" &&
	expect_in err "crash kernel loaded (SEV-SNP host: kdump_snp=1); it survives an SNP crash: /boot/System.map-$kver lists parse_kdump_snp"
}

# kvm_amd decides the SNP state; until it is loaded (or while its init
# runs) the crash kernel is armed without kdump_snp=1, and start says so
case_start_warns_snp_capable_without_kvm_amd() {
	host snp-no-kvm
	kdumpctl start
	expect_rc 0 &&
	expect_in err "this host is SEV-SNP capable (from cpuinfo) but kvm_amd is not loaded yet" &&
	expect_in err "loading kvm_amd arms kdump again" &&
	expect_not_in out "kdump_snp=1"
}

case_start_warns_while_kvm_amd_initialises() {
	host snp-host
	echo coming >"${R}/sys/module/kvm_amd/initstate"
	kdumpctl start
	expect_rc 0 && expect_in err "kvm_amd is not loaded yet" && expect_not_in out "kdump_snp=1"
}

case_start_no_kvm_amd_warning_when_decided() {
	host snp-host-fixed
	kdumpctl start
	expect_rc 0 && expect_not_in err "kvm_amd" && expect_in out "kdump_snp=1"
	host snp-no-kvm
	# a crash kernel with the fix, or start refuses to arm it with kdump_snp=1
	cp "$FIXTURES/snp-host-fixed/boot/System.map-$kver" "$R/boot/"
	echo KDUMP_SNP=on >"${DEFS}"
	kdumpctl start
	expect_rc 0 && expect_not_in err "kvm_amd" && expect_in out "kdump_snp=1"
	host amd-iommu
	kdumpctl start
	expect_rc 0 && expect_not_in err "kvm_amd"
}

case_start_already_loaded() {
	host crash-loaded
	kdumpctl start
	kdumpctl start
	expect_rc 0 && expect_in err "kdumpctl: crash kernel already loaded" && expect_empty out
}

case_start_no_crashkernel() {
	host no-crashkernel
	kdumpctl start
	expect_rc 1 && expect_in err "no memory is reserved for the crash kernel" && dracut_runs 0
}

case_start_invalid_config_loads_nothing() {
	host amd-iommu
	echo "frobnicate 1" >>"$CONF"
	kdumpctl start
	expect_rc 1 && expect_in err "$CONF:3:" && expect_in err "frobnicate" &&
	expect_empty out && dracut_runs 0
}

case_stop() {
	host crash-loaded
	kdumpctl stop
	expect_rc 0 &&
	expect_line out "flags: KEXEC_FILE_UNLOAD|KEXEC_FILE_ON_CRASH" &&
	expect_in err "crash kernel unloaded"
}

case_stop_not_loaded() {
	host amd-iommu
	kdumpctl stop
	expect_rc 0 && expect_empty out && expect_in err "no crash kernel was loaded"
}

case_status_operational() {
	host crash-loaded
	kdumpctl start
	kdumpctl status
	expect_rc 0 &&
	expect_line out "kdump: operational" &&
	expect_in out "  initramfs:    $IMG (up to date, " &&
	expect_line out "  reservation:  384 MiB" &&
	expect_line out "  dump target:  /var/crash on the file system that holds it (/dev/kdump-test-root, ext4)"
}

case_status_not_operational() {
	host amd-iommu
	kdumpctl status
	expect_rc 3 &&
	expect_line out "kdump: not operational: no crash kernel is loaded (kdumpctl start loads it)" &&
	expect_in out "(missing)"
}

# json_check FILE PYTHON [ARG...]: FILE is one valid JSON object (json.tool),
# and the assertions in PYTHON hold for it as d (ARGs in sys.argv[2:])
json_check() {
	python3 -m json.tool "$1" >/dev/null || { fail "not JSON: $(cat "$1")"; return; }
	python3 -c "import json, sys
d = json.load(open(sys.argv[1]))
$2" "$1" "${@:3}" || fail "JSON: $(cat "$1")"
}

# a typo in kdump.conf must neither blind status nor disarm the host: the
# crash kernel loaded from the last valid configuration stays operational
case_status_broken_conf_loaded() {
	host crash-loaded
	kdumpctl start
	echo "core_colector makedumpfile -l" >>"$CONF"
	kdumpctl status
	expect_rc 0 &&
	expect_line out "kdump: operational" &&
	expect_in out "the loaded crash kernel uses the last valid configuration" &&
	expect_in out "$CONF:3:1: unknown directive \"core_colector\""
}

case_status_json_broken_conf_loaded() {
	host crash-loaded
	kdumpctl start
	echo "core_colector makedumpfile -l" >>"$CONF"
	kdumpctl status --json
	expect_rc 0 &&
	json_check "$TMP/out" '
assert d["loaded"] is True and d["operational"] is True, d
assert "last valid configuration" in d["reason"], d
e = d["config_errors"]
assert e == [{"file": sys.argv[2], "line": 3, "column": 1,
              "message": e[0]["message"]}], e
assert e[0]["message"].startswith("unknown directive \"core_colector\""), e
assert d["reservation"] == {"state": "reserved", "bytes": 402653184,
                            "low": d["reservation"]["low"], "high": None}, d
assert d["image"]["path"] == sys.argv[3] and d["image"]["exists"] is True, d
assert d["image"]["fresh"] is None and d["image"]["size"] > 0, d
assert d["snp"]["enabled"] is False and "crash_kernel_fix" in d["snp"], d
' "$CONF" "$IMG"
}

case_status_json_missing_conf() {
	host amd-iommu
	rm "$CONF"
	kdumpctl status --json
	expect_rc 3 &&
	json_check "$TMP/out" '
assert d["loaded"] is False and d["operational"] is False, d
assert d["config_errors"][0]["line"] == 0, d
assert "No such file" in d["config_errors"][0]["message"], d
assert d["image"] == {"path": sys.argv[2], "exists": False, "fresh": False,
                      "size": 0, "stale_reason": d["image"]["stale_reason"]}, d
assert d["reservation"]["state"] == "reserved", d
' "$IMG"
}

# even when the host cannot be described, --json prints its one object
case_status_json_host_unknown() {
	host crash-loaded
	rm "$R/proc/sys/kernel/osrelease"
	echo "frobnicate 1" >>"$CONF"
	kdumpctl status --json
	expect_rc 3 &&
	json_check "$TMP/out" '
assert d["operational"] is False and d["loaded"] is True, d
assert d["reason"].startswith("kdumpctl cannot describe this host: "), d
assert d["reservation"]["state"] == "reserved", d
assert d["config_errors"][0]["message"].startswith("unknown directive"), d
' || return
	kdumpctl status
	expect_rc 3 && expect_in out "kdump: not operational: kdumpctl cannot describe this host"
}

case_status_json_no_reservation() {
	host no-crashkernel
	kdumpctl status --json
	expect_rc 3 &&
	json_check "$TMP/out" '
assert d["reservation"] == {"state": "none", "bytes": 0, "low": None, "high": None}, d
assert d["config_errors"] == [], d
'
}

case_status_json_hidden_reservation() {
	host nonroot-iomem
	kdumpctl status --json
	expect_rc 3 &&
	json_check "$TMP/out" 'assert d["reservation"]["state"] == "unknown", d'
}

case_stop_broken_conf() {
	host crash-loaded
	echo "frobnicate 1" >>"$CONF"
	kdumpctl stop
	expect_rc 0 &&
	expect_line out "flags: KEXEC_FILE_UNLOAD|KEXEC_FILE_ON_CRASH" &&
	expect_in err "crash kernel unloaded"
}

# restart with a broken kdump.conf refuses before it unloads anything
case_restart_broken_conf_keeps_kernel() {
	host crash-loaded
	echo "frobnicate 1" >>"$CONF"
	kdumpctl restart
	expect_rc 1 && expect_in err "$CONF:3:1: unknown directive \"frobnicate\"" &&
	expect_not_in out "KEXEC_FILE_UNLOAD" && expect_not_in err "unloaded"
}

case_stop_missing_conf() {
	host crash-loaded
	rm "$CONF"
	printf 'KDUMP_SNPP=on\n' >"$DEFS"
	kdumpctl stop
	expect_rc 0 && expect_in err "crash kernel unloaded"
}

case_showmem_estimate_broken_conf() {
	host crash-lowhigh
	echo "frobnicate 1" >>"$CONF"
	kdumpctl showmem
	expect_rc 0 && expect_line out "Reserved crash memory: 1280 MiB" || return
	kdumpctl estimate
	expect_rc 0 && expect_in out "Recommended: crashkernel="
}

case_status_json() {
	host snp-host
	kdumpctl status --json
	expect_rc 3 &&
	json_check "$TMP/out" '
assert d["operational"] is False and d["loaded"] is False, d
assert d["reason"] == "no crash kernel is loaded (kdumpctl start loads it)", d
assert d["reservation"]["state"] == "reserved", d
assert d["reservation"]["bytes"] == 536870912, d
assert d["reservation"]["high"] is None, d
assert d["snp"] == {"capable": True, "enabled": True, "kvm_amd_loaded": True,
                    "source": "kvm_amd", "hint": True, "crash_kernel_fix": "unknown",
                    "crash_kernel_fix_evidence": d["snp"]["crash_kernel_fix_evidence"]}, d
assert d["image"]["exists"] is False and d["image"]["fresh"] is False, d
assert d["target"]["type"] == "rootfs", d
assert d["config_errors"] == [], d
'
}

case_showmem_low_high() {
	host crash-lowhigh
	kdumpctl showmem
	expect_rc 0 &&
	expect_line out "Reserved crash memory: 1280 MiB" &&
	expect_in out "low   0x000000000f000000-0x000000001effffff (256 MiB)" &&
	expect_in out "high  0x000000403f000000-0x000000407effffff (1 GiB)"
}

case_showmem_none() {
	host no-crashkernel
	kdumpctl showmem
	expect_rc 1 && expect_in out "No memory is reserved for the crash kernel"
}

case_estimate() {
	host snp-host
	kdumpctl rebuild
	kdumpctl estimate
	expect_rc 0 &&
	expect_in out "capture image, unpacked" &&
	expect_in out "decompressed when it was built" &&
	expect_in out "makedumpfile bitmaps for 64000 MiB of RAM" &&
	expect_in out "computed   2 bits per 4 KiB page of MemTotal" &&
	expect_not_in out "SME active" &&
	expect_in out "Recommended: crashkernel=" &&
	expect_in out "Reserved now: 512 MiB (enough)" || return
	# the fixture's kernel is the running one: its span in /proc/iomem
	expect_line out "  crash kernel in memory                           48 MiB  measured   the running kernel's code to bss in /proc/iomem" &&
	expect_in out "allowance  slab, page cache, kdumpctl and makedumpfile"
}

# an image without its size record (built by an older kdumpctl) is
# decompressed to measure it
case_estimate_image_without_size_record() {
	host snp-host
	kdumpctl rebuild
	rm -f "$IMG.size"
	kdumpctl estimate
	expect_rc 0 && expect_in out "measured by decompressing it" || return
	# a record of another image does not count
	kdumpctl rebuild
	printf '1 2.3 4\n' >"$IMG.size"
	kdumpctl estimate
	expect_rc 0 && expect_in out "measured by decompressing it"
}

# the crash kernel is not the running one: its boot header's init_size
case_estimate_other_kernel() {
	host snp-host
	echo "KDUMP_KERNELVER=6.12.0-other" >>"$DEFS"
	"$MK" "$R/boot/vmlinuz-6.12.0-other"
	kdumpctl estimate
	expect_rc 0 && expect_in out "init_size from its boot header (an upper bound)"
}

# a System.map beside that kernel measures its span; Debian's placeholder
# map does not, and a broken one is named with its line
case_estimate_other_kernel_system_map() {
	host snp-host
	echo "KDUMP_KERNELVER=6.12.0-other" >>"$DEFS"
	"$MK" "$R/boot/vmlinuz-6.12.0-other"
	printf 'ffffffff81000000 T _text\nffffffff81000000 T _stext\nffffffff82620000 B _end\n' \
		>"$R/boot/System.map-6.12.0-other"
	kdumpctl estimate
	expect_rc 0 &&
	expect_line out "  crash kernel in memory                         22.1 MiB  measured   _text to _end in its System.map" || return
	printf 'ffffffffffffffff B The real System.map is in the linux-image-<version>-dbg package\n' \
		>"$R/boot/System.map-6.12.0-other"
	kdumpctl estimate
	expect_rc 0 && expect_in out "init_size from its boot header (an upper bound)" || return
	printf 'ffffffff81000000 T _text\ngarbage\n' >"$R/boot/System.map-6.12.0-other"
	kdumpctl estimate
	expect_rc 0 && expect_in out "init_size from its boot header (an upper bound)" &&
	expect_in err "$R/boot/System.map-6.12.0-other:2: not a System.map line (ADDRESS TYPE NAME)"
}

# start says when crashkernel= is below the estimate, and by how much
case_start_warns_reservation_below_estimate() {
	host amd-iommu
	kdumpctl start
	expect_rc 0 && expect_not_in err "less than the" || return
	echo 67108864 >"$R/sys/kernel/kexec_crash_size"
	kdumpctl estimate
	local want
	want=$(sed -n 's/^Recommended: crashkernel=\([0-9]*\)M.*/\1/p' "$TMP/out")
	[ -n "$want" ] || fail "no recommendation" || return
	kdumpctl start
	expect_rc 0 &&
	expect_in err "warning: crashkernel= reserves 64 MiB, $((want - 64)) MiB less than the $want MiB that kdumpctl estimate recommends"
}

case_estimate_without_image() {
	host amd-iommu
	kdumpctl estimate
	expect_rc 0 && expect_in out "allowance  image not built (kdumpctl rebuild measures it)"
}

case_lock_contention_times_out() {
	host amd-iommu
	flock "$R/run/kdump-snp.lock" sleep 3 &
	sleep 0.3
	KDUMP_SNP_LOCK_TIMEOUT_MS=500 kdumpctl start
	wait
	expect_rc 1 &&
	expect_in err "for another kdumpctl to finish" &&
	expect_in err "giving up" && dracut_runs 0
}

case_lock_contention_waits() {
	host amd-iommu
	flock "$R/run/kdump-snp.lock" sleep 1 &
	sleep 0.3
	KDUMP_SNP_LOCK_TIMEOUT_MS=10000 kdumpctl start
	wait
	expect_rc 0 && expect_in err "for another kdumpctl to finish" && dracut_runs 1
}

# the lock comes before the configuration is read: a start that waited
# works from what the holder left, here a kdump.conf fixed meanwhile
case_lock_taken_before_reading_config() {
	host amd-iommu
	echo "frobnicate 1" >>"$CONF"
	flock "$R/run/kdump-snp.lock" sh -c 'sleep 1; sed -i "/frobnicate/d" "$1"' sh "$CONF" &
	sleep 0.3
	KDUMP_SNP_LOCK_TIMEOUT_MS=10000 kdumpctl start
	wait
	expect_rc 0 && expect_in err "for another kdumpctl to finish" && dracut_runs 1
}

# as_user CMD...: run CMD as nobody when the tests run as root
as_user() {
	if [ "$(id -u)" -eq 0 ]; then
		chmod a+rx "$TMP" && chmod -R a+rX "$R" &&
		run setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"
	else
		run "$@"
	fi
}

case_start_not_root() {
	host amd-iommu
	[ "$(id -u)" -ne 0 ] || chmod 755 "$R/run"
	as_user "$KDUMPCTL" --config="$CONF" --defaults="$DEFS" start
	expect_rc 1 && expect_line err "kdumpctl: error: kdumpctl start must be run as root" &&
	expect_not_in err "Permission denied"
}

# nfs: 192.0.2.1 is TEST-NET-1, where nothing answers; the probe mounts
# nothing as a user, and as root gives up within link_delay 1 (or at once
# on a kernel without an NFS client)
# The mount options are the host's, as kdump-utils' mkdumprd takes them:
# here its fstab line (noauto is mount(8)'s and goes).
nfs_conf() {
	printf 'nfs 192.0.2.1:/srv/crash\npath /hosts/a\nlink_delay 1\n%s\n' \
		'core_collector makedumpfile -l --message-level 7 -d 31' >"$CONF"
	mkdir -p "$R/etc"
	printf '%s\n' '# fstab' '192.0.2.1:/srv/crash /mnt/crash nfs4 noauto,soft,timeo=20 0 0' \
		>"$R/etc/fstab"
}

case_check_nfs_target() {
	host amd-iommu
	nfs_conf
	as_user "$KDUMPCTL" --config="$CONF" --defaults="$DEFS" check
	expect_rc 0 &&
	expect_line out "dump target:     nfs 192.0.2.1:/srv/crash" &&
	expect_line out "export:          /srv/crash on 192.0.2.1 (NFSv4, the kernel's client)" &&
	expect_line out "target dir:      /hosts/a (inside the export)" &&
	expect_line out "nfs options:     soft,timeo=20, from $R/etc/fstab:2" &&
	expect_line out "link_delay:      1 s" &&
	expect_line out "reachability:    not checked: mounting 192.0.2.1:/srv/crash needs root" &&
	expect_not_in out "target device:" || return
	[ "$(id -u)" -eq 0 ] || return 0
	# root tries: the exit status stays the file's validity
	kdumpctl check
	expect_rc 0 && expect_in out "reachability:    " && expect_not_in out "reachable: mounted" &&
	expect_not_in out "not checked"
}

# KDUMP_NET: check names where the crash kernel's address comes from
case_check_net_static() {
	host amd-iommu
	nfs_conf
	as_user "$KDUMPCTL" --config="$CONF" --defaults="$DEFS" check
	expect_rc 0 &&
	expect_line out "network:         static (KDUMP_NET): this host's address, prefix and gateway on the interface that routes to 192.0.2.1, recorded in the image"
}

case_check_net_dhcp() {
	host amd-iommu
	nfs_conf
	echo 'KDUMP_NET=dhcp' >"$DEFS"
	as_user "$KDUMPCTL" --config="$CONF" --defaults="$DEFS" check
	expect_rc 0 &&
	expect_line out "network:         dhcp (KDUMP_NET), but this host has no dhcpcd to put in the image (Debian: install dhcpcd-base)" || return
	mkdir -p "$R/usr/sbin" && printf '#!/bin/sh\n' >"$R/usr/sbin/dhcpcd" && chmod 755 "$R/usr/sbin/dhcpcd"
	as_user "$KDUMPCTL" --config="$CONF" --defaults="$DEFS" check
	expect_rc 0 &&
	expect_line out "network:         dhcp (KDUMP_NET): the crash kernel asks for an IPv4 address with /usr/sbin/dhcpcd, within link_delay" || return
	# the client is IPv4 only
	printf 'nfs [2001:db8::1]:/srv/crash\nlink_delay 1\n' >"$CONF"
	as_user "$KDUMPCTL" --config="$CONF" --defaults="$DEFS" check
	expect_rc 0 &&
	expect_line out "network:         dhcp (KDUMP_NET), but 2001:db8::1 is IPv6 and the crash kernel's DHCP is IPv4 only: set KDUMP_NET=static"
}

case_net_invalid() {
	host amd-iommu
	nfs_conf
	printf '# crash network\nKDUMP_NET=auto\n' >"$DEFS"
	kdumpctl check
	expect_rc 1 &&
	expect_line err "$DEFS:2:11: invalid KDUMP_NET value \"auto\": use static or dhcp" &&
	expect_not_in out "network:"
}

# the host mounts the export with NFSv3: named with its file and line
case_check_nfs_bad_options() {
	host amd-iommu
	printf 'nfs 192.0.2.1:/srv/crash\n' >"$CONF"
	mkdir -p "$R/etc"
	printf '192.0.2.1:/srv/crash/ /mnt nfs soft,vers=3 0 0\n' >"$R/etc/fstab"
	kdumpctl check
	expect_rc 1 &&
	expect_in err "kdumpctl: error: $R/etc/fstab:1: the host mounts 192.0.2.1:/srv/crash with option \"vers=3\": kdump-snp mounts NFS version 4 (4, 4.0, 4.1 or 4.2)"
}

# no mount and no fstab line: the kernel's defaults
case_check_nfs_default_options() {
	host amd-iommu
	printf 'nfs 192.0.2.1:/srv/crash\n' >"$CONF"
	as_user "$KDUMPCTL" --config="$CONF" --defaults="$DEFS" check
	expect_rc 0 && expect_line out "nfs options:     (defaults)"
}

case_start_nfs_unreachable_refused() {
	host amd-iommu
	[ "$(id -u)" -eq 0 ] || { skip "the nfs probe mounts, which needs root"; return; }
	nfs_conf
	kdumpctl start
	expect_rc 1 &&
	expect_in err "kdumpctl: error: nfs target 192.0.2.1:/srv/crash " &&
	expect_in err "; kdump is not armed for it" &&
	expect_not_in err "crash kernel loaded" &&
	dracut_runs 0 &&
	[ ! -e "$IMG" ] || fail "an image was built for an export that cannot be mounted"
}

case_test_not_root() {
	host crash-loaded
	# root may write it, this user may not
	if [ "$(id -u)" -eq 0 ]; then chmod 200 "$R/proc/sysrq-trigger"; else chmod 0 "$R/proc/sysrq-trigger"; fi
	as_user "$KDUMPCTL" --config="$CONF" --defaults="$DEFS" test </dev/null
	expect_rc 1 && expect_line err "kdumpctl: error: kdumpctl test must be run as root" &&
	expect_not_in err "pass --yes" &&
	[ ! -s "$R/proc/sysrq-trigger" ] || fail "sysrq written"
}

# non-root: /proc/iomem hides the ranges, kexec_crash_size still tells the size
case_showmem_estimate_not_root() {
	host nonroot-iomem
	as_user "$KDUMPCTL" --config="$CONF" --defaults="$DEFS" showmem
	expect_rc 0 &&
	expect_line out "Reserved crash memory: 512 MiB (kexec_crash_size; /proc/iomem shows the ranges to root only)" || return
	as_user "$KDUMPCTL" --config="$CONF" --defaults="$DEFS" estimate
	expect_rc 0 && expect_in out "Recommended: crashkernel=" &&
	expect_in out "Reserved now: 512 MiB" || return
	# what this user cannot read gets an allowance, said so
	[ "$(id -u)" -eq 0 ] || return 0
	mkdir -p "$R/var/lib/kdump" && : >"$IMG" && chmod 700 "$R/var/lib/kdump" &&
	chmod 600 "$R/boot/vmlinuz-$kver"
	run setpriv --reuid=65534 --regid=65534 --clear-groups -- \
		"$KDUMPCTL" --config="$CONF" --defaults="$DEFS" estimate
	expect_rc 0 &&
	expect_in out "allowance  not readable by this user (root measures it)" &&
	expect_in out "allowance  image not readable by this user (root measures it)"
}

case_test_refused_when_not_loaded() {
	host amd-iommu
	kdumpctl test --yes
	expect_rc 1 && expect_in err "no crash kernel is loaded" &&
	[ ! -s "$R/proc/sysrq-trigger" ] || fail "sysrq written"
}

case_test_needs_confirmation() {
	host crash-loaded
	kdumpctl test </dev/null
	expect_rc 1 && expect_in err "pass --yes" &&
	[ ! -s "$R/proc/sysrq-trigger" ] || fail "sysrq written"
}

case_test_triggers_panic() {
	host crash-loaded
	kdumpctl test --yes
	expect_rc 0 && [ "$(cat "$R/proc/sysrq-trigger")" = c ] || fail "sysrq-trigger holds '$(cat "$R/proc/sysrq-trigger")'"
}

case_unknown_verb() {
	host amd-iommu
	kdumpctl frob
	expect_rc 2 && expect_in err "unknown command \"frob\""
}

case_bad_option() {
	run "$KDUMPCTL" --frob status
	expect_rc 2 && expect_in err "unknown option --frob"
}

case_json_only_for_status() {
	host amd-iommu
	kdumpctl start --json
	expect_rc 2 && expect_in err "--json does not apply to start"
}

# kdumpctl.8 documents every command and every option that --help lists
case_man_page_covers_help() {
	local man=$top_srcdir/man/kdumpctl.8 w
	run "$KDUMPCTL" --help
	# the tags of the COMMANDS section: the line after each .TP
	awk '/^\.SH/ { cmds = ($2 == "COMMANDS") } cmds && tp { print } { tp = /^\.TP/ }' \
		"$man" | tr -d '",' | tr ' ' '\n' >"$TMP/tags"
	while read -r w; do
		grep -qx -- "$w" "$TMP/tags" || fail "kdumpctl.8 lacks the command $w"
	done < <(sed -n '/^Commands:/,/^$/s/^  \([a-z]*\) .*/\1/p' "$TMP/out")
	while read -r w; do
		grep -qF -- "\\-\\-${w#--}" "$man" || fail "kdumpctl.8 lacks the option $w"
	done < <(grep -oE -- '--[a-z]+' "$TMP/out" | sort -u)
	[ "$case_failed" = 0 ]
}

# complete WORD...: what bash completion offers for the last word
complete_words() {
	bash -c '. /usr/share/bash-completion/bash_completion
		. "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
		_kdumpctl kdumpctl "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
		printf "%s\n" "${COMPREPLY[@]}"' sh "$top_srcdir/shell-completion/kdumpctl" "$@" |
		sort >"$TMP/out"
}

case_bash_completion() {
	[ -r /usr/share/bash-completion/bash_completion ] || { fail "bash-completion is not installed"; return; }
	complete_words kdumpctl s
	expect_line out save && expect_line out showmem && expect_line out status &&
	expect_line out start && expect_line out stop || return
	complete_words kdumpctl c
	expect_line out capture && expect_line out check || return
	complete_words kdumpctl p
	expect_line out propagate || return
	complete_words kdumpctl save --
	expect_line out --vmcore= && expect_line out --target= && expect_line out --config= || return
	mkdir -p "$TMP/compl" && : >"$TMP/compl/kdump.conf"
	complete_words kdumpctl "--config=$TMP/compl/kd"
	expect_line out "$TMP/compl/kdump.conf" || return
	complete_words kdumpctl save --target "$TMP/com"
	expect_line out "$TMP/compl"
}

case_help() {
	run "$KDUMPCTL" --help
	expect_rc 0 && expect_in out "Usage: kdumpctl" && expect_in out "estimate"
}

for f in $(declare -F | awk '$3 ~ /^case_/ {print $3}'); do
	t "${f#case_}" "$f"
done
finish
