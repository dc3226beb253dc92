#!/bin/bash
# shellcheck disable=SC2154 # initdir, moddir, systemdsystemunitdir are set by dracut
# dracut module of kdump-snp: the capture initramfs that the crash kernel
# boots. `kdumpctl rebuild` runs dracut with this module and passes what it
# decided in the environment (dracut sources this file; no config is parsed
# here). Two kinds of image:
#   minimal  (dracut --modules kdump-snp) /init is `kdumpctl capture`: no
#            systemd, no udev; it loads the image's modules and saves
#   systemd  (dracut --add kdump-snp) dracut's systemd initrd;
#            kdump-capture.service runs `kdumpctl save`
#
#   KDUMP_SNP_INIT           minimal or systemd
#   KDUMP_SNP_CONF           the validated kdump.conf
#   KDUMP_SNP_KDUMPCTL       the kdumpctl binary
#   KDUMP_SNP_TARGET         where the dump goes: "key=value" lines (spec,
#                            fstype, options, dir, ...) for kdumpctl save
#   KDUMP_SNP_ROOTFS         the same for failure_action dump_to_rootfs, or empty
#   KDUMP_SNP_FSTYPES        file system drivers the targets need (nfs: the
#                            kernel's NFSv4 client, nfs and nfsv4, which
#                            bring sunrpc; the mount needs no mount.nfs)
#   KDUMP_SNP_EXTRA_MODULES  kdump.conf extra_modules
#   KDUMP_SNP_MODULE_OPTIONS kdump.conf options as modprobe.d lines
#                            ("options <module> <parameters>"), or empty:
#                            /etc/modprobe.d/kdump-snp-options.conf, which
#                            modprobe (systemd image) and kdumpctl capture
#                            (minimal image) read
#   KDUMP_SNP_FILES          newline-separated extra_bins and hooks
#   KDUMP_SNP_FAILURE_ACTION systemd FailureAction= for kdump-capture.service
#                            when kdumpctl save dies ("none": a shell)
#   KDUMP_SNP_CAPTURE_TIMEOUT kdump.conf capture_timeout in seconds (0: none)
#   KDUMP_SNP_WATCHDOG       the host's hardware watchdog ("driver=",
#                            "modules=", "timeout=" lines), or empty
#   KDUMP_SNP_SSH_KEY        ssh target: the private key, and
#   KDUMP_SNP_SSH_KNOWN_HOSTS  the server's host key propagate recorded;
#                            both go to /etc/kdump-snp/ssh/ (0600) with ssh
#   KDUMP_SNP_DHCP_CLIENT    KDUMP_NET=dhcp: the DHCP client (dhcpcd) that
#                            kdumpctl save runs; unset otherwise
#   KDUMP_SNP_NETWORK        network target: the record of the interface,
#                            address and route (/etc/kdump-snp/network)
#   KDUMP_SNP_NET_MODULES    that interface's driver module and, when the
#                            route goes through a VLAN, 8021q; or empty

check() {
	# only when kdumpctl asks for it
	return 255
}

depends() {
	[ "${KDUMP_SNP_INIT:-systemd}" = minimal ] || echo systemd
	return 0
}

# install_dev_drivers MAJ:MIN: the drivers of a block device and its parents
install_dev_drivers() {
	local m
	for m in $(get_dev_module "/dev/block/$1"); do
		hostonly='' instmods "$m"
	done
}

# the modules the host's watchdog needs (its "modules=" line)
watchdog_modules() {
	sed -n 's/^modules=//p' <<<"${KDUMP_SNP_WATCHDOG:-}"
}

installkernel() {
	local m
	# shellcheck disable=SC2086,SC2046 # word lists
	for m in $KDUMP_SNP_FSTYPES $KDUMP_SNP_EXTRA_MODULES $(watchdog_modules) ${KDUMP_SNP_NET_MODULES:-}; do
		hostonly='' instmods "$m"
	done
	[ "${KDUMP_SNP_INIT:-systemd}" = minimal ] || return 0
	# the minimal init loads every module of the image, so the image gets
	# only the drivers of the devices the dump needs (not dracut's
	# kernel-modules selection), and crc32c, which ext4 and xfs would
	# otherwise ask a modprobe for
	hostonly='' instmods crc32c
	if ! for_each_host_dev_and_slaves install_dev_drivers; then
		hostonly='' instmods virtio_blk virtio_scsi nvme ahci sd_mod
	fi
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

# install_timeout SECONDS: the unit's bound on the whole capture; a start
# that times out fails the unit, which takes failure_action
# (failure-action.conf). A process that SIGKILL cannot end (D state) does
# not hold the action up for more than TimeoutStopSec.
install_timeout() {
	local d="$initdir$systemdsystemunitdir/kdump-capture.service.d" t=$1
	[ "$t" != 0 ] || t=infinity
	mkdir -p "$d"
	printf '[Service]\nTimeoutStartSec=%s\nTimeoutStopSec=10\n' "$t" >"$d/timeout.conf"
}

# install_ssh: the client, the key and the recorded host key, and the
# passwd entry ssh needs for the user it runs as
install_ssh() {
	inst_multiple ssh
	inst_dir /etc/kdump-snp/ssh
	inst_simple "$KDUMP_SNP_SSH_KEY" /etc/kdump-snp/ssh/id
	inst_simple "$KDUMP_SNP_SSH_KNOWN_HOSTS" /etc/kdump-snp/ssh/known_hosts
	chmod 0700 "$initdir/etc/kdump-snp/ssh"
	chmod 0600 "$initdir/etc/kdump-snp/ssh/id" "$initdir/etc/kdump-snp/ssh/known_hosts"
	if ! grep -qs '^root:' "$initdir/etc/passwd"; then
		echo 'root:x:0:0:root:/root:/bin/sh' >>"$initdir/etc/passwd"
	fi
	mkdir -p "$initdir/root"
	chmod 0700 "$initdir/root"
}

# install_dhcp: the DHCP client, and the directory of its lease (it makes
# that one, and /run/dhcpcd, but not /var/lib)
install_dhcp() {
	if ! inst_multiple "$KDUMP_SNP_DHCP_CLIENT"; then
		derror "kdump-snp: cannot install the DHCP client $KDUMP_SNP_DHCP_CLIENT (KDUMP_NET=dhcp)"
		return 1
	fi
	inst_dir /var/lib/dhcpcd
}

# install_minimal_init: /init runs kdumpctl capture; a shell for hooks and
# failure_action shell; the watchdog record kdumpctl capture arms it from
install_minimal_init() {
	inst_multiple sh
	inst_simple "$moddir/capture-init.sh" /init
	chmod 0755 "$initdir/init"
	[ -z "${KDUMP_SNP_WATCHDOG:-}" ] || printf '%s' "$KDUMP_SNP_WATCHDOG" >"$initdir/etc/kdump-snp/watchdog"
}

install() {
	local f
	if [ -z "${KDUMP_SNP_CONF:-}" ] || [ -z "${KDUMP_SNP_KDUMPCTL:-}" ]; then
		derror "kdump-snp: run dracut through kdumpctl rebuild"
		return 1
	fi
	inst_binary "$KDUMP_SNP_KDUMPCTL" /usr/sbin/kdumpctl
	inst_multiple makedumpfile sync
	inst_simple "$KDUMP_SNP_CONF" /etc/kdump.conf
	inst_dir /etc/kdump-snp
	printf '%s' "${KDUMP_SNP_TARGET:-}" >"$initdir/etc/kdump-snp/target"
	[ -z "${KDUMP_SNP_ROOTFS:-}" ] || printf '%s' "$KDUMP_SNP_ROOTFS" >"$initdir/etc/kdump-snp/rootfs"
	[ -f /etc/hostname ] && inst_simple /etc/hostname
	if [ -n "${KDUMP_SNP_MODULE_OPTIONS:-}" ]; then
		inst_dir /etc/modprobe.d
		printf '%s' "$KDUMP_SNP_MODULE_OPTIONS" >"$initdir/etc/modprobe.d/kdump-snp-options.conf"
	fi
	while IFS= read -r f; do
		[ -n "$f" ] && inst "$f"
	done <<<"${KDUMP_SNP_FILES:-}"
	[ -z "${KDUMP_SNP_SSH_KEY:-}" ] || install_ssh
	# network targets (ssh, nfs): the record kdumpctl save brings the NIC up from
	[ -z "${KDUMP_SNP_NETWORK:-}" ] || printf '%s' "$KDUMP_SNP_NETWORK" >"$initdir/etc/kdump-snp/network"
	if [ -n "${KDUMP_SNP_DHCP_CLIENT:-}" ]; then
		install_dhcp || return 1
	fi
	if [ "${KDUMP_SNP_INIT:-systemd}" = minimal ]; then
		install_minimal_init
		return 0
	fi
	inst_simple "$moddir/kdump-capture.service" "$systemdsystemunitdir/kdump-capture.service"
	install_failure_action "${KDUMP_SNP_FAILURE_ACTION:-reboot-force}"
	install_timeout "${KDUMP_SNP_CAPTURE_TIMEOUT:-0}"
	$SYSTEMCTL -q --root "$initdir" add-wants initrd.target kdump-capture.service
}
