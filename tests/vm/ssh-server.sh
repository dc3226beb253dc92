# shellcheck shell=bash
# shellcheck disable=SC2250,SC2292 # -o all style checks: these helpers use $var and [ ] throughout
# shellcheck disable=SC2312 # the sourcing script sets pipefail; substitutions inside arguments fill messages and files, and values that decide an outcome are tested where used
# The ssh server of the ssh-target scenarios (tests/vm/kdump-cycle.sh)
# and of make bench's ssh runs (bench/run-bench): the host's sshd, one
# `sshd -i` per connection (ssh-inetd.sh), reached only through QEMU's
# user network with restrict=on (the guest reaches nothing else) and a
# guestfwd of SSH_SERVER:22; its root's home is DIR/ssh-home
# (bind-mounted over /root in a mount namespace of its own). The guest
# gets a static address (systemd-networkd, vm_net_overlay), the key, the
# server's recorded host key and the authorized key, as `kdumpctl
# propagate` would leave them. No traffic leaves QEMU's user network.
#
# Sourced after tests/vm/lib.sh by a script that runs with
# `set -euo pipefail`.

SSH_SERVER=10.0.2.100
SSH_MAC=52:54:00:4b:44:01
SSH_GUEST_ADDR=10.0.2.15

# ssh_server_setup DIR: the server's files in DIR/ssh-server (its host
# key, a second host key, sshd_config, the per-connection script
# ssh-inetd.sh and the control port's control.sh), root's home
# DIR/ssh-home with the guest's key authorized, and the guest's overlay
# DIR/ssh-overlay (the static address of the NIC with SSH_MAC, the key
# /root/.ssh/kdump_id_ed25519 and the server's host key in
# /var/lib/kdump-snp/ssh_known_hosts); sets SSH_NET_ARGS, the QEMU
# arguments of the guest's NIC. The server's mode (DIR/ssh-server/mode,
# which the guest sets through the control port SSH_SERVER:2222): up (the
# default); down: the connection is accepted (QEMU's user network accepts
# it for the guest) and never answered, a server that hangs; otherkey:
# sshd with the other host key.
ssh_server_setup() {
	local dir=$1
	local srv=$dir/ssh-server ov=$dir/ssh-overlay home=$dir/ssh-home
	rm -rf -- "$srv" "$ov" "$home"
	mkdir -p -- "$srv" "$home/.ssh" "$ov/root/.ssh" "$ov/var/lib/kdump-snp"
	chmod 0700 "$home" "$home/.ssh" "$ov/root" "$ov/root/.ssh"
	ssh-keygen -q -t ed25519 -N '' -f "$srv/hostkey"
	ssh-keygen -q -t ed25519 -N '' -f "$srv/otherkey"
	ssh-keygen -q -t ed25519 -N '' -C kdump-snp -f "$ov/root/.ssh/kdump_id_ed25519"
	cp -- "$ov/root/.ssh/kdump_id_ed25519.pub" "$home/.ssh/authorized_keys"
	printf '%s %s\n' "$SSH_SERVER" "$(cut -d' ' -f1,2 "$srv/hostkey.pub")" >"$ov/var/lib/kdump-snp/ssh_known_hosts"
	# sftp as Debian's sshd has it: OpenSSH's scp speaks sftp
	cat >"$srv/sshd_config" <<-EOF
		HostKey $srv/hostkey
		PidFile none
		UsePAM no
		PermitRootLogin prohibit-password
		PasswordAuthentication no
		KbdInteractiveAuthentication no
		StrictModes no
		Subsystem sftp internal-sftp
	EOF
	sed "s|^HostKey .*|HostKey $srv/otherkey|" "$srv/sshd_config" >"$srv/sshd_config.otherkey"
	cat >"$srv/ssh-inetd.sh" <<-EOF
		#!/bin/sh
		cfg=$srv/sshd_config
		case \$(cat "$srv/mode" 2>/dev/null) in
		down) exec cat >/dev/null ;;
		otherkey) cfg=$srv/sshd_config.otherkey ;;
		esac
		exec unshare --mount sh -c 'mount --bind "\$1" /root && mount -t tmpfs tmpfs /run && mkdir /run/sshd && exec /usr/sbin/sshd -i -f "\$2" -E "\$3"' sh "$home" "\$cfg" "$srv/sshd.log"
	EOF
	cat >"$srv/control.sh" <<-EOF
		#!/bin/sh
		read -r m || exit 1
		case \$m in
		up | down | otherkey) printf '%s\\n' "\$m" >"$srv/mode.new" && mv -f "$srv/mode.new" "$srv/mode" && echo ok ;;
		*) echo "unknown mode" ;;
		esac
	EOF
	chmod +x "$srv/ssh-inetd.sh" "$srv/control.sh"
	rm -f -- "$srv/mode"
	vm_net_overlay "$ov" "$SSH_MAC" "$SSH_GUEST_ADDR/24"
	# shellcheck disable=SC2034 # the caller's
	SSH_NET_ARGS=(-netdev "user,id=n0,restrict=on,net=10.0.2.0/24,guestfwd=tcp:$SSH_SERVER:22-cmd:$srv/ssh-inetd.sh,guestfwd=tcp:$SSH_SERVER:2222-cmd:$srv/control.sh"
		-device "virtio-net-pci,netdev=n0,mac=$SSH_MAC")
}
