#!/bin/bash
# A raw dump target on a real crash dump made by tests/vm/make-vmcore.sh:
# `kdumpctl save --vmcore` writes the dump to a loop device and to a plain
# file, `kdumpctl start` (the loader in dry-run mode, over a fixture root as
# tests/cli/kdumpctl-cli.sh makes it) restores it under `path`, checks it
# and clears the mark; a capture cut short and a dump changed after the
# capture are not restored. Needs root for the loop device.
#
# Usage: tests/save/raw-tests.sh VMCORE   (run by make check-save)
# The checks are chained as 'check && check || fail MESSAGE': fail runs when
# any check failed, as meant (SC2015); a command substitution inside a check
# or a message can only change what is compared or printed (SC2312).
# shellcheck source=tests/cli/lib.sh disable=SC2015,SC2312
. "${top_srcdir:?run through make}/tests/cli/lib.sh"

VMCORE=${1:?usage: raw-tests.sh VMCORE}
KDUMPCTL=$top_builddir/kdumpctl/kdumpctl
MK=$top_builddir/tests/cli/mkfakekernel
LOOPS=()
cleanup() {
	local l
	for l in "${LOOPS[@]}"; do
		losetup -d "${l}" 2>/dev/null
	done
	rm -rf "${TMP}"
}
trap cleanup EXIT

export KDUMP_SNP_DRY_RUN=1
export KDUMP_SNP_DRACUT=$top_srcdir/tests/cli/fake-dracut
export FAKE_DRACUT_LOG=$TMP/dracut.log
export KDUMP_SNP_DRACUT_MODULE_DIR=$TMP/module

# host: a fixture root whose /dev/kdump-raw is a plain file of 64 MiB
host() {
	R=$TMP/root-$RANDOM
	cp -r "${FIXTURES}/amd-iommu" "${R}"
	kver=$(cat "${R}/proc/sys/kernel/osrelease")
	mkdir -p "${R}/boot" "${R}/run" "${R}/etc/default" "${R}/proc/self" "${R}/dev" "${TMP}/module"
	"${MK}" "${R}/boot/vmlinuz-${kver}"
	printf 'MemTotal:       65536000 kB\nMemFree:        60000000 kB\n' >"${R}/proc/meminfo"
	: >"${R}/etc/default/kdump"
	echo "22 1 254:1 / / rw,relatime shared:1 - ext4 /dev/kdump-test-root rw" >"${R}/proc/self/mountinfo"
	printf 'install() { :; }\n' >"${TMP}/module/module-setup.sh"
	truncate -s 64M "${R}/dev/kdump-raw"
	DEV=$R/dev/kdump-raw
	CONF=$R/etc/kdump.conf
	printf '%s\n' "raw /dev/kdump-raw" "path /var/crash" \
		"core_collector makedumpfile -l --message-level 1 -d 31" >"${CONF}"
}

kdumpctl() {
	run env KDUMP_SNP_SYSROOT="${R}" "${KDUMPCTL}" --config="${CONF}" \
		--defaults="${R}/etc/default/kdump" "$@"
}

# state FILE: the header's state (0 none, 1 writing, 2 complete)
state() {
	if [ "$(head -c 8 "$1" | tr -d '\0')" != KDSNPRAW ]; then
		echo 0
		return
	fi
	od -An -tu4 -j16 -N4 "$1" | tr -d ' '
}

dumpdirs() {
	find "${R}/var/crash" -mindepth 1 -maxdepth 1 -type d 2>/dev/null | sort
}

# the kernel log of the source dump, to compare restored dumps with
makedumpfile --dump-dmesg "${VMCORE}" "${TMP}/dmesg.want" >/dev/null 2>&1 ||
	{ echo "makedumpfile cannot read ${VMCORE}" >&2; exit 1; }

# restored FILE-THAT-HELD-IT: start restored one dump, checked, and cleared the mark
restored() {
	local d
	expect_rc 0 && expect_in err "dump restored: " || return 1
	d=$(dumpdirs)
	[ "$(printf '%s\n' "${d}" | wc -l)" = 1 ] && [ -n "${d}" ] || fail "dump directories: ${d}" || return 1
	[[ $(basename "${d}") =~ ^.+-[0-9]{4}-[0-9]{2}-[0-9]{2}-[0-9]{2}:[0-9]{2}:[0-9]{2}$ ]] ||
		fail "dump directory name $(basename "${d}")"
	[ -s "${d}/vmcore" ] && [ -s "${d}/vmcore-dmesg.txt" ] && [ ! -e "${d}/vmcore-incomplete" ] ||
		fail "files: $(ls "${d}")"
	[ "$(stat -c %a "${d}")" = 700 ] && [ "$(stat -c %a "${d}/vmcore")" = 600 ] ||
		fail "modes: $(stat -c '%a %n' "${d}" "${d}/vmcore")"
	rm -f -- "${TMP}/dmesg.got"
	makedumpfile --dump-dmesg "${d}/vmcore" "${TMP}/dmesg.got" >/dev/null 2>&1 &&
	cmp -s "${TMP}/dmesg.want" "${TMP}/dmesg.got" ||
		fail "the restored vmcore does not read back the source dump's kernel log: $(diff "${TMP}/dmesg.want" "${TMP}/dmesg.got" | head -n 5)"
	cmp -s "${TMP}/dmesg.want" "${d}/vmcore-dmesg.txt" || fail "vmcore-dmesg.txt differs"
	[ "$(state "$1")" = 0 ] && [ -z "$(head -c 4096 "$1" | tr -d '\0')" ] ||
		fail "the mark on $1 is not cleared"
}

# the capture to a real block device (O_EXCL, BLKGETSIZE64), restored from
# a copy of it on the next "boot"
case_loop_device_save_and_restore() {
	local img=$TMP/loop.img loop
	[ "$(id -u)" = 0 ] || { skip "needs root (losetup)"; return; }
	host
	truncate -s 64M "${img}"
	loop=$(losetup -f --show "${img}") || { fail "losetup"; return; }
	LOOPS+=("${loop}")
	printf '%s\n' "raw ${loop}" "path /var/crash" "final_action poweroff" \
		"core_collector makedumpfile -l --message-level 1 -d 31" >"${TMP}/loop.conf"
	run env -u KDUMP_SNP_SYSROOT "${KDUMPCTL}" --config="${TMP}/loop.conf" --defaults=/dev/null \
		save --vmcore="${VMCORE}"
	expect_rc 0 && expect_in err "dump saved: raw device ${loop}" &&
	expect_line out "final_action: poweroff (not taken: save was given --vmcore or --target)" ||
		{ tail -c 600 "${TMP}/err"; return; }
	[ "$(state "${loop}")" = 2 ] || fail "header state $(state "${loop}") on ${loop}"
	# makedumpfile -F: its flattened stream's signature right after the header
	[ "$(dd if="${loop}" bs=4096 skip=1 count=1 2>/dev/null | head -c 12)" = makedumpfile ] ||
		fail "no flattened stream at 4 KiB"
	losetup -d "${loop}"
	cp "${img}" "${DEV}"
	kdumpctl start
	restored "${DEV}"
	# nothing marked any more: a second start restores nothing
	kdumpctl start
	expect_rc 0 && expect_not_in err "restor" && [ "$(dumpdirs | wc -l)" = 1 ] ||
		fail "a second start restored again"
}

# the same on a plain file, and kdumpctl check says a dump waits
case_file_save_check_restore() {
	host
	kdumpctl save --vmcore="${VMCORE}"
	expect_rc 0 && [ "$(state "${DEV}")" = 2 ] || { fail "save: $(tail -c 400 "${TMP}/err")"; return; }
	kdumpctl check
	expect_rc 0 && expect_in out "raw device holds: a dump waits to be restored (" || return
	kdumpctl start
	restored "${DEV}"
}

# a device too small for the dump: the capture fails, the mark says
# writing; start does not restore it, clears the mark, and arms
case_cut_short_never_restored() {
	host
	truncate -s 0 "${DEV}" && truncate -s 256K "${DEV}"
	kdumpctl save --vmcore="${VMCORE}"
	expect_rc 1 && expect_in err "raw device ${DEV} (0 MiB) is too small for this dump" &&
	expect_line out "failure_action: reboot (not taken: save was given --vmcore or --target)" &&
	[ "$(state "${DEV}")" = 1 ] || { fail "header state $(state "${DEV}")"; return; }
	kdumpctl start
	expect_rc 0 && expect_in err "whose capture did not finish: it cannot be restored; its mark is cleared" &&
	[ "$(state "${DEV}")" = 0 ] && [ -z "$(dumpdirs)" ] && [ -s "${R}/run/kdump-snp.loaded" ] ||
		fail "state $(state "${DEV}"), dumps: $(dumpdirs), armed: $(ls "${R}/run")"
}

# a byte of the dump changed after the capture: not restored, nothing left
# under path, the mark stays and start does not arm over it
case_changed_dump_not_restored() {
	host
	kdumpctl save --vmcore="${VMCORE}"
	expect_rc 0 || { fail "save: $(tail -c 400 "${TMP}/err")"; return; }
	printf 'X' | dd of="${DEV}" bs=1 seek=$((4096 + 70000)) conv=notrunc 2>/dev/null
	kdumpctl start
	expect_rc 1 && expect_in err "does not match its CRC-32" &&
	expect_in err "the mark on raw device ${DEV} stays" &&
	[ "$(state "${DEV}")" = 2 ] && [ -z "$(dumpdirs)" ] ||
		fail "state $(state "${DEV}"), dumps: $(dumpdirs)"
	[ ! -e "${R}/run/kdump-snp.loaded" ] && expect_in err "kdumpctl start tries again" ||
		fail "armed over the dump that waits"
}

for f in $(declare -F | awk '$3 ~ /^case_/ {print $3}'); do
	t "${f#case_}" "${f}"
done
finish
