#!/bin/bash
# The Debian package's sources without building it (tests/build-deb builds
# it): one version in configure.ac and debian/changelog, maintainer
# scripts that sh can parse, and postrm over a fixture root: what remove
# and purge take away (the images, the GRUB snippet while it is kdumpctl's
# estimate, as kdumpctl itself decides) and what they never touch
# (/var/crash, kdump-tools' files). The checks are chained as
# 'check && check || fail MESSAGE' (SC2015); substitutions inside checks
# only change what is compared (SC2312). The fake update-grub is written
# with its expansions literal (SC2016).
# shellcheck source=tests/cli/lib.sh disable=SC2015,SC2312,SC2016
. "${top_srcdir:?run through make}/tests/cli/lib.sh"

# shellcheck source=tests/cli/host-root.sh
. "$top_srcdir/tests/cli/host-root.sh"
D=$top_srcdir/debian

case_one_version() {
	local ac deb
	ac=$(sed -n 's/^AC_INIT(\[kdump-snp\], \[\([^]]*\)\].*/\1/p' "$top_srcdir/configure.ac")
	deb=$(sed -n '1s/^kdump-snp (\([^)]*\)).*/\1/p' "$D/changelog")
	[ -n "$ac" ] && [ "$ac" = "$deb" ] || fail "configure.ac says '$ac', debian/changelog '$deb'"
}

case_scripts_parse() {
	local f
	for f in "$D"/kdump-snp.postinst "$D"/kdump-snp.prerm "$D"/kdump-snp.postrm \
		"$D"/kernel/postinst.d/kdump-snp "$D"/kernel/postrm.d/kdump-snp; do
		# debhelper replaces its token with shell code; a no-op stands in
		sed 's/^#DEBHELPER#$/:/' "$f" >"$TMP/script"
		sh -n "$TMP/script" || fail "${f#"$top_srcdir"/} does not parse"
		# the token only on a line of its own: elsewhere debhelper breaks the script
		! grep -n '.#DEBHELPER#\|#DEBHELPER#.' "$f" || fail "${f#"$top_srcdir"/}: #DEBHELPER# inside a line"
	done
}

# host: a root with an image per kernel, a dump in /var/crash, kdump-tools'
# leftovers, and update-grub logging its runs
host() {
	host_root amd-iommu
	mkdir -p "$R/var/lib/kdump" "$R/var/crash/host-2026-12-02-10:00:00"
	printf 'MemTotal:       4096000 kB\n' >"$R/proc/meminfo"
	for k in "$kver" 6.12.99-other; do
		: >"$R/var/lib/kdump/initramfs-$k-kdump.img"
		: >"$R/var/lib/kdump/initramfs-$k-kdump.img.inputs"
	done
	: >"$R/var/lib/kdump/initrd.img-$kver"
	echo dump >"$R/var/crash/host-2026-12-02-10:00:00/vmcore"
	fake_update_grub
}

reset_crashkernel() {
	"$KDUMPCTL" --config="$R/etc/kdump.conf" --defaults="$R/etc/default/kdump" reset-crashkernel "$@" >/dev/null 2>&1 ||
		fail "kdumpctl reset-crashkernel $* failed"
}

postrm() {
	sed 's/^#DEBHELPER#$/:/' "$D/kdump-snp.postrm" >"$TMP/postrm"
	run sh "$TMP/postrm" "$@"
}

kept_what_is_not_ours() {
	[ -f "$R/var/crash/host-2026-12-02-10:00:00/vmcore" ] || fail "the dump in /var/crash is gone" || return
	[ -f "$R/var/lib/kdump/initrd.img-$kver" ] || fail "kdump-tools' image is gone"
}

case_remove_takes_the_estimate_and_images() {
	host
	reset_crashkernel || return
	: >"$GRUB_LOG"
	postrm remove
	expect_rc 0 && [ ! -e "$S" ] && grub_runs 1 &&
		[ ! -e "$R/var/lib/kdump/initramfs-$kver-kdump.img" ] &&
		[ ! -e "$R/var/lib/kdump/initramfs-6.12.99-other-kdump.img.inputs" ] ||
		fail "left: $(ls "$R/var/lib/kdump" "$S" 2>&1)" || return
	kept_what_is_not_ours
}

case_remove_keeps_a_size_the_admin_set() {
	host
	reset_crashkernel --size=700M || return
	: >"$GRUB_LOG"
	postrm remove
	expect_rc 0 && [ -e "$S" ] && grub_runs 0 || return
	# and an edit of the estimate
	rm -f "$S"
	reset_crashkernel || return
	sed -i 's/crashkernel=[0-9]*M"/crashkernel=999M"/' "$S"
	: >"$GRUB_LOG"
	postrm remove
	expect_rc 0 && [ -e "$S" ] && grub_runs 0
}

case_purge_takes_config_and_images_not_dumps() {
	host
	reset_crashkernel --size=700M || return
	: >"$GRUB_LOG"
	postrm remove
	postrm purge
	expect_rc 0 && [ ! -e "$S" ] && grub_runs 1 && [ -z "$(ls "$R/var/lib/kdump"/initramfs-* 2>/dev/null)" ] || return
	kept_what_is_not_ours
}

case_remove_in_the_configured_folder() {
	host
	mkdir -p "$R/srv/kdump"
	: >"$R/srv/kdump/initramfs-$kver-kdump.img"
	printf 'KDUMP_INITRD_DIR="/srv/kdump"\n' >"$R/etc/default/kdump"
	postrm remove
	expect_rc 0 && [ ! -e "$R/srv/kdump/initramfs-$kver-kdump.img" ] && [ ! -d "$R/srv/kdump" ] &&
		[ -e "$R/var/lib/kdump/initramfs-$kver-kdump.img" ] || fail "left: $(ls -R "$R/srv" "$R/var/lib/kdump" 2>&1)"
}

for f in $(declare -F | awk '$3 ~ /^case_/ {print $3}'); do
	t "${f#case_}" "$f"
done
finish
