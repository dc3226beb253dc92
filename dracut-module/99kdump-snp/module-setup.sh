#!/bin/bash
# dracut module of kdump-snp: the capture initramfs that the crash kernel
# boots. `kdumpctl rebuild` runs dracut with --add kdump-snp and passes what
# it decided in the environment (dracut sources this file; no config is
# parsed here):
#   KDUMP_SNP_CONF           the validated kdump.conf
#   KDUMP_SNP_KDUMPCTL       the kdumpctl binary
#   KDUMP_SNP_ROOTFS         "SPEC FSTYPE" of the root file system
#   KDUMP_SNP_FSTYPES        file system drivers the targets need
#   KDUMP_SNP_EXTRA_MODULES  kdump.conf extra_modules
#   KDUMP_SNP_FILES          newline-separated extra_bins and hooks
#   KDUMP_SNP_FAILURE_ACTION systemd FailureAction= for kdump-capture.service
#                            when kdumpctl save dies ("none": a shell)

check() {
	# only when kdumpctl asks for it
	return 255
}

depends() {
	echo systemd
	return 0
}

installkernel() {
	local m
	# shellcheck disable=SC2086 # word lists
	for m in $KDUMP_SNP_FSTYPES $KDUMP_SNP_EXTRA_MODULES; do
		hostonly='' instmods "$m"
	done
}

# install_failure_action ACTION: a drop-in that replaces the unit's default
install_failure_action() {
	local d="$initdir$systemdsystemunitdir/kdump-capture.service.d"
	mkdir -p "$d"
	{
		printf '[Unit]\nFailureAction=%s\n' "$1"
		[ "$1" != none ] || printf 'OnFailure=emergency.target\n'
	} >"$d/failure-action.conf"
}

install() {
	local f
	[ -n "${KDUMP_SNP_CONF:-}" ] && [ -n "${KDUMP_SNP_KDUMPCTL:-}" ] || {
		derror "kdump-snp: run dracut through kdumpctl rebuild"
		return 1
	}
	inst_binary "$KDUMP_SNP_KDUMPCTL" /usr/sbin/kdumpctl
	inst_multiple makedumpfile sync
	inst_simple "$KDUMP_SNP_CONF" /etc/kdump.conf
	inst_dir /etc/kdump-snp
	printf '%s\n' "$KDUMP_SNP_ROOTFS" >"$initdir/etc/kdump-snp/rootfs"
	[ -f /etc/hostname ] && inst_simple /etc/hostname
	while IFS= read -r f; do
		[ -n "$f" ] && inst "$f"
	done <<<"${KDUMP_SNP_FILES:-}"
	inst_simple "$moddir/kdump-capture.service" "$systemdsystemunitdir/kdump-capture.service"
	install_failure_action "${KDUMP_SNP_FAILURE_ACTION:-reboot-force}"
	$SYSTEMCTL -q --root "$initdir" add-wants initrd.target kdump-capture.service
}
