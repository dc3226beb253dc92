#!/bin/sh
# The guest side of the kdump-snp VM tests (tests/vm/boot-guest.sh and the
# suites built on it). Started by kdump-snp-test.service. Prints lines
# "KDUMP-SNP-TEST: ..." on the console (the host reads them from the serial
# log), then acts on kdumptest=WHAT from the kernel command line:
#   poweroff  power the guest off once the boot has finished
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

# how long kdump.service's start took (capture image build and load)
kdump_start_secs() {
	a=$(systemctl show -p ExecMainStartTimestampMonotonic --value kdump.service)
	b=$(systemctl show -p ExecMainExitTimestampMonotonic --value kdump.service)
	if [ -n "$a" ] && [ -n "$b" ] && [ "$b" -ge "$a" ]; then
		say "kdump-start-secs=$(( (b - a) / 1000000 )).$(( (b - a) / 100000 % 10 ))"
	fi
}

# kdumptest=crash: once kdump.service has loaded the crash kernel, panic
# through `kdumpctl test --yes`; the crash kernel saves the dump and powers
# off (final_action poweroff in the test's kdump.conf)
scenario_crash() {
	kdump_start_secs
	kdumpctl status | while IFS= read -r line; do say "status: $line"; done
	if ! kdumpctl status >/dev/null 2>&1; then
		journalctl -b -u kdump.service --no-pager -o cat | tail -n 30 |
			while IFS= read -r line; do say "journal: $line"; done
		say "FAIL kdump is not operational"
		systemctl --no-block poweroff
		return
	fi
	say "panic uptime=$(uptime_s)"
	sync
	kdumpctl test --yes
}

# kdumptest=status: report kdump.service's result and journal, power off
# (for the scenarios where start must fail)
scenario_status() {
	kdump_start_secs
	journalctl -b -u kdump.service --no-pager -o cat | tail -n 30 |
		while IFS= read -r line; do say "journal: $line"; done
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
say "kdump.service=$(systemctl is-active kdump.service 2>/dev/null) load=$(systemctl show -p LoadState --value kdump.service 2>/dev/null)"
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
