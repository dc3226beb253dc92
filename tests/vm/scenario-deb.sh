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
#      `kdumpctl status` exits 0, the panic saves a dump in /var/crash
#   3. upgrade to a higher version (the same files repacked as VERSION+vmtest1:
#      the capture image's inputs are unchanged, so it is kept), then
#      remove (crash kernel unloaded, kdump.service gone), then purge
#      (configuration gone, the dump in /var/crash kept)
# The guest side is tests/vm/guest/kdump-snp-test.sh (kdumptest=deb-install,
# kdumptest=crash, kdumptest=deb-cycle).
# shellcheck disable=SC2250,SC2292 # -o all style checks: kdump-cycle.sh's style, $var and [ ]
# shellcheck disable=SC2312 # substitutions fill messages and compared text, as in kdump-cycle.sh
# shellcheck disable=SC2310 # assertions in conditions return their status explicitly
# shellcheck disable=SC2154 # work, here, results, DISK, LOG and OUT are kdump-cycle.sh's
# shellcheck disable=SC2034 # VM_TIMEOUT, VM_FAIL_MSG, DUMP_DIR are read by tests/vm/lib.sh and kdump-cycle.sh
# shellcheck disable=SC2016 # the bare shell of grub_crashkernel expands its own script

SNIPPET_PATH=/etc/default/grub.d/zz-kdump-snp.cfg

# deb_repack DEB VERSION OUT: DEB's files as package version VERSION, in OUT
deb_repack() {
	local tree=$work/deb-repack
	rm -rf -- "$tree"
	dpkg-deb -R "$1" "$tree"
	sed -i "s/^Version: .*/Version: $2/" "$tree/DEBIAN/control"
	dpkg-deb --root-owner-group -b "$tree" "$3" >/dev/null
	rm -rf -- "$tree"
}

# deb_boot NAME APPEND: one boot of the scenario's disk, serial log NAME.log
deb_boot() {
	LOG=$results/$1.log
	OUT=$work/$1.out
	vm_guest_boot "$LOG" "$2" > >(tee -- "$OUT")
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

# deb_expect MARKER...: every marker in the last boot's log
deb_expect() {
	local m
	for m in "$@"; do
		vm_expect_marker "$LOG" "$m" || return 1
	done
}

scenario_deb() {
	local deb=${KDUMP_SNP_VM_DEB:-} ov=$work/deb-overlay t version up
	[ -f "$deb" ] || { VM_FAIL_MSG="KDUMP_SNP_VM_DEB names no package ('$deb'; make check-vm builds it)"; return 1; }
	version=$(dpkg-deb -f "$deb" Version)
	up=$version+vmtest1
	rm -rf -- "$ov"
	mkdir -p -- "$ov/root/kdump-snp-debs/upgrade"
	chmod 0700 -- "$ov/root"
	cp -- "$deb" "$ov/root/kdump-snp-debs/kdump-snp_${version}_amd64.deb"
	deb_repack "$deb" "$up" "$ov/root/kdump-snp-debs/upgrade/kdump-snp_${up}_amd64.deb"

	t=$(vm_now)
	"$here/guest-image.sh" --overlay "$ov" --out "$work/deb-out" >"$work/image.out" 2>&1 ||
		{ cat -- "$work/image.out"; vm_die "guest image for deb failed"; }
	phase image "$(vm_elapsed "$t")"
	vm_guest_load "$work/deb-out/guest.env"
	DISK=$VM_GUEST_DISK
	VM_TIMEOUT=${KDUMP_SNP_VM_TIMEOUT:-900}

	# 1: install, no crashkernel= yet
	t=$(vm_now)
	deb_boot deb-1-install "panic=10 kdumptest=deb-install"
	phase install-boot "$(vm_elapsed "$t")"
	expect_poweroff && deb_expect "deb-install rc=0" "deb-install crashkernel=none" \
		"deb-install kdump.service enabled=enabled" || return 1
	grub_crashkernel || return 1

	# 2: the reboot GRUB would make; armed, crash, dump
	t=$(vm_now)
	deb_boot deb-2-crash "$CRASH_ARG panic=10 kdumptest=crash"
	phase armed-boot-and-crash "$(vm_elapsed "$t")"
	run_phases
	vm_expect_no_timeout "$LOG" && vm_expect_marker "$LOG" "kdump.service=active load=loaded flavour=kdump-snp" &&
		vm_expect_log "$LOG" "$VM_TAG panic uptime=" &&
		vm_expect_log "$LOG" "reboot: Restarting system" && vm_expect_qemu_exit 0 &&
		check_dump "$DISK" /var/crash || return 1
	vm_say "  dump: $DUMP_DIR (final_action reboot of the package's kdump.conf)"

	# 3: upgrade, remove, purge
	t=$(vm_now)
	deb_boot deb-3-cycle "$CRASH_ARG panic=10 kdumptest=deb-cycle"
	phase upgrade-remove-purge-boot "$(vm_elapsed "$t")"
	expect_poweroff && deb_expect "deb-cycle status=0" \
		"deb-upgrade rc=0 version=$up" "deb-upgrade image-kept=yes" "deb-upgrade status=0 active=active" \
		"deb-remove rc=0" "deb-remove kexec_crash_loaded=0 unit=not-found kdumpctl=absent conf=present snippet=absent images=0" \
		"deb-purge rc=0" "deb-purge conf=absent defaults=absent hooks=absent status=not-installed" || return 1
	# on the disk, after the guest is off: the dump is still there
	[ -n "$(dump_dirs "$DISK" /var/crash)" ] || { VM_FAIL_MSG="the purge removed the dump in /var/crash"; return 1; }
	on_disk "$DISK" "stat /etc/kdump.conf" | grep -q 'Inode:' &&
		{ VM_FAIL_MSG="/etc/kdump.conf is still on the disk after the purge"; return 1; }
	return 0
}
