#!/bin/bash
# The Debian package's kernel hooks (debian/kernel/post{inst,rm}.d/kdump-snp)
# and `kdumpctl rebuild --kernel-version` that the first one runs: a new
# kernel gets its capture image, which its first boot finds fresh; a
# removed kernel's image goes. dracut is tests/cli/fake-dracut, systemctl a
# script that answers is-enabled. The checks are chained as
# 'check && check || fail MESSAGE' (SC2015); substitutions inside checks
# only change what is compared (SC2312). The fake systemctl is written
# with its expansions literal (SC2016).
# shellcheck source=tests/cli/lib.sh disable=SC2015,SC2312,SC2016
. "${top_srcdir:?run through make}/tests/cli/lib.sh"

# shellcheck source=tests/cli/host-root.sh
. "$top_srcdir/tests/cli/host-root.sh"
POSTINST=$top_srcdir/debian/kernel/postinst.d/kdump-snp
POSTRM=$top_srcdir/debian/kernel/postrm.d/kdump-snp
NEW=6.12.99-kdump-test

# host: a copy of the amd-iommu fixture running OLD (its osrelease) with
# NEW installed beside it; kdumpctl as the hook calls it (a wrapper with
# the root's kdump.conf and defaults); systemctl saying kdump.service is
# enabled unless FAKE_DISABLED=1
host() {
	host_root amd-iommu
	fake_dracut
	OLD=$kver
	mkdir -p "$R/bin"
	"$MK" "$R/boot/vmlinuz-$NEW"
	printf '#!/bin/sh\nexec "%s" --config="%s" --defaults="%s" "$@"\n' \
		"$KDUMPCTL" "$R/etc/kdump.conf" "$R/etc/default/kdump" >"$R/bin/kdumpctl"
	printf '#!/bin/sh\n[ "$*" = "--quiet is-enabled kdump.service" ] && [ "${FAKE_DISABLED:-0}" != 1 ]\n' >"$R/bin/systemctl"
	chmod +x "$R/bin/kdumpctl" "$R/bin/systemctl"
	export KDUMP_SNP_KDUMPCTL=$R/bin/kdumpctl KDUMP_SNP_DEFAULTS=$R/etc/default/kdump
	PATH=$R/bin:$PATH
	IMGDIR=$R/var/lib/kdump
}

case_new_kernel_image_is_fresh_at_its_boot() {
	host
	run "$POSTINST" "$NEW" "/boot/vmlinuz-$NEW"
	expect_rc 0 && dracut_runs 1 && grep -q -- "--kver $NEW" "$FAKE_DRACUT_LOG" &&
		[ -s "$IMGDIR/initramfs-$NEW-kdump.img" ] && [ ! -e "$IMGDIR/initramfs-$OLD-kdump.img" ] ||
		fail "no image for $NEW: $(ls "$IMGDIR" 2>&1)" || return
	# the first boot of NEW: kdump.service's start keeps the image
	echo "$NEW" >"$R/proc/sys/kernel/osrelease"
	kdumpctl start
	expect_rc 0 && dracut_runs 1
}

case_disabled_service_builds_nothing() {
	host
	FAKE_DISABLED=1 run "$POSTINST" "$NEW" "/boot/vmlinuz-$NEW"
	expect_rc 0 && dracut_runs 0 && [ ! -e "$IMGDIR/initramfs-$NEW-kdump.img" ]
}

case_pinned_crash_kernel_builds_nothing() {
	host
	printf 'KDUMP_KERNELVER="%s"\n' "$OLD" >"$R/etc/default/kdump"
	run "$POSTINST" "$NEW" "/boot/vmlinuz-$NEW"
	expect_rc 0 && dracut_runs 0
}

case_removed_package_builds_nothing() {
	host
	KDUMP_SNP_KDUMPCTL=$R/no/kdumpctl run "$POSTINST" "$NEW" "/boot/vmlinuz-$NEW"
	expect_rc 0 && dracut_runs 0
}

case_failed_build_does_not_fail_the_kernel() {
	host
	FAKE_DRACUT_FAIL=1 run "$POSTINST" "$NEW" "/boot/vmlinuz-$NEW"
	expect_rc 0 && dracut_runs 1 && expect_in err "the capture image for $NEW was not built"
}

case_removed_kernel_image_goes() {
	host
	run "$POSTINST" "$NEW" "/boot/vmlinuz-$NEW"
	kdumpctl rebuild
	[ -e "$IMGDIR/initramfs-$NEW-kdump.img.inputs" ] && [ -e "$IMGDIR/initramfs-$OLD-kdump.img" ] ||
		fail "setup: $(ls "$IMGDIR" 2>&1)" || return
	run "$POSTRM" "$NEW" "/boot/vmlinuz-$NEW"
	expect_rc 0 && [ ! -e "$IMGDIR/initramfs-$NEW-kdump.img" ] &&
		[ ! -e "$IMGDIR/initramfs-$NEW-kdump.img.inputs" ] &&
		[ -e "$IMGDIR/initramfs-$OLD-kdump.img" ] && [ -e "$IMGDIR/initramfs-$OLD-kdump.img.inputs" ] ||
		fail "left: $(ls "$IMGDIR" 2>&1)"
}

case_removed_kernel_image_in_initrd_dir() {
	host
	printf 'KDUMP_INITRD_DIR="/srv/kdump"\n' >"$R/etc/default/kdump"
	run "$POSTINST" "$NEW" "/boot/vmlinuz-$NEW"
	[ -e "$R/srv/kdump/initramfs-$NEW-kdump.img" ] || fail "setup: no image in /srv/kdump" || return
	run "$POSTRM" "$NEW"
	expect_rc 0 && [ ! -e "$R/srv/kdump/initramfs-$NEW-kdump.img" ]
}

case_postrm_refuses_a_path() {
	host
	mkdir -p "$R/var/lib/x"
	: >"$R/var/lib/x-kdump.img"
	run "$POSTRM" "../x"
	expect_rc 0 && [ -e "$R/var/lib/x-kdump.img" ]
}

case_kernel_version_only_for_rebuild() {
	host
	kdumpctl start --kernel-version="$NEW"
	expect_rc 2 && expect_in err "--kernel-version does not apply to start" || return
	kdumpctl rebuild --kernel-version=../../etc
	expect_rc 2 && expect_in err "--kernel-version=../../etc: not a kernel release" && dracut_runs 0
}

for f in $(declare -F | awk '$3 ~ /^case_/ {print $3}'); do
	t "${f#case_}" "$f"
done
finish
