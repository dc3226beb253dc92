# shellcheck shell=bash
# A fake host root for kdumpctl's CLI tests: what kdumpctl reads besides
# /proc and /sys, and the stand-ins for dracut and update-grub. Sourced
# after lib.sh by the tests that run kdumpctl against a fixture; TMP,
# FIXTURES and the build dirs come from lib.sh and make (SC2154), the
# variables it sets are read by the tests (SC2034), and the fake
# update-grub is written with its expansions literal (SC2016).
# shellcheck disable=SC2154,SC2034,SC2016

KDUMPCTL=$top_builddir/kdumpctl/kdumpctl
MK=$top_builddir/tests/cli/mkfakekernel
SNIPPET=/etc/default/grub.d/zz-kdump-snp.cfg

# host_root FIXTURE: R, a writable copy of tests/fixtures/FIXTURE with a
# kernel image for its release ($kver), kdump.conf saying `path /var/crash`,
# an empty defaults file and 64 GB of memory; kdumpctl reads it as its root
host_root() {
	# a fresh name for each root: a name used before would copy the fixture
	# into the old root and keep what an earlier case left there
	R=$(mktemp -d "$TMP/root-$1-XXXXXX")
	cp -r "$FIXTURES/$1/." "$R"
	kver=$(cat "$R/proc/sys/kernel/osrelease")
	mkdir -p "$R/boot" "$R/run" "$R/etc/default"
	"$MK" "$R/boot/vmlinuz-$kver"
	printf 'MemTotal:       65536000 kB\nMemFree:        60000000 kB\n' >"$R/proc/meminfo"
	printf 'path /var/crash\n' >"$R/etc/kdump.conf"
	: >"$R/etc/default/kdump"
	export KDUMP_SNP_SYSROOT=$R
}

kdumpctl() {
	run "$KDUMPCTL" --config="$R/etc/kdump.conf" --defaults="$R/etc/default/kdump" "$@"
}

# fake_dracut: kdumpctl builds images with tests/cli/fake-dracut, which logs
# its runs, from an empty module, on a root file system it believes is ext4
fake_dracut() {
	export KDUMP_SNP_DRY_RUN=1
	export KDUMP_SNP_DRACUT=$top_srcdir/tests/cli/fake-dracut
	export FAKE_DRACUT_LOG=$TMP/dracut.log
	export KDUMP_SNP_DRACUT_MODULE_DIR=$TMP/module
	mkdir -p "$TMP/module" "$R/proc/self"
	printf 'install() { :; }\n' >"$TMP/module/module-setup.sh"
	: >"$FAKE_DRACUT_LOG"
	printf 'path /var/crash\ncore_collector makedumpfile -l --message-level 7 -d 31\n' >"$R/etc/kdump.conf"
	echo "22 1 254:1 / / rw,relatime shared:1 - ext4 /dev/kdump-test-root rw" >"$R/proc/self/mountinfo"
}

dracut_runs() {
	local n
	n=$(grep -c '^dracut' "$FAKE_DRACUT_LOG")
	[ "$n" -eq "$1" ] || fail "dracut ran $n times, expected $1"
}

# fake_update_grub [RC]: update-grub is a script in the root that logs each
# run to $GRUB_LOG and exits with $FAKE_UPDATE_GRUB_RC (default 0); $S is
# the root's GRUB snippet
fake_update_grub() {
	GRUB_LOG=$R/update-grub.log
	: >"$GRUB_LOG"
	printf '#!/bin/sh\necho run >>"%s"\nexit "${FAKE_UPDATE_GRUB_RC:-0}"\n' "$GRUB_LOG" >"$R/update-grub"
	chmod +x "$R/update-grub"
	export KDUMP_SNP_UPDATE_GRUB=$R/update-grub
	S=$R$SNIPPET
}

grub_runs() {
	local n
	n=$(grep -c . "$GRUB_LOG")
	[ "$n" -eq "$1" ] || fail "update-grub ran $n times, expected $1"
}
