# shellcheck shell=bash
# shellcheck disable=SC2250,SC2292 # -o all style checks: these helpers use $var and [ ] throughout
# shellcheck disable=SC2312 # substitutions inside arguments fill messages and files; what decides an outcome is tested where used
# shellcheck disable=SC2154 # here and work are kdump-cycle.sh's, SSH_MAC tests/vm/ssh-server.sh's
# The ssh server of the ssh-vlan scenario (tests/vm/kdump-cycle.sh): the
# host's OpenSSH sshd in a network namespace the test creates, reachable
# from the guest only through VLAN VLAN_ID. The guest's NIC is a -netdev
# stream on a UNIX socket whose other end is tests/vm/vlan-port.c, an
# access port that passes frames tagged with that VLAN to a tap device in
# the namespace (untagged) and drops the rest. The host kernel needs no
# 8021q; no traffic leaves the namespace and the socket.
#
# Sourced by kdump-cycle.sh after lib.sh; vlan_server_kill is in its trap.

VLAN_ID=42
VLAN_SERVER=10.0.42.1
VLAN_GUEST=10.0.42.15
VLAN_NS=
VLAN_PORT_PID=
VLAN_SSHD_PID=

# vlan_server_start WORK SRV HOME: the port on WORK/vlan.sock (VLAN_SOCK)
# and sshd with SRV/sshd_config (tests/vm/ssh-server.sh ssh_server_setup),
# HOME as root's home, logging to SRV/sshd.log
vlan_server_start() {
	local work=$1 srv=$2 home=$3 i
	VLAN_SOCK=$work/vlan.sock
	cc -O2 -Wall -Wextra -o "$work/vlan-port" "$here/vlan-port.c" || vm_die "cannot build tests/vm/vlan-port.c"
	VLAN_NS=kdump-vlan-$$
	ip netns add "$VLAN_NS" || vm_die "cannot create the network namespace $VLAN_NS"
	ip -n "$VLAN_NS" link set lo up
	rm -f -- "$VLAN_SOCK"
	ip netns exec "$VLAN_NS" "$work/vlan-port" "$VLAN_SOCK" "$VLAN_ID" kdvlan0 2>"$work/vlan-port.log" &
	VLAN_PORT_PID=$!
	for ((i = 0; i < 50; i++)); do
		[ ! -S "$VLAN_SOCK" ] || break
		sleep 0.1
	done
	[ -S "$VLAN_SOCK" ] || vm_die "vlan-port did not start: $(cat -- "$work/vlan-port.log")"
	ip -n "$VLAN_NS" addr add "$VLAN_SERVER/24" dev kdvlan0
	ip -n "$VLAN_NS" link set kdvlan0 up
	# root's home is HOME, as for the ssh-target scenario's sshd -i
	# shellcheck disable=SC2016 # the inner shell expands its arguments
	ip netns exec "$VLAN_NS" unshare --mount sh -c 'mount --bind "$1" /root && mount -t tmpfs tmpfs /run &&
		mkdir /run/sshd && exec /usr/sbin/sshd -D -f "$2" -E "$3" -o ListenAddress="$4"' \
		sh "$home" "$srv/sshd_config" "$srv/sshd.log" "$VLAN_SERVER" &
	VLAN_SSHD_PID=$!
	for ((i = 0; i < 100; i++)); do
		! ip netns exec "$VLAN_NS" bash -c "exec 3<>/dev/tcp/$VLAN_SERVER/22" 2>/dev/null || return 0
		sleep 0.1
	done
	vm_die "sshd did not listen on $VLAN_SERVER in $VLAN_NS: $(tail -n 5 -- "$srv/sshd.log")"
}

# vlan_server_kill: end sshd and the port (which then logs its counts),
# remove the namespace
vlan_server_kill() {
	local p
	for p in "$VLAN_SSHD_PID" "$VLAN_PORT_PID"; do
		[ -n "$p" ] || continue
		kill -- "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	VLAN_SSHD_PID=
	VLAN_PORT_PID=
	[ -z "$VLAN_NS" ] || ip netns del "$VLAN_NS" 2>/dev/null || true
	VLAN_NS=
}

# vlan_guest_overlay DIR: systemd-networkd in the guest puts its address
# on VLAN VLAN_ID (MTU 1400) of the NIC with SSH_MAC; the NIC itself has
# no address. The VLAN has the NIC's MAC, so its .network sorts first.
vlan_guest_overlay() {
	local net=$1/etc/systemd/network
	rm -f -- "$net"/*.network "$net"/*.netdev
	printf '[Match]\nMACAddress=%s\n\n[Link]\nRequiredForOnline=no\n\n[Network]\nVLAN=vlan%s\nLinkLocalAddressing=no\n' \
		"$SSH_MAC" "$VLAN_ID" >"$net/10-kdump-test.network"
	printf '[NetDev]\nName=vlan%s\nKind=vlan\nMTUBytes=1400\n\n[VLAN]\nId=%s\n' "$VLAN_ID" "$VLAN_ID" \
		>"$net/20-kdump-vlan.netdev"
	printf '[Match]\nName=vlan%s\n\n[Network]\nAddress=%s/24\nLinkLocalAddressing=no\n' "$VLAN_ID" "$VLAN_GUEST" \
		>"$net/05-kdump-vlan.network"
	printf '%s %s\n' "$VLAN_SERVER" "$(cut -d' ' -f1,2 "$work/ssh-server/hostkey.pub")" \
		>"$1/var/lib/kdump-snp/ssh_known_hosts"
}
