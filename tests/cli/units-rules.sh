#!/bin/bash
# The installed systemd units and udev rules, as built: systemd-analyze
# verify for the units; for 98-kdump-snp.rules, `udevadm verify` where
# udev has it (systemd 254 and later), and on every udev the rules as udev
# itself reads and applies them: `udevadm test` (which runs no RUN program)
# on this machine's module, CPU and memory devices, in a private mount
# namespace whose rules directories hold only our file. That part needs
# root and unshare(1); without them the cases are skipped (lib.sh's skip:
# counted as skipped, a failure under CI=true).
# shellcheck disable=SC2154 # top_srcdir, top_builddir: make check; TMP: lib.sh
# shellcheck source=/dev/null # lib.sh, found at run time
. "${top_srcdir}/tests/cli/lib.sh"

RULES=${top_builddir}/udev/98-kdump-snp.rules
UNITS=${top_builddir}/systemd
KDUMPCTL=${top_builddir}/kdumpctl/kdumpctl

for f in "${RULES}" "${UNITS}/kdump.service" "${UNITS}/kdump-rearm.service"; do
	if [[ ! -s "${f}" ]]; then
		echo "missing ${f} (make builds it)"
		exit 1
	fi
done
SYSTEMCTL=$(sed -n 's/^ExecCondition=\([^ ]*\) .*/\1/p' "${UNITS}/kdump-rearm.service")
RELOAD="${SYSTEMCTL} --no-block try-reload-or-restart kdump.service"
REARM="${SYSTEMCTL} --no-block start kdump-rearm.service"

case_no_placeholders_left() {
	run grep -n '@[A-Za-z_]*@' "${RULES}" "${UNITS}/kdump.service" "${UNITS}/kdump-rearm.service"
	expect_rc 1 || return
	[[ -n "${SYSTEMCTL}" ]] || fail "kdump-rearm.service has no ExecCondition"
	grep -qF "RUN+=\"${REARM}\"" "${RULES}" ||
		fail "the rules and kdump-rearm.service name different systemctl programs"
}

# kdump.service waits for nothing that is not pulled in
case_kdump_service_orders_honestly() {
	run grep -E '^(After|Wants|Requires)=' "${UNITS}/kdump.service"
	expect_not_in out "systemd-udev-settle.service" &&
		expect_in out "After=systemd-modules-load.service"
	grep -qx 'After=kdump.service' "${UNITS}/kdump-rearm.service" ||
		fail "kdump-rearm.service does not run after a start of kdump.service in progress"
}

# kdump.service's start does not wait for udev when its image is up to
# date: the re-arm it queues is the one that waits, and compares strictly
case_rearm_waits_for_udev() {
	local exec
	exec=$(grep '^ExecStart=' "${UNITS}/kdump-rearm.service")
	[[ "${exec}" =~ ^ExecStart=/[^\ ]*/kdumpctl\ --settle\ start$ ]] ||
		fail "kdump-rearm.service does not run kdumpctl --settle start: ${exec}"
}

# kdump.service arms the crash kernel without holding up the boot: nothing
# orders multi-user.target after it (no Before= on it, and without default
# dependencies the target does not add After= for the units it wants), and
# as early as it can: after sysinit.target, not after basic.target (whose
# sockets, timers and paths the load does not need), stopped before
# shutdown
case_kdump_service_off_critical_path() {
	local u=${UNITS}/kdump.service
	run grep -E '^(Before|After|Requires|Conflicts|DefaultDependencies)=' "${u}"
	expect_not_in out "multi-user.target" &&
		expect_not_in out "basic.target" || return
	expect_line out "DefaultDependencies=no" &&
		expect_line out "After=sysinit.target" &&
		expect_line out "Requires=sysinit.target" &&
		expect_line out "Conflicts=shutdown.target" &&
		expect_line out "Before=shutdown.target" || return
	if ! grep -qx "WantedBy=multi-user.target" "${u}"; then
		fail "kdump.service is not wanted by multi-user.target"
	fi
}

# both units as systemd reads them (the paths pointed at the build tree,
# which systemd-analyze requires to exist)
case_units_verify() {
	local d=${TMP}/units u
	if ! command -v systemd-analyze >/dev/null; then
		skip "no systemd-analyze"
		return 0
	fi
	mkdir -p "${d}"
	for u in kdump.service kdump-rearm.service; do
		sed -E "s|=[^ =]*/kdumpctl( \|$)|=${KDUMPCTL}\1|" "${UNITS}/${u}" >"${d}/${u}"
	done
	run systemd-analyze verify --man=no "${d}/kdump.service" "${d}/kdump-rearm.service"
	expect_rc 0 && expect_empty err
}

# udevadm verify exists from systemd 254 (not in Debian 12's 252): a case
# only where it does; the udevadm test cases below read the rules as udev
# does on every version, and fail on a syntax error udev reports
if udevadm verify --help >/dev/null 2>&1; then
	case_udevadm_verify() {
		run udevadm verify "${RULES}"
		expect_rc 0
	}
fi

can_namespace() {
	local uid
	uid=$(id -u)
	[[ "${uid}" = 0 && -d /sys/devices/system/cpu/cpu0 ]] &&
		command -v unshare >/dev/null && command -v udevadm >/dev/null
}

# in_namespace RULES-FILE ACTION SYSPATH: `udevadm test` of one event with
# only RULES-FILE in udev's rules directories; its output in out/err
in_namespace() {
	# shellcheck disable=SC2016 # expanded by the inner shell
	run unshare -m --propagation private bash -c '
		for d in /etc/udev/rules.d /run/udev/rules.d /usr/lib/udev/rules.d \
			/usr/local/lib/udev/rules.d /lib/udev/rules.d; do
			if [[ -d "${d}" ]] && ! mountpoint -q "${d}"; then
				mount -t tmpfs tmpfs "${d}" || exit
			fi
		done
		cp "$1" /usr/lib/udev/rules.d/98-kdump-snp.rules &&
		udevadm test --action="$2" "$3"' in-namespace "$@"
}

# udev_runs ACTION SYSPATH [RULES]: sets got to the RUN programs udev would
# start; udev's complaints about the file (an invalid key, an unknown
# operator) fail the case
udev_runs() {
	local complaints
	in_namespace "${3:-${RULES}}" "$1" "$2"
	cat "${TMP}/out" "${TMP}/err" >"${TMP}/udev"
	complaints=$(grep -E '98-kdump-snp\.rules:[0-9]+' "${TMP}/udev" | grep -v ' RUN ' || true)
	[[ -z "${complaints}" ]] || fail "udev complains about the rules: ${complaints}"
	got=$(sed -n "s/^run: '\(.*\)'\$/\1/p" "${TMP}/udev")
}

# expect_runs WHAT WANT: got (from udev_runs) is WANT
expect_runs() {
	[[ "${got}" = "$2" ]] || fail "$1 runs '${got}', expected '$2'"
}

# the kernel updates the crash kernel's CPU and memory list itself
crash_hotplug() {
	local v
	v=$(cat "/sys/devices/system/$1/crash_hotplug" 2>/dev/null || true)
	[[ "${v}" = 1 ]]
}

case_rules_cpu_hotplug() {
	local want=${RELOAD} cpu=/sys/devices/system/cpu/cpu0
	if ! can_namespace; then
		skip "needs root, unshare and udevadm"
		return 0
	fi
	! crash_hotplug cpu || want=""
	udev_runs add "${cpu}"
	expect_runs "cpu add" "${want}"
	udev_runs remove "${cpu}"
	expect_runs "cpu remove" "${want}"
	udev_runs change "${cpu}"
	expect_runs "cpu change" ""
}

case_rules_memory_hotplug() {
	local want=${RELOAD} mem=/sys/devices/system/memory/memory0
	if ! can_namespace || [[ ! -d "${mem}" ]]; then
		skip "needs root, unshare, udevadm and ${mem}"
		return 0
	fi
	! crash_hotplug memory || want=""
	udev_runs online "${mem}"
	expect_runs "memory online" "${want}"
	udev_runs offline "${mem}"
	expect_runs "memory offline" "${want}"
	udev_runs add "${mem}"
	expect_runs "memory add" ""
}

# kvm_amd's add event starts kdump-rearm.service. kvm_amd is rarely loaded
# where tests run, so another module (built in or loaded) stands in: the
# rules with its name in the KERNEL match must start the re-arm on add and
# only on add; the rules as installed must ignore it.
case_rules_kvm_amd() {
	local mod
	if ! can_namespace; then
		skip "needs root, unshare and udevadm"
		return 0
	fi
	find /sys/module -mindepth 1 -maxdepth 1 -type d -printf '%f\n' >"${TMP}/modules"
	LC_ALL=C sort -o "${TMP}/modules" "${TMP}/modules"
	mod=$(head -n 1 "${TMP}/modules")
	if [[ -z "${mod}" ]]; then
		skip "no /sys/module entry"
		return 0
	fi
	sed "s/KERNEL==\"kvm_amd\"/KERNEL==\"${mod}\"/" "${RULES}" >"${TMP}/stand-in.rules"
	if ! grep -q "KERNEL==\"${mod}\"" "${TMP}/stand-in.rules"; then
		fail "no kvm_amd match in the rules"
		return
	fi
	udev_runs add "/sys/module/${mod}" "${TMP}/stand-in.rules"
	expect_runs "${mod} (as kvm_amd) add" "${REARM}"
	udev_runs remove "/sys/module/${mod}" "${TMP}/stand-in.rules"
	expect_runs "${mod} (as kvm_amd) remove" ""
	if [[ "${mod}" != kvm_amd ]]; then
		udev_runs add "/sys/module/${mod}"
		expect_runs "${mod} add, installed rules," ""
	fi
}

# a watchdog's add event starts kdump-rearm.service too. Hosts where tests
# run rarely have one, so a module stands in: the rules with "module" for
# "watchdog" must start the re-arm on its add and only on add.
case_rules_watchdog() {
	local mod
	if ! can_namespace; then
		skip "needs root, unshare and udevadm"
		return 0
	fi
	find /sys/module -mindepth 1 -maxdepth 1 -type d -printf '%f\n' >"${TMP}/modules"
	LC_ALL=C sort -o "${TMP}/modules" "${TMP}/modules"
	mod=$(head -n 1 "${TMP}/modules")
	if [[ -z "${mod}" ]] || [[ "${mod}" = kvm_amd ]]; then
		skip "no /sys/module entry other than kvm_amd"
		return 0
	fi
	sed 's/SUBSYSTEM=="watchdog"/SUBSYSTEM=="module"/' "${RULES}" >"${TMP}/watchdog.rules"
	if ! grep -q 'ACTION=="add", SUBSYSTEM=="module", \\$' "${TMP}/watchdog.rules"; then
		fail "no watchdog match in the rules"
		return
	fi
	udev_runs add "/sys/module/${mod}" "${TMP}/watchdog.rules"
	expect_runs "${mod} (as a watchdog) add" "${REARM}"
	udev_runs remove "/sys/module/${mod}" "${TMP}/watchdog.rules"
	expect_runs "${mod} (as a watchdog) remove" ""
}

# events replayed by udevadm trigger (SYNTH_UUID set) skip every rule;
# udevadm test cannot replay one, so a property every event has stands in
# for SYNTH_UUID, and then nothing may run
case_rules_skip_replayed_events() {
	local mod
	if ! can_namespace; then
		skip "needs root, unshare and udevadm"
		return 0
	fi
	sed -e 's/ENV{SYNTH_UUID}=="?\*"/ENV{DEVPATH}=="?*"/' \
		-e 's/KERNEL=="kvm_amd"/KERNEL=="?*"/' "${RULES}" >"${TMP}/replayed.rules"
	if ! grep -q 'ENV{DEVPATH}' "${TMP}/replayed.rules"; then
		fail "no SYNTH_UUID match in the rules"
		return
	fi
	udev_runs add /sys/devices/system/cpu/cpu0 "${TMP}/replayed.rules"
	expect_runs "replayed cpu add" ""
	mod=$(find /sys/module -mindepth 1 -maxdepth 1 -type d -printf '%f\n' -quit)
	udev_runs add "/sys/module/${mod}" "${TMP}/replayed.rules"
	expect_runs "replayed module add" ""
}

for f in $(declare -F | awk '$3 ~ /^case_/ {print $3}'); do
	t "${f#case_}" "${f}"
done
finish
