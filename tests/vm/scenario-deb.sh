# shellcheck shell=bash
# The deb scenario of tests/vm/kdump-cycle.sh (sourced by it; uses its
# helpers and $work, $here, $results): our Debian package's life on one
# guest disk, as a user lives it, in three boots.
#   1. a guest without crashkernel= and without kdump-snp: `dpkg -i` of the
#      package (KDUMP_SNP_VM_DEB); its postinst writes the GRUB snippet
#      (kdumpctl reset-crashkernel) and enables kdump.service
#   2. the reboot: the command line is the one GRUB would make from that
#      snippet (the guest boots by QEMU's -kernel, without GRUB: the host
#      sources the snippet as grub-mkconfig does); kdump.service arms,
#      `kdumpctl status` exits 0, the panic saves a dump in /var/crash,
#      which the host reads with the guest's makedumpfile (zstd)
#   3. upgrade to the package rebuilt from the same tree as a higher
#      version (tests/build-deb --version VERSION+vmtest1, built on the host
#      while boots 1 and 2 run, written into the disk before boot 3): the
#      capture image's inputs record the package version, so the restart
#      of kdump.service rebuilds it and the record names the new version;
#      then remove (crash kernel unloaded, kdump.service gone), then purge
#      (configuration gone, the dump in /var/crash kept)
# Each boot has its own timeout (DEB_TIMEOUT_*; KDUMP_SNP_VM_TIMEOUT, when
# set, for all three); a failed assertion shows that boot's serial log.
# The guest side is tests/vm/guest/kdump-snp-test.sh (kdumptest=deb-install,
# kdumptest=crash, kdumptest=deb-cycle).
# shellcheck disable=SC2250,SC2292 # -o all style checks: kdump-cycle.sh's style, $var and [ ]
# shellcheck disable=SC2312 # substitutions fill messages and compared text, as in kdump-cycle.sh
# shellcheck disable=SC2310 # assertions in conditions return their status explicitly
# shellcheck disable=SC2154 # work, here, results, DISK, LOG and OUT are kdump-cycle.sh's
# shellcheck disable=SC2034 # VM_TIMEOUT, VM_FAIL_MSG, DUMP_DIR, HOST_MDF are read by tests/vm/lib.sh and kdump-cycle.sh
# shellcheck disable=SC2016 # the bare shell of grub_crashkernel expands its own script

SNIPPET_PATH=/etc/default/grub.d/zz-kdump-snp.cfg
# seconds each boot may take under TCG: the install boot took 333 s on a
# 2-core machine at load 9 (several other QEMU guests), the others more
DEB_TIMEOUT_INSTALL=900
DEB_TIMEOUT_CRASH=900
DEB_TIMEOUT_CYCLE=900

# deb_boot NAME TIMEOUT APPEND: one boot of the scenario's disk, serial log
# NAME.log, at most TIMEOUT seconds (KDUMP_SNP_VM_TIMEOUT wins)
deb_boot() {
	LOG=$results/$1.log
	OUT=$work/$1.out
	VM_TIMEOUT=${KDUMP_SNP_VM_TIMEOUT:-$2}
	vm_guest_boot "$LOG" "$3${KDUMP_SNP_VM_APPEND:+ $KDUMP_SNP_VM_APPEND}" > >(tee -- "$OUT")
	sleep 0.2
}

# grub_crashkernel: what GRUB_CMDLINE_LINUX_DEFAULT the guest's snippet
# leaves after grub-mkconfig's sourcing (in a bare shell), into CRASH_ARG
grub_crashkernel() {
	on_disk "$DISK" "cat $SNIPPET_PATH" >"$work/deb-snippet.cfg"
	[ -s "$work/deb-snippet.cfg" ] || { VM_FAIL_MSG="the guest has no $SNIPPET_PATH after dpkg -i"; return 1; }
	CRASH_ARG=$(env -i bash -c 'GRUB_CMDLINE_LINUX_DEFAULT=""; . "$1" && printf "%s" "$GRUB_CMDLINE_LINUX_DEFAULT"' \
		sh "$work/deb-snippet.cfg")
	CRASH_ARG=${CRASH_ARG# }
	[[ "$CRASH_ARG" =~ ^crashkernel=[0-9]+M$ ]] ||
		{ VM_FAIL_MSG="GRUB would add '$CRASH_ARG' from $SNIPPET_PATH: $(tr '\n' '|' <"$work/deb-snippet.cfg")"; return 1; }
	vm_say "  GRUB's command line gets $CRASH_ARG (the estimate the postinst wrote)"
}

# guest_makedumpfile: HOST_MDF set to the guest's own makedumpfile (Debian
# 13's, from the cached base root the image came from), run on the host
# through that root's dynamic loader and libraries. The package's
# kdump.conf keeps the default collector, which the capture runs with -z
# where makedumpfile has zstd (kdumpctl/save-collector.c), as the guest's
# has; the host's (Debian 12's 1.7.2) has no zstd and cannot read the dump.
guest_makedumpfile() {
	local root
	root=$(dirname -- "$VM_GUEST_KERNEL")/root
	[ -x "$root/usr/bin/makedumpfile" ] || { VM_FAIL_MSG="no makedumpfile in the guest's base $root"; return 1; }
	HOST_MDF=("$root/usr/lib64/ld-linux-x86-64.so.2" --library-path "$root/usr/lib/x86_64-linux-gnu"
		"$root/usr/bin/makedumpfile")
}

# deb_expect MARKER...: every marker in the last boot's log
deb_expect() {
	local m
	for m in "$@"; do
		vm_expect_marker "$LOG" "$m" || return 1
	done
}

# deb_upgrade_start VERSION: tests/build-deb --version VERSION in the
# background (one core; the guest's TCG takes the other), its pid in
# DEB_UP_PID, its log and .deb in $work/deb-up
deb_upgrade_start() {
	rm -rf -- "$work/deb-up"
	mkdir -p -- "$work/deb-up"
	DEB_UP_START=$(vm_now)
	nice -n 10 bash "$here/../build-deb" --version "$1" --out "$work/deb-up" \
		</dev/null >"$work/deb-up/build-deb.log" 2>&1 &
	DEB_UP_PID=$!
}

deb_upgrade_kill() {
	[ -z "${DEB_UP_PID:-}" ] || { kill -- "$DEB_UP_PID" 2>/dev/null || true; wait "$DEB_UP_PID" 2>/dev/null || true; }
	DEB_UP_PID=
}

# deb_upgrade_finish: wait for the build, write its .deb into the guest's
# /root/kdump-snp-debs/upgrade/ (the guest is off)
deb_upgrade_finish() {
	local rc=0 up_deb
	wait "$DEB_UP_PID" || rc=$?
	DEB_UP_PID=
	vm_say "  upgrade package built in the background, done $(vm_elapsed "$DEB_UP_START")s after its start"
	up_deb=$(tail -n 1 -- "$work/deb-up/build-deb.log")
	if [ "$rc" != 0 ] || ! [ -f "$up_deb" ]; then
		VM_FAIL_MSG="tests/build-deb --version failed (exit $rc): $(tail -n 8 -- "$work/deb-up/build-deb.log" | tr '\n' '|')"
		return 1
	fi
	phase upgrade-build "$(sed -n 's/^build-deb: built in \([0-9]*\)s$/\1/p' "$work/deb-up/build-deb.log")"
	debugfs -w -R "write $up_deb /root/kdump-snp-debs/upgrade/${up_deb##*/}" "$DISK" >/dev/null 2>&1
	on_disk "$DISK" "stat /root/kdump-snp-debs/upgrade/${up_deb##*/}" | grep -q "Size: $(stat -c %s -- "$up_deb")" ||
		{ VM_FAIL_MSG="${up_deb##*/} is not on the guest disk"; return 1; }
}

# deb_install_and_crash VERSION: boots 1 and 2
deb_install_and_crash() {
	local t rc
	t=$(vm_now)
	deb_boot deb-1-install "$DEB_TIMEOUT_INSTALL" "panic=10 kdumptest=deb-install"
	phase install-boot "$(vm_elapsed "$t")"
	expect_poweroff && deb_expect "deb-install rc=0" "deb-install crashkernel=none" \
		"deb-install version=$1" "deb-install kdump.service enabled=enabled" || return 1
	grub_crashkernel || return 1

	# the reboot GRUB would make; armed, crash, dump
	t=$(vm_now)
	deb_boot deb-2-crash "$DEB_TIMEOUT_CRASH" "$CRASH_ARG panic=10 kdumptest=crash"
	phase armed-boot-and-crash "$(vm_elapsed "$t")"
	run_phases
	vm_expect_no_timeout "$LOG" && vm_expect_marker "$LOG" "kdump.service=active load=loaded flavour=kdump-snp" &&
		vm_expect_log "$LOG" "$VM_TAG panic uptime=" &&
		vm_expect_log "$LOG" "reboot: Restarting system" && vm_expect_qemu_exit 0 || return 1
	guest_makedumpfile || return 1
	rc=0
	check_dump "$DISK" /var/crash || rc=1
	HOST_MDF=(makedumpfile)
	if [ "$rc" != 0 ]; then
		# what the host could not read stays with the results
		cp -- "$work/vmcore" "$work/kdump-info.txt" "$results/" 2>/dev/null || true
		return 1
	fi
	vm_say "  dump: $DUMP_DIR (final_action reboot of the package's kdump.conf), read by the guest's makedumpfile"
}

scenario_deb() {
	local deb=${KDUMP_SNP_VM_DEB:-} ov=$work/deb-overlay t version up
	[ -f "$deb" ] || { VM_FAIL_MSG="KDUMP_SNP_VM_DEB names no package ('$deb'; make check-vm builds it)"; return 1; }
	version=$(dpkg-deb -f "$deb" Version)
	up=$version+vmtest1
	deb_upgrade_start "$up"
	rm -rf -- "$ov"
	mkdir -p -- "$ov/root/kdump-snp-debs/upgrade"
	chmod 0700 -- "$ov/root"
	cp -- "$deb" "$ov/root/kdump-snp-debs/kdump-snp_${version}_amd64.deb"

	t=$(vm_now)
	"$here/guest-image.sh" --overlay "$ov" --out "$work/deb-out" >"$work/image.out" 2>&1 ||
		{ cat -- "$work/image.out"; deb_upgrade_kill; vm_die "guest image for deb failed"; }
	phase image "$(vm_elapsed "$t")"
	vm_guest_load "$work/deb-out/guest.env"
	DISK=$VM_GUEST_DISK

	deb_install_and_crash "$version" || { deb_upgrade_kill; return 1; }
	deb_upgrade_finish || return 1

	# 3: upgrade, remove, purge
	t=$(vm_now)
	deb_boot deb-3-cycle "$DEB_TIMEOUT_CYCLE" "$CRASH_ARG panic=10 kdumptest=deb-cycle"
	phase upgrade-remove-purge-boot "$(vm_elapsed "$t")"
	expect_poweroff && deb_expect "deb-cycle status=0" \
		"deb-upgrade rc=0 version=$up kdumpctl=kdumpctl (kdump-snp) $up" \
		"deb-upgrade image=rebuilt inputs-version=$up" "deb-upgrade status=0 active=active" \
		"deb-remove rc=0" "deb-remove kexec_crash_loaded=0 unit=not-found kdumpctl=absent conf=present snippet=absent images=0" \
		"deb-purge rc=0" "deb-purge conf=absent defaults=absent hooks=absent status=not-installed" || return 1
	# on the disk, after the guest is off: the dump is still there
	[ -n "$(dump_dirs "$DISK" /var/crash)" ] || { VM_FAIL_MSG="the purge removed the dump in /var/crash"; return 1; }
	on_disk "$DISK" "stat /etc/kdump.conf" | grep -q 'Inode:' &&
		{ VM_FAIL_MSG="/etc/kdump.conf is still on the disk after the purge"; return 1; }
	return 0
}
