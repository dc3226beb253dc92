#!/bin/bash
# An ssh dump target against a real OpenSSH server: `kdumpctl propagate`,
# `check`, `start` and `save --vmcore` with sshd on 192.0.2.1 port 22 in a
# network namespace of its own, which a veth pair links to the network
# namespace this script runs in (192.0.2.10/24), both made here, with a
# private mount namespace whose /root and /run are fresh tmpfs (the
# server's home and sshd's run directory). No traffic leaves the veth pair.
# Needs root, unshare, ip and sshd (openssh-server).
#
# Usage: tests/save/ssh-tests.sh VMCORE   (run by make check-save)
# The checks are chained as 'check && check || fail MESSAGE': fail runs when
# any check failed, as meant (SC2015); a command substitution inside a check
# or a message can only change what is compared or printed (SC2312).
# shellcheck source=tests/cli/lib.sh disable=SC2015,SC2312
. "${top_srcdir:?run through make}/tests/cli/lib.sh"

VMCORE=${1:?usage: ssh-tests.sh VMCORE}
KDUMPCTL=$top_builddir/kdumpctl/kdumpctl
MK=$top_builddir/tests/cli/mkfakekernel
SSHD=/usr/sbin/sshd

if [ -z "${KDUMP_SSH_TEST_NS:-}" ]; then
	prereq=""
	[ "$(id -u)" = 0 ] || prereq="root"
	[ -x "$SSHD" ] || prereq="$prereq sshd (openssh-server)"
	command -v unshare >/dev/null || prereq="$prereq unshare"
	command -v ip >/dev/null || prereq="$prereq ip"
	if [ -n "$prereq" ]; then
		# shellcheck disable=SC2317 # called through t
		skip_all() { skip "needs$prereq"; }
		t "ssh target" skip_all
		finish
		exit
	fi
	rm -rf "$TMP"
	KDUMP_SSH_TEST_NS=1 exec unshare --net --mount --propagation private -- bash "$0" "$@"
fi

SRV_IP=192.0.2.1
NS=kdump-srv
ip link set lo up
mount -t tmpfs -o mode=0700 tmpfs /root
mount -t tmpfs -o mode=0755 tmpfs /run
mount -t sysfs sysfs /sys
mkdir -p /run/sshd
ip netns add "$NS"
ip link add kd0 address 02:00:00:00:00:10 type veth peer name kd1 netns "$NS"
ip netns exec "$NS" ip link set lo up
ip netns exec "$NS" ip addr add "$SRV_IP/24" dev kd1
ip netns exec "$NS" ip link set kd1 up
ip addr add 192.0.2.10/24 dev kd0
ip link set kd0 up

export KDUMP_SNP_DRY_RUN=1
export KDUMP_SNP_DRACUT=$top_srcdir/tests/cli/fake-dracut
export FAKE_DRACUT_LOG=$TMP/dracut.log
export KDUMP_SNP_DRACUT_MODULE_DIR=$TMP/module

# the fixture host kdumpctl sees (as tests/cli/kdumpctl-cli.sh makes it)
R=$TMP/root
cp -r "$FIXTURES/amd-iommu" "$R"
kver=$(cat "$R/proc/sys/kernel/osrelease")
mkdir -p "$R/boot" "$R/run" "$R/etc/default" "$R/proc/self" "$TMP/module"
"$MK" "$R/boot/vmlinuz-$kver"
printf 'MemTotal:       65536000 kB\nMemFree:        60000000 kB\n' >"$R/proc/meminfo"
: >"$R/etc/default/kdump"
echo "22 1 254:1 / / rw,relatime shared:1 - ext4 /dev/kdump-test-root rw" >"$R/proc/self/mountinfo"
printf 'install() { :; }\n' >"$TMP/module/module-setup.sh"
export KDUMP_SNP_SYSROOT=$R
CONF=$R/etc/kdump.conf
KEY=$R/root/.ssh/kdump_id_ed25519
KNOWN=$R/var/lib/kdump-snp/ssh_known_hosts

# the server: sshd with its own host key; root's home is the tmpfs /root
SRV=$TMP/server
AK=/root/.ssh/authorized_keys
mkdir -p "$SRV"
ssh-keygen -q -t ed25519 -N '' -f "$SRV/hostkey"
ssh-keygen -q -t ed25519 -N '' -f "$SRV/otherkey"
sshd_start() {
	cat >"$SRV/sshd_config" <<-EOF
		ListenAddress $SRV_IP:22
		HostKey $SRV/${1:-hostkey}
		PidFile $SRV/sshd.pid
		UsePAM no
		PermitRootLogin prohibit-password
		PasswordAuthentication no
		KbdInteractiveAuthentication no
		StrictModes no
	EOF
	ip netns exec "$NS" "$SSHD" -f "$SRV/sshd_config" -E "$SRV/sshd.log" || return 1
	for _ in $(seq 50); do
		[ -s "$SRV/sshd.pid" ] && return 0
		sleep 0.1
	done
	fail "sshd did not start: $(cat "$SRV/sshd.log")"
}
sshd_stop() {
	[ -s "$SRV/sshd.pid" ] && kill "$(cat "$SRV/sshd.pid")"
	for _ in $(seq 50); do
		[ -e "$SRV/sshd.pid" ] || return 0
		sleep 0.1
	done
}
cleanup() {
	sshd_stop
	ip netns del "$NS" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT

# the admin's own key, which logs in already: propagate's install step uses it
mkdir -m 0700 /root/.ssh
ssh-keygen -q -t ed25519 -N '' -f /root/.ssh/id_ed25519
cp /root/.ssh/id_ed25519.pub "$AK"

conf() {
	printf '%s\n' "$@" >"$CONF"
}

kdumpctl() {
	run "$KDUMPCTL" --config="$CONF" --defaults="$R/etc/default/kdump" "$@"
}

sshd_start || exit 1

case_1_check_before_propagate() {
	conf "ssh root@$SRV_IP" "path /var/crash" "link_delay 5"
	kdumpctl check
	expect_rc 0 &&
	expect_line out "dump target:     ssh root@$SRV_IP" &&
	expect_line out "sshkey:          $KEY" &&
	expect_line out "reachability:    not ready: the key $KEY does not exist; run kdumpctl propagate" ||
		fail "check"
}

case_2_start_refuses_without_key() {
	kdumpctl start
	expect_rc 1 &&
	expect_in err "ssh target root@$SRV_IP not ready: the key $KEY does not exist" &&
	[ ! -e "$R/var/lib/kdump/initramfs-$kver-kdump.img" ] || fail "start armed or built"
}

case_3_propagate() {
	kdumpctl propagate
	expect_rc 0 &&
	expect_in err "created the ssh key $KEY (ed25519)" &&
	expect_in err "installing $KEY.pub on root@$SRV_IP" &&
	expect_in err "reachable: logged in to root@$SRV_IP with $KEY and wrote in ~/var/crash" ||
		return 1
	[ "$(stat -c %a "$KEY")" = 600 ] || fail "key mode $(stat -c %a "$KEY")"
	grep -qF "$(cut -d' ' -f1,2 "$KEY.pub")" "$AK" || fail "key not installed"
	# the recorded host key is the server's
	grep -qF "$(cut -d' ' -f2 "$SRV/hostkey.pub")" "$KNOWN" || fail "host key not recorded"
	# a second run installs nothing
	kdumpctl propagate
	expect_rc 0 && expect_in err "already logs in" && expect_not_in err "installing" &&
	[ "$(grep -c kdump-snp "$AK")" = 1 ] || fail "second propagate"
}

case_4_check_and_start() {
	kdumpctl check
	expect_rc 0 &&
	expect_line out "reachability:    reachable: logged in to root@$SRV_IP with $KEY and wrote in ~/var/crash" ||
		return 1
	kdumpctl start
	expect_rc 0 && expect_in err "crash kernel loaded" || fail "start"
	# the image gets the key, the host key and how this host reaches the server
	grep -qx "KDUMP_SNP_SSH_KEY=$KEY" "$FAKE_DRACUT_LOG" &&
	grep -qx "KDUMP_SNP_SSH_KNOWN_HOSTS=$KNOWN" "$FAKE_DRACUT_LOG" &&
	grep -qx "KDUMP_SNP_NETWORK=ifname=kd0|mac=02:00:00:00:00:10|driver=|mtu=1500|family=inet|address=192.0.2.10|prefix=24|gateway=|server=$SRV_IP|dhcp=0|" "$FAKE_DRACUT_LOG" ||
		fail "dracut's environment: $(grep KDUMP_SNP_ "$FAKE_DRACUT_LOG")"
	# a changed address rebuilds
	ip addr del 192.0.2.10/24 dev kd0 && ip addr add 192.0.2.11/24 dev kd0
	kdumpctl start
	ip addr del 192.0.2.11/24 dev kd0 && ip addr add 192.0.2.10/24 dev kd0
	expect_rc 0 && expect_in err "rebuilding the capture image" &&
	grep -q "address=192.0.2.11|" "$FAKE_DRACUT_LOG" || fail "no rebuild for a new address"
}

case_5_save_streams_flattened() {
	conf "ssh root@$SRV_IP" "path /var/crash" "final_action poweroff" \
		"core_collector makedumpfile -l --message-level 1 -d 31"
	kdumpctl save --vmcore="$VMCORE"
	expect_rc 0 &&
	expect_line out "final_action: poweroff (not taken: save was given --vmcore or --target)" ||
		return 1
	D=$(find /root/var/crash -mindepth 1 -maxdepth 1 -type d | head -n1)
	[ -n "$D" ] || { fail "no dump directory on the server"; return 1; }
	[ -s "$D/vmcore.flat" ] && [ -s "$D/vmcore-dmesg.txt" ] && [ -s "$D/kdump-info.txt" ] &&
	[ -z "$(find "$D" -name '*incomplete*')" ] || fail "files on the server: $(ls "$D")"
	[ "$(stat -c %a "$D")" = 700 ] || fail "directory mode $(stat -c %a "$D")"
	for f in vmcore.flat vmcore-dmesg.txt kdump-info.txt; do
		[ "$(stat -c %a "$D/$f")" = 600 ] || fail "$f mode $(stat -c %a "$D/$f")"
	done
	grep -qx "result: saved" "$D/kdump-info.txt" &&
	grep -qx "collector_status: 0" "$D/kdump-info.txt" &&
	grep -qx "bytes_written: $(stat -c %s "$D/vmcore.flat")" "$D/kdump-info.txt" &&
	grep -q "^collector: makedumpfile -F " "$D/kdump-info.txt" ||
		fail "kdump-info.txt: $(cat "$D/kdump-info.txt")"
	# the host's check: -R back to a normal dump that makedumpfile reads
	makedumpfile -R "$TMP/vmcore" <"$D/vmcore.flat" >/dev/null 2>&1 &&
	makedumpfile --dump-dmesg "$TMP/vmcore" "$TMP/dmesg.check" >/dev/null 2>&1 &&
	grep -q "sysrq triggered crash" "$TMP/dmesg.check" || fail "vmcore.flat does not read back"
	grep -q "sysrq triggered crash" "$D/vmcore-dmesg.txt" || fail "vmcore-dmesg.txt"
}

case_6_not_writable() {
	: >/root/blocked
	conf "ssh root@$SRV_IP" "path /blocked/crash" "failure_action halt"
	kdumpctl start
	expect_rc 1 && expect_in err "not writable: root@$SRV_IP cannot create or write ~/blocked/crash" ||
		return 1
	kdumpctl save --vmcore="$VMCORE"
	expect_rc 1 && expect_line out "failure_action: halt (not taken: save was given --vmcore or --target)" ||
		fail "save"
}

case_7_wrong_host_key() {
	conf "ssh root@$SRV_IP" "path /var/crash" "failure_action poweroff"
	sshd_stop && sshd_start otherkey || return 1
	kdumpctl check
	expect_rc 0 && expect_in out "reachability:    host key: $SRV_IP is not the server recorded in $KNOWN" ||
		return 1
	kdumpctl start
	expect_rc 1 && expect_in err "host key: $SRV_IP is not the server recorded" || return 1
	rm -rf /root/var/crash
	kdumpctl save --vmcore="$VMCORE"
	expect_rc 1 && expect_line out "failure_action: poweroff (not taken: save was given --vmcore or --target)" &&
	[ ! -e /root/var/crash ] || fail "the dump went to a server with another host key"
	# propagate never replaces a recorded key
	kdumpctl propagate
	expect_rc 1 && expect_in err "host key:" || fail "propagate replaced the host key"
	sshd_stop && sshd_start
}

case_8_not_authenticated() {
	conf "ssh root@$SRV_IP" "path /var/crash"
	cp "$AK" "$AK.save"
	grep -v kdump-snp "$AK.save" >"$AK"
	kdumpctl start
	cp "$AK.save" "$AK"
	expect_rc 1 && expect_in err "not authenticated: root@$SRV_IP does not accept the key $KEY" ||
		fail "start"
}

case_9_unreachable() {
	conf "ssh root@$SRV_IP" "path /var/crash" "link_delay 2"
	sshd_stop
	kdumpctl start
	expect_rc 1 && expect_in err "unreachable: cannot connect to $SRV_IP port 22" || return 1
	# a server that does not answer at all: the wait ends at link_delay
	ip netns exec "$NS" ip link set kd1 down
	SECONDS=0
	kdumpctl start
	ip netns exec "$NS" ip link set kd1 up
	expect_rc 1 && expect_in err "unreachable: cannot connect to $SRV_IP port 22 within 2 s" &&
	[ "$SECONDS" -le 6 ] || { fail "start took $SECONDS s"; return 1; }
	SECONDS=0
	kdumpctl save --vmcore="$VMCORE"
	expect_rc 1 && expect_in out "failure_action: reboot" && [ "$SECONDS" -le 10 ] ||
		fail "save took $SECONDS s"
	sshd_start
}

for f in $(declare -F | awk '$3 ~ /^case_/ {print $3}'); do
	t "${f#case_}" "$f"
done
finish
