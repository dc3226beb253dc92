#!/bin/sh
# The guest side of the kdump-snp VM tests (tests/vm/boot-guest.sh and the
# suites built on it). Started by kdump-snp-test.service. Prints lines
# "KDUMP-SNP-TEST: ..." on the console (the host reads them from the serial
# log), then acts on kdumptest=WHAT from the kernel command line:
#   poweroff  power the guest off once the boot has finished
#   crash     panic once kdump is loaded (both flavours, see scenario_crash)
#   status    report the kdump unit's result and journal, power off
#   snp-override  the SNP control: refused at boot, armed with the
#             override, panic on the last CPU
#   (absent)  nothing: the guest stays up (interactive debugging)
# Scenarios are added as functions named scenario_WHAT.

tag='KDUMP-SNP-TEST:'

say() {
	printf '%s %s\n' "$tag" "$*"
}

uptime_s() {
	cut -d' ' -f1 /proc/uptime
}

cmdline_value() {
	# cmdline_value KEY: the value of the last KEY=VALUE on /proc/cmdline
	v=
	read -r cmdline </proc/cmdline
	for w in $cmdline; do
		case $w in
		"$1"=*) v=${w#*=} ;;
		esac
	done
	printf '%s\n' "$v"
}

# the guest's flavour (tests/vm/guest-image.sh --flavour): ours, or the
# stock peer with Debian's kdump-tools
if command -v kdumpctl >/dev/null 2>&1; then
	flavour=kdump-snp
	kdump_unit=kdump.service
else
	flavour=kdump-tools
	kdump_unit=kdump-tools.service
fi

# how long the start of the kdump unit took: kdump.service (capture image
# build and load) or kdump-tools.service (its ExecStart, `kdump-config load`)
kdump_start_secs() {
	a=$(systemctl show -p ExecMainStartTimestampMonotonic --value "$kdump_unit")
	b=$(systemctl show -p ExecMainExitTimestampMonotonic --value "$kdump_unit")
	if [ -n "$a" ] && [ -n "$b" ] && [ "$b" -ge "$a" ]; then
		say "kdump-start-secs=$(( (b - a) / 1000000 )).$(( (b - a) / 100000 % 10 ))"
	fi
}

# journal_tail: the kdump unit's journal as marker lines
journal_tail() {
	journalctl -b -u "$kdump_unit" --no-pager -o cat | tail -n 30 |
		while IFS= read -r line; do say "journal: $line"; done
}

# kdumptest=crash: once the crash kernel is loaded, panic. Ours: through
# `kdumpctl test --yes`; the crash kernel saves the dump and powers off
# (final_action poweroff in the test's kdump.conf). kdump-tools: sysrq-c
# once `kdump-config status` says ready; its crash kernel saves the dump in
# /var/crash and reboots (QEMU's -no-reboot ends the run).
scenario_crash() {
	kdump_start_secs
	if [ "$flavour" = kdump-tools ]; then
		crash_kdump_tools
		return
	fi
	kdumpctl status | while IFS= read -r line; do say "status: $line"; done
	ready=0
	kdumpctl status >/dev/null 2>&1 && ready=1
	panic_if_ready "$ready" kdumpctl test --yes
}

# net_state: the links, addresses and networkd's journal as marker lines,
# for a network target that did not arm
net_state() {
	command -v networkctl >/dev/null 2>&1 || return 0
	{
		networkctl --no-pager list
		journalctl -b -u systemd-networkd --no-pager -o cat | tail -n 20
	} 2>&1 | while IFS= read -r line; do say "net: $line"; done
}

# panic_if_ready READY CMD...: with READY 1 mark the panic and run CMD;
# otherwise show the journal and power off
panic_if_ready() {
	if [ "$1" != 1 ]; then
		journal_tail
		net_state
		say "FAIL kdump is not operational"
		systemctl --no-block poweroff
		return
	fi
	shift
	fill_memory
	say "panic uptime=$(uptime_s)"
	sync
	"$@"
}

# kdumpfill=USER,CACHE (percent of MemTotal; make bench's memory scaling):
# before the panic, hold USER % in a process's anonymous memory (bytes
# that are not zero) and CACHE % in the page cache (a sparse file read
# through: cached pages without disk I/O), so that the dump's filter has
# user, cache and free pages to sort at every memory size
fill_memory() {
	fill_ready=/run/kdumpfill.ready
	fill_i=0
	spec=$(cmdline_value kdumpfill)
	[ -n "$spec" ] || return 0
	user=${spec%%,*}
	cache=${spec#*,}
	case $user$cache in *[!0-9]*) say "FAIL kdumpfill=$spec: give USER,CACHE percentages"; return 0 ;; esac
	total_kb=$(awk '/^MemTotal:/ { print $2 }' /proc/meminfo)
	truncate -s "$((total_kb * cache / 100))K" /var/tmp/kdumpfill.cache
	cat /var/tmp/kdumpfill.cache >/dev/null
	rm -f "$fill_ready"
	# shellcheck disable=SC2016 # perl's own variables
	perl -e '$s = ("\x5a" x 1048576) x int($ARGV[0] / 1024); open(my $o, ">", $ARGV[1]) or die; close $o; sleep 86400' \
		"$((total_kb * user / 100))" "$fill_ready" &
	while [ ! -e "$fill_ready" ] && [ "$fill_i" -lt 600 ]; do
		sleep 1
		fill_i=$((fill_i + 1))
	done
	[ -e "$fill_ready" ] || say "FAIL kdumpfill: the user memory was not filled in 600 s"
	say "filled user=$user% cache=$cache% in ${fill_i}s: $(awk '/^(MemTotal|MemFree|Cached|AnonPages):/ { printf "%s%dM ", $1, $2 / 1024 }' /proc/meminfo)"
}

sysrq_crash() {
	echo c >/proc/sysrq-trigger
}

crash_kdump_tools() {
	say "peer: $(dpkg-query -W -f='${Package}=${Version} ' kdump-tools kexec-tools makedumpfile initramfs-tools 2>/dev/null)"
	st=$(kdump-config status 2>&1)
	printf '%s\n' "$st" | while IFS= read -r line; do say "status: $line"; done
	case $st in
	*"Not ready to kdump"*) ready=0 ;;
	*"ready to kdump"*) ready=1 ;;
	*) ready=0 ;;
	esac
	panic_if_ready "$ready" sysrq_crash
}

# kdumptest=status: report kdump.service's result and journal, power off
# (for the scenarios where start must fail)
# crash-lose-target: after the capture image was built for the dump
# target (by UUID), its file system gets a new UUID, so the crash kernel
# waits for a device that never appears: disk_timeout must end the wait
scenario_crash_lose_target() {
	kdump_start_secs
	dev=/dev/disk/by-id/virtio-kdumptarget
	ready=0
	if kdumpctl status >/dev/null 2>&1 && tune2fs -U random "$dev" >/dev/null 2>&1; then
		ready=1
		say "target uuid now $(blkid -s UUID -o value "$dev")"
	fi
	panic_if_ready "$ready" sysrq_crash
}

# server_mode MODE: tell the VM suite's ssh server (the host, reached
# through QEMU's guestfwd on 10.0.2.100 port 2222) how to answer from now
# on: up, down (the connection is never answered) or otherkey (another
# host key); waits for its "ok"
server_mode() {
	# shellcheck disable=SC2016 # $1 and $a are bash's, in its own script
	if bash -c 'exec 3<>/dev/tcp/10.0.2.100/2222 && printf "%s\n" "$1" >&3 && read -r a <&3 && [ "$a" = ok ]' sh "$1"; then
		say "server mode=$1"
		return 0
	fi
	say "FAIL the ssh server's mode $1 was not set"
	return 1
}

# crash-ssh-down: the ssh server stops answering once kdump is armed: the
# capture must give up within link_delay and take failure_action
scenario_crash_ssh_down() {
	kdump_start_secs
	ready=0
	kdumpctl status >/dev/null 2>&1 && server_mode down && ready=1
	panic_if_ready "$ready" kdumpctl test --yes
}

# ssh-unreachable-then-hostkey: booted with the ssh server down, so
# kdump.service refused to arm (the host reads why in the journal); the
# server comes up and a restart arms; the server answers with another host
# key and the guest panics: the capture must refuse to send
scenario_ssh_unreachable_then_hostkey() {
	kdump_start_secs
	journal_tail
	ready=0
	if server_mode up && systemctl restart kdump.service && kdumpctl status >/dev/null 2>&1 &&
		server_mode otherkey; then
		ready=1
	fi
	panic_if_ready "$ready" kdumpctl test --yes
}

# kdumptest=snp-override (tests/vm/scenario-snp.sh, the control): booted
# with KDUMP_KERNEL="running" and KDUMP_SNP="on", so kdump.service refused
# the running kernel, which lacks the SNP fix (the host reads why in the
# journal); then the override an operator would use, KDUMP_SNP="off", a
# restart that arms it, and the panic on the last CPU (where the crash
# kernel of a locked IOMMU meets the IO-APIC timer check)
scenario_snp_override() {
	journal_tail
	say "snp-control first-start=$(systemctl is-active kdump.service)"
	sed -i 's/^KDUMP_SNP=.*/KDUMP_SNP="off"/' /etc/default/kdump
	ready=0
	if systemctl restart kdump.service && kdumpctl status >/dev/null 2>&1; then
		ready=1
	fi
	kdumpctl status 2>&1 | while IFS= read -r line; do say "status: $line"; done
	last=$(($(nproc --all) - 1))
	panic_if_ready "$ready" taskset -c "$last" kdumpctl test --yes
}

scenario_status() {
	kdump_start_secs
	journal_tail
	say "poweroff"
	systemctl --no-block poweroff
}

# kdumptest=deb-install (tests/vm/scenario-deb.sh): install our package
# from /root/kdump-snp-debs as a user would, report, power off
scenario_deb_install() {
	case " $(cat /proc/cmdline) " in
	*" crashkernel="*) say "deb-install crashkernel=set" ;;
	*) say "deb-install crashkernel=none" ;;
	esac
	dpkg_say deb-install -i /root/kdump-snp-debs/kdump-snp_*.deb
	say "deb-install version=$(dpkg-query -W -f='${Version}' kdump-snp 2>/dev/null)"
	grep -v '^#' /etc/default/grub.d/zz-kdump-snp.cfg 2>/dev/null | while IFS= read -r line; do
		say "deb-install snippet: $line"
	done
	say "deb-install kdump.service enabled=$(systemctl is-enabled kdump.service 2>/dev/null)"
	say "poweroff"
	systemctl --no-block poweroff
}

# dpkg_say LABEL ARGS...: dpkg ARGS, its output as markers, then "LABEL rc=N"
dpkg_say() {
	label=$1
	shift
	DEBIAN_FRONTEND=noninteractive dpkg "$@" >/tmp/dpkg.out 2>&1
	rc=$?
	while IFS= read -r line; do say "dpkg: $line"; done </tmp/dpkg.out
	say "$label rc=$rc"
}

present() {
	if [ -e "$1" ]; then echo present; else echo absent; fi
}

# deb_image: the capture image of the running kernel (KDUMP_INITRD_DIR
# is the package's default, /var/lib/kdump)
deb_image() {
	printf '/var/lib/kdump/initramfs-%s-kdump.img\n' "$(uname -r)"
}

# kdumptest=deb-cycle (tests/vm/scenario-deb.sh): upgrade to the higher
# version in /root/kdump-snp-debs/upgrade, remove, purge; report each.
# The upgrade's capture image: "rebuilt" when the file is another one
# (inode or mtime) after the upgrade, "kept" when it is the same, and the
# package version its record of inputs names
scenario_deb_cycle() {
	kdumpctl status >/dev/null 2>&1
	say "deb-cycle status=$?"
	img=$(deb_image)
	before=$(stat -c '%i %Y' "$img" 2>/dev/null)
	dpkg_say deb-upgrade -i /root/kdump-snp-debs/upgrade/kdump-snp_*.deb
	say "deb-upgrade rc=$rc version=$(dpkg-query -W -f='${Version}' kdump-snp) kdumpctl=$(kdumpctl --version 2>&1)"
	after=$(stat -c '%i %Y' "$img" 2>/dev/null)
	if [ -z "$before" ] || [ -z "$after" ]; then
		image=missing
	elif [ "$before" = "$after" ]; then
		image=kept
	else
		image=rebuilt
	fi
	recorded=$(awk -F '\t' '$1 == "kdump-snp" { print $3 }' "$img.inputs" 2>/dev/null)
	say "deb-upgrade image=$image inputs-version=${recorded:-none}"
	kdumpctl status >/dev/null 2>&1
	say "deb-upgrade status=$? active=$(systemctl is-active kdump.service)"
	dpkg_say deb-remove -r kdump-snp
	# (the file, not command -v: the shell remembers where it found kdumpctl)
	images=$(find /var/lib/kdump -maxdepth 1 -name 'initramfs-*-kdump.img' 2>/dev/null | wc -l)
	say "deb-remove kexec_crash_loaded=$(cat /sys/kernel/kexec_crash_loaded) unit=$(systemctl show -p LoadState --value kdump.service) kdumpctl=$(present /usr/sbin/kdumpctl) conf=$(present /etc/kdump.conf) snippet=$(present /etc/default/grub.d/zz-kdump-snp.cfg) images=$images"
	dpkg_say deb-purge -P kdump-snp
	st=$(dpkg-query -W -f='${db:Status-Status}' kdump-snp 2>/dev/null)
	say "deb-purge conf=$(present /etc/kdump.conf) defaults=$(present /etc/default/kdump) hooks=$(present /etc/kernel/postinst.d/kdump-snp) status=${st:-not-installed}"
	say "deb-purge dumps=$(find /var/crash -mindepth 1 -maxdepth 1 -printf '%f ' 2>/dev/null)"
	sync
	say "poweroff"
	systemctl --no-block poweroff
}

scenario_poweroff() {
	say "poweroff"
	systemctl --no-block poweroff
}

what=$(cmdline_value kdumptest)
say "booted kernel=$(uname -r) uptime=$(uptime_s) kdumptest=${what:-none}"

# wait until every job of the boot has finished (kdump.service included)
state=$(timeout 900 systemctl is-system-running --wait 2>/dev/null)
say "system-state=${state:-unknown} uptime=$(uptime_s)"
failed=$(systemctl list-units --failed --plain --no-legend 2>/dev/null | cut -d' ' -f1 | tr '\n' ' ')
say "failed-units=[${failed% }]"
# how often this boot built the capture image (kdump.service and
# kdump-rearm.service both log it); a fresh guest needs one build
if [ "$flavour" = kdump-snp ]; then
	say "image-builds=$(journalctl -b -o cat --no-pager 2>/dev/null | grep -c 'kdumpctl: building the capture image')"
fi
say "$kdump_unit=$(systemctl is-active "$kdump_unit" 2>/dev/null) load=$(systemctl show -p LoadState --value "$kdump_unit" 2>/dev/null) flavour=$flavour"
disks=
for d in /sys/block/vd*; do
	[ -e "$d" ] || continue
	serial=$(cat "$d/serial" 2>/dev/null)
	disks="$disks${disks:+,}${d##*/}:${serial:-?}"
done
say "disks=[$disks]"
if [ -r /sys/kernel/kexec_crash_loaded ]; then
	say "kexec_crash_loaded=$(cat /sys/kernel/kexec_crash_loaded)"
fi
if [ -r /sys/kernel/kexec_crash_size ]; then
	say "kexec_crash_size=$(cat /sys/kernel/kexec_crash_size)"
fi

case $what in
'') ;;
*[!a-z0-9_-]*) say "FAIL unknown kdumptest=$what" ;;
*)
	fn=scenario_$(printf '%s' "$what" | tr '-' '_')
	if command -v "$fn" >/dev/null 2>&1; then
		"$fn"
	else
		say "FAIL unknown kdumptest=$what"
	fi
	;;
esac
