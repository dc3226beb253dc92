#!/bin/bash
# `kdumpctl save --vmcore FILE --target DIR` on a real ELF crash dump made by
# tests/vm/make-vmcore.sh: the capture code path with explicit inputs.
# Needs root for the small tmpfs targets.
#
# Usage: tests/save/save-tests.sh VMCORE   (run by make check-save)
# The checks are chained as 'check && check || fail MESSAGE': fail runs when
# any check failed, as meant (SC2015); a command substitution inside a check
# or a message can only change what is compared or printed (SC2312).
# shellcheck source=tests/cli/lib.sh disable=SC2015,SC2312
. "${top_srcdir:?run through make}/tests/cli/lib.sh"

VMCORE=${1:?usage: save-tests.sh VMCORE}
KDUMPCTL=$top_builddir/kdumpctl/kdumpctl
unset KDUMP_SNP_DRY_RUN KDUMP_SNP_SYSROOT
MOUNTS=()
LOOPS=()
cleanup() {
	local m l
	for m in "${MOUNTS[@]}"; do
		umount "$m" 2>/dev/null
	done
	for l in "${LOOPS[@]}"; do
		losetup -d "$l" 2>/dev/null
	done
	rm -rf "$TMP"
}
trap cleanup EXIT

conf() {
	CONF=$TMP/kdump.conf.$RANDOM
	printf '%s\n' "$@" >"$CONF"
}

save() {
	run "$KDUMPCTL" --config="$CONF" --defaults=/dev/null save --vmcore="$VMCORE" "$@"
}

# target [SIZE]: a fresh directory, or a tmpfs of SIZE
target() {
	T=$TMP/target.$RANDOM
	mkdir -p "$T"
	if [ -n "${1:-}" ]; then
		mount -t tmpfs -o "size=$1" tmpfs "$T" || return 1
		MOUNTS+=("$T")
	fi
}

dumpdir() {
	D=$(find "$T" -mindepth 1 -maxdepth 1 -type d | head -n1)
	[ -n "$D" ] || fail "no dump directory in $T"
}

mode_of() {
	stat -c %a "$1"
}

case_saves_a_valid_dump() {
	conf "core_collector makedumpfile -l --message-level 1 -d 31" "final_action poweroff"
	target
	umask 022
	save --target="$T"
	umask 077
	expect_rc 0 && dumpdir &&
	expect_line out "final_action: poweroff (not taken: save was given --vmcore or --target)" &&
	[ -s "$D/vmcore" ] && [ -s "$D/vmcore-dmesg.txt" ] && [ -s "$D/kdump-info.txt" ] ||
		fail "missing files: $(ls "$D")"
	[ -z "$(find "$D" -name '*incomplete*')" ] || fail "incomplete files left: $(ls "$D")"
	[[ $(basename "$D") =~ ^.+-[0-9]{4}-[0-9]{2}-[0-9]{2}-[0-9]{2}:[0-9]{2}:[0-9]{2}$ ]] ||
		fail "dump directory name $(basename "$D")"
	[ "$(mode_of "$D")" = 700 ] || fail "directory mode $(mode_of "$D")"
	for f in vmcore vmcore-dmesg.txt kdump-info.txt; do
		[ "$(mode_of "$D/$f")" = 600 ] || fail "$f mode $(mode_of "$D/$f")"
	done
	grep -q "sysrq triggered crash" "$D/vmcore-dmesg.txt" || fail "vmcore-dmesg.txt lacks the crash"
	makedumpfile --dump-dmesg "$D/vmcore" "$TMP/dmesg.check" >/dev/null 2>&1 &&
	grep -q "sysrq triggered crash" "$TMP/dmesg.check" || fail "the saved vmcore does not read back"
	grep -qx "result: saved" "$D/kdump-info.txt" &&
	grep -q "^crashed_kernel_release: [0-9]" "$D/kdump-info.txt" &&
	grep -qx "collector_status: 0" "$D/kdump-info.txt" &&
	grep -qx "kdump_snp: absent" "$D/kdump-info.txt" &&
	grep -q "^collector: makedumpfile -l --message-level 1 -d 31 $VMCORE $D/vmcore-incomplete$" "$D/kdump-info.txt" &&
	grep -qx "bytes_written: $(stat -c %s "$D/vmcore")" "$D/kdump-info.txt" ||
		fail "kdump-info.txt: $(cat "$D/kdump-info.txt")"
}

# makedumpfile stops before it writes: no vmcore, and the failure recorded
case_collector_failure_saves_no_vmcore() {
	conf "core_collector makedumpfile -l --message-level 1 -d 31" "failure_action halt"
	target
	head -c 90000000 "$VMCORE" >"$TMP/truncated.elf"
	run "$KDUMPCTL" --config="$CONF" --defaults=/dev/null save --vmcore="$TMP/truncated.elf" --target="$T"
	expect_rc 1 && dumpdir &&
	expect_line out "failure_action: halt (not taken: save was given --vmcore or --target)" &&
	expect_in err "the core collector makedumpfile exited with status" &&
	[ ! -e "$D/vmcore" ] || fail "a vmcore was written"
	grep -q "^result: failed: the core collector" "$D/kdump-info.txt" || fail "$(cat "$D/kdump-info.txt")"
}

case_full_target_fails_the_collector() {
	conf "core_collector makedumpfile -l --message-level 1 -d 31" "failure_action poweroff"
	target 12M || return 1
	save --target="$T"
	expect_rc 1 && dumpdir &&
	expect_line out "failure_action: poweroff (not taken: save was given --vmcore or --target)" &&
	expect_in err "the partial dump is left as vmcore-incomplete" &&
	[ ! -e "$D/vmcore" ] || fail "a vmcore was written"
	[ -e "$D/vmcore-incomplete" ] || fail "no vmcore-incomplete: $(ls "$D")"
}

case_too_small_target_refused_before_writing() {
	conf "core_collector makedumpfile -l --message-level 1 -d 31" "failure_action poweroff"
	target 2M || return 1
	save --target="$T"
	expect_rc 1 &&
	expect_in err "$T has 2 MiB free; this dump needs at least 6 MiB" &&
	expect_line out "failure_action: poweroff (not taken: save was given --vmcore or --target)" &&
	dumpdir && [ -z "$(find "$D" -name 'vmcore*')" ] || fail "files written: $(ls "$D")"
}

# the room check reads makedumpfile's options as check does: a cluster
# (-ld31) or an ELF dump with an attached level (-E -d31) is filtered and
# fits where the whole memory (371 MiB) would not; the uncompressed ELF
# dump of this vmcore is about 100 MiB
case_clustered_options_are_filtered() {
	local c
	for c in "64M:makedumpfile -ld31 --message-level 1" "160M:makedumpfile -E -d31 --message-level 1"; do
		conf "core_collector ${c#*:}" "failure_action poweroff"
		target "${c%%:*}" || return 1
		save --target="${T}"
		if ! expect_rc 0 || ! dumpdir || [[ ! -s "${D}/vmcore" ]]; then
			tail -c 300 "${TMP}/err"
			fail "${c#*:}: no vmcore saved"
			return
		fi
	done
}

# makedumpfile --num-threads runs with libgcc_s.so.1 preloaded (glibc
# loads it when a thread ends; in the crash kernel that late load failed
# and lost the dump), the kernel log without it; the dump reads back
case_threads_get_libgcc_preloaded() {
	local real
	real=$(command -v makedumpfile) || return 1
	mkdir -p "$TMP/bin"
	cat >"$TMP/bin/makedumpfile" <<-EOF
		#!/bin/sh
		printf '%s|%s\\n' "\${LD_PRELOAD-unset}" "\$*" >>"$TMP/preload"
		exec "$real" "\$@"
	EOF
	chmod +x "$TMP/bin/makedumpfile"
	conf "core_collector makedumpfile -l --message-level 1 -d 31 --num-threads=2"
	target
	PATH=$TMP/bin:$PATH save --target="$T"
	expect_rc 0 && dumpdir && [ -s "$D/vmcore" ] || fail "no vmcore saved: $(tail -c 300 "$TMP/err")"
	grep -q '^libgcc_s.so.1|.*--num-threads=2 .*vmcore-incomplete$' "$TMP/preload" &&
		grep -q '^unset|--dump-dmesg ' "$TMP/preload" || fail "makedumpfile ran as: $(cat "$TMP/preload")"
	makedumpfile --dump-dmesg "$D/vmcore" "$TMP/dmesg.threads" >/dev/null 2>&1 &&
		grep -q "sysrq triggered crash" "$TMP/dmesg.threads" || fail "the saved vmcore does not read back"
}

case_unfiltered_copy_needs_whole_memory() {
	conf "core_collector cp"
	target 64M || return 1
	save --target="$T"
	expect_rc 1 && expect_in err "has 64 MiB free; this dump needs at least 372 MiB"
}

case_missing_target_device() {
	conf "ext4 /dev/disk/by-uuid/00000000-dead-beef-0000-000000000000" "failure_action poweroff"
	KDUMP_SNP_DEVICE_TIMEOUT=1 save
	expect_rc 1 &&
	expect_in err "dump target /dev/disk/by-uuid/00000000-dead-beef-0000-000000000000 did not appear within 1 s" &&
	expect_line out "failure_action: poweroff (not taken: save was given --vmcore or --target)"
}

# an nfs export where nothing answers (192.0.2.1, TEST-NET-1): the capture
# names the server and takes failure_action within link_delay (at once
# on a kernel without an NFS client, which it names)
case_nfs_server_unreachable() {
	local t0=$SECONDS
	conf "nfs 192.0.2.1:/srv/crash" "link_delay 2" "failure_action poweroff"
	save
	expect_rc 1 &&
	expect_in err "mounting 192.0.2.1:/srv/crash (at 192.0.2.1) within 2 s" &&
	expect_line out "failure_action: poweroff (not taken: save was given --vmcore or --target)" || return
	grep -qE "no nfs server answered at 192\.0\.2\.1 within 2 s|cannot mount 192\.0\.2\.1:/srv/crash: No such device" "$TMP/err" ||
		fail "the failure does not name the server: $(cat "$TMP/err")"
	[ $((SECONDS - t0)) -le 12 ] || fail "took $((SECONDS - t0)) s with link_delay 2"
}

case_not_an_elf_core() {
	conf "failure_action shell"
	target
	printf 'not a core\n' >"$TMP/bad.core"
	run "$KDUMPCTL" --config="$CONF" --defaults=/dev/null save --vmcore="$TMP/bad.core" --target="$T"
	expect_rc 1 &&
	expect_in err "is not a readable ELF crash dump: not an x86_64 ELF core file" &&
	expect_line out "failure_action: shell (not taken: save was given --vmcore or --target)"
}

case_pre_hook_failure_skips_dump() {
	mkdir -p "$TMP/hooks"
	printf '#!/bin/sh\nexit 3\n' >"$TMP/hooks/pre" && chmod +x "$TMP/hooks/pre"
	conf "kdump_pre $TMP/hooks/pre" "failure_action halt"
	target
	save --target="$T"
	expect_rc 1 && expect_in err "kdump_pre $TMP/hooks/pre failed (3): no dump is saved" &&
	expect_line out "failure_action: halt (not taken: save was given --vmcore or --target)" &&
	[ -z "$(ls "$T")" ] || fail "something was written: $(ls -R "$T")"
}

case_post_hook_gets_dir_and_status() {
	mkdir -p "$TMP/hooks"
	printf '#!/bin/sh\necho "$@" >%s\n' "$TMP/post.args" >"$TMP/hooks/post" && chmod +x "$TMP/hooks/post"
	conf "core_collector makedumpfile -l --message-level 1 -d 31" "kdump_post $TMP/hooks/post"
	target
	save --target="$T"
	expect_rc 0 && dumpdir &&
	[ "$(cat "$TMP/post.args")" = "$D 0" ] || fail "kdump_post got: $(cat "$TMP/post.args" 2>/dev/null)"
}

# loop_device SIZE: LOOP, a loop device over a new file (skips the case
# where the machine has no loop devices)
loop_device() {
	local img=$TMP/loop.$RANDOM.img
	truncate -s "$1" "$img"
	LOOP=$(losetup --find --show "$img" 2>"$TMP/losetup.err") ||
		{ skip "no loop device: $(cat "$TMP/losetup.err")"; return 1; }
	LOOPS+=("$LOOP")
}

# the target directive's type against the file system on a real device
case_fstype_mismatch_on_real_device() {
	loop_device 64M || return 0
	mkfs.ext4 -q -F "$LOOP" || return
	conf "xfs $LOOP" "path /dumps"
	run "$KDUMPCTL" --config="$CONF" --defaults=/dev/null check
	expect_rc 1 && expect_line err "$CONF:1:1: the file system on \"$LOOP\" is ext4, not xfs" &&
	expect_empty out || return
	conf "ext4 $LOOP" "path /dumps"
	run "$KDUMPCTL" --config="$CONF" --defaults=/dev/null check
	expect_rc 0 && expect_line out "target UUID:     $(blkid -s UUID -o value "$LOOP")" &&
	expect_line out "image mounts:    UUID=$(blkid -s UUID -o value "$LOOP") ($LOOP is a kernel name that can change between boots)"
}

case_device_without_fs_refused() {
	loop_device 16M || return 0
	conf "ext4 $LOOP"
	run "$KDUMPCTL" --config="$CONF" --defaults=/dev/null check
	expect_rc 1 && expect_line err "$CONF:1:1: device \"$LOOP\" holds no file system; make one with mkfs.ext4 first"
}

# the collector's output cannot even be created: say so, not "status -28"
case_collector_cannot_start() {
	conf "core_collector cat" "failure_action poweroff"
	T=$TMP/target.$RANDOM
	mkdir -p "$T" && mount -t tmpfs -o size=400M,nr_inodes=2 tmpfs "$T" && MOUNTS+=("$T") || return 1
	save --target="$T"
	expect_rc 1 &&
	expect_in err "cannot start the collector cat: No space left on device" &&
	expect_not_in err "exited with status -"
}

# kdump-info.txt that does not fit is reported, and the saved dump stays
case_info_file_write_checked() {
	local kib
	conf "core_collector makedumpfile -l --message-level 1 -d 31"
	target 64M || return 1
	save --target="$T"
	expect_rc 0 && dumpdir || return 1
	# room for exactly what the collector and the kernel log took
	kib=$(( ($(stat -c %b "$D/vmcore") + $(stat -c %b "$D/vmcore-dmesg.txt")) / 2 ))
	target "${kib}k" || return 1
	save --target="$T"
	dumpdir &&
	expect_in err "kdump-info.txt: No space left on device" &&
	[ -s "$D/vmcore" ] || fail "no vmcore: $(ls -l "$D")"
}

# the target is mounted, then the dump directory cannot be made in it
# (path /var/crash where var is a file): the target is unmounted again
case_mount_then_failure_unmounts() {
	local img dev
	mkdir -p "$TMP/seed" && : >"$TMP/seed/var"
	img=$TMP/ext4.img
	truncate -s 32M "$img" && mkfs.ext4 -q -F -d "$TMP/seed" "$img" || return 1
	dev=$(losetup -f --show "$img") || return 1
	conf "ext4 $dev" "path /var/crash" "failure_action poweroff"
	save
	findmnt -rn -S "$dev" >"$TMP/mounted"
	umount "$dev" 2>/dev/null
	losetup -d "$dev"
	rmdir /kdump-target 2>/dev/null
	expect_rc 1 && expect_in err "cannot open or create /var/crash inside $dev (mounted at /kdump-target): Not a directory" &&
	[ ! -s "$TMP/mounted" ] || fail "still mounted: $(cat "$TMP/mounted")"
}

# kdumpctl reads /proc/vmcore itself (no sysroot), so this case needs a host
# that is not a crash kernel
case_refuses_without_vmcore() {
	if [ -e /proc/vmcore ]; then
		skip "this host has /proc/vmcore (it runs as a crash kernel)"
		return
	fi
	conf "path /var/crash"
	run "$KDUMPCTL" --config="$CONF" --defaults=/dev/null save
	expect_rc 1 && expect_in err "there is no /proc/vmcore" && expect_empty out
}

for f in $(declare -F | awk '$3 ~ /^case_/ {print $3}'); do
	t "${f#case_}" "$f"
done
finish
