#!/bin/busybox sh
# /init of the busybox initramfs used by tests/vm/kexec-cycle.sh.
#
# One script for both kernels of the cycle:
# - first kernel (no elfcorehdr= on /proc/cmdline): loads /boot/vmlinuz with
#   /boot/crash-initrd.cpio as the crash kernel using our static
#   /bin/kexec, checks the load status, and crashes with sysrq-c;
# - crash kernel (elfcorehdr= present): checks its command line and
#   /proc/vmcore, then powers off.
#
# The scenario comes from kdumptest=NAME on the kernel command line:
#   default  kexec -p without --snp; the crash kernel must lack kdump_snp=
#   snp-on   kexec -p --snp=on; the crash kernel must have kdump_snp=1
#   unload   kexec -p, then kexec -p -u; the crash must not boot a kernel;
#            with retain_initrd, kexec -l --reuse-initrd and kexec -u as well
#
# Every line for the host starts with "KDUMP-SNP-TEST: ".

/bin/busybox mkdir -p /proc /sys /dev /tmp
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sysfs /sys
/bin/busybox mount -t devtmpfs devtmpfs /dev 2>/dev/null
/bin/busybox --install -s /bin
export PATH=/bin:/sbin

# Kernel messages on the console would cut into our lines; panic messages
# are printed whatever this level says.
echo 1 >/proc/sys/kernel/printk

mark() {
	echo "KDUMP-SNP-TEST: $*"
}

fail() {
	mark "FAIL $*"
	finish
}

finish() {
	mark "poweroff"
	sync
	poweroff -f
	sleep 10
	exit 1
}

cmdline=$(cat /proc/cmdline)

# has_param NAME[=VALUE]: the exact word on /proc/cmdline
has_param() {
	case " $cmdline " in
	*" $1 "*) return 0 ;;
	esac
	return 1
}

# param_value NAME: the value of NAME= on /proc/cmdline (the last one)
param_value() {
	value=
	for word in $cmdline; do
		case "$word" in
		"$1"=*) value=${word#*=} ;;
		esac
	done
	echo "$value"
}

scenario=$(param_value kdumptest)
[ -n "$scenario" ] || scenario=default

crash_kernel() {
	mark "crash-kernel-up scenario=$scenario"
	mark "crash-cmdline $cmdline"
	case " $cmdline" in
	*" elfcorehdr="*) mark "elfcorehdr=present" ;;
	*) fail "no elfcorehdr= on the crash kernel's command line" ;;
	esac

	if has_param kdump_snp=1; then
		mark "kdump_snp=1"
		snp=1
	elif [ -n "$(param_value kdump_snp)" ]; then
		mark "kdump_snp=$(param_value kdump_snp)"
		snp=other
	else
		mark "kdump_snp=absent"
		snp=absent
	fi
	case "$scenario" in
	snp-on) want=1 ;;
	unload) fail "a crash kernel booted after kexec -p -u" ;;
	*) want=absent ;;
	esac
	[ "$snp" = "$want" ] || fail "kdump_snp: expected $want, got $snp"

	[ -e /proc/vmcore ] || fail "no /proc/vmcore"
	size=$(stat -c %s /proc/vmcore)
	mark "vmcore-present size=$size"
	[ "$size" -gt 0 ] || fail "/proc/vmcore is empty"
	# read the ELF header, as a dump tool would
	magic=$(head -c 4 /proc/vmcore | tail -c 3)
	[ "$magic" = "ELF" ] || fail "/proc/vmcore does not start with an ELF header"
	mark "vmcore-elf-header ok"
	mark "crash-kernel-ok"
	finish
}

# run_kexec WHAT ARGS...: run /bin/kexec, print its status as
# "WHAT rc=N"; stderr stays on the console for the log
run_kexec() {
	what=$1
	shift
	/bin/kexec "$@"
	rc=$?
	mark "$what rc=$rc"
	return "$rc"
}

# expect_loaded 0|1: /sys/kernel/kexec_crash_loaded
expect_loaded() {
	loaded=$(cat /sys/kernel/kexec_crash_loaded)
	mark "kexec_crash_loaded=$loaded"
	[ "$loaded" = "$1" ] || fail "kexec_crash_loaded is $loaded, expected $1"
}

first_kernel() {
	mark "first-kernel-up scenario=$scenario"
	[ -x /bin/kexec ] || fail "no /bin/kexec in the initramfs"

	crash_append="console=ttyS0 reset_devices nr_cpus=1 panic=5 kdumptest=$scenario"
	snp_opt=
	case "$scenario" in
	default | unload) ;;
	snp-on) snp_opt=--snp=on ;;
	*) fail "unknown scenario '$scenario'" ;;
	esac

	# nothing is loaded yet, in either slot
	# kexec -S exits as in kexec-tools: 1 when loaded, 0 when not
	run_kexec status-before -S -p
	[ "$rc" = 0 ] || fail "kexec -S -p before loading: exit $rc, expected 0"
	expect_loaded 0

	# shellcheck disable=SC2086 # snp_opt is one word or none
	run_kexec load -p /boot/vmlinuz --initrd=/boot/crash-initrd.cpio \
		--append="$crash_append" $snp_opt
	[ "$rc" = 0 ] || fail "kexec -p failed with exit $rc"

	run_kexec status-loaded -S -p
	[ "$rc" = 1 ] || fail "kexec -S -p after loading: exit $rc, expected 1"
	expect_loaded 1
	# as in kexec-tools, -S alone asks about the crash kernel, and -S -l
	# about the kexec (normal) slot, which stays empty
	run_kexec status-default-slot -S
	[ "$rc" = 1 ] || fail "kexec -S (crash kernel by default): exit $rc, expected 1"
	run_kexec status-normal-slot -S -l
	[ "$rc" = 0 ] || fail "kexec -S -l (normal slot): exit $rc, expected 0"

	if [ "$scenario" = unload ]; then
		run_kexec unload -p -u
		[ "$rc" = 0 ] || fail "kexec -p -u failed with exit $rc"
		run_kexec status-unloaded -S -p
		[ "$rc" = 0 ] || fail "kexec -S -p after unloading: exit $rc, expected 0"
		expect_loaded 0

		# this boot has retain_initrd: --reuse-initrd passes the kept
		# initrd, which Linux 6.8 and later offer as /sys/firmware/initrd,
		# to kexec_file_load; older kernels get a refusal with the reason
		if [ -e /sys/firmware/initrd ]; then
			mark "retained-initrd present"
			run_kexec reuse-initrd -l /boot/vmlinuz --reuse-initrd --append="console=ttyS0"
			[ "$rc" = 0 ] || fail "kexec -l --reuse-initrd failed with exit $rc"
			run_kexec status-kexec-loaded -S -l
			[ "$rc" = 1 ] || fail "kexec -S -l after kexec -l: exit $rc, expected 1"
			run_kexec unload-kexec -u
			[ "$rc" = 0 ] || fail "kexec -u failed with exit $rc"
			run_kexec status-kexec-unloaded -S -l
			[ "$rc" = 0 ] || fail "kexec -S -l after kexec -u: exit $rc, expected 0"
		else
			mark "retained-initrd absent"
			run_kexec reuse-initrd -l /boot/vmlinuz --reuse-initrd
			[ "$rc" = 1 ] || fail "kexec -l --reuse-initrd without /sys/firmware/initrd: exit $rc, expected 1"
			run_kexec status-kexec-unloaded -S -l
			[ "$rc" = 0 ] || fail "kexec -S -l after a refused load: exit $rc, expected 0"
		fi
	fi

	mark "sysrq-crash"
	sync
	echo c >/proc/sysrq-trigger
	fail "still running after sysrq-c"
}

case " $cmdline" in
*" elfcorehdr="*) crash_kernel ;;
*) first_kernel ;;
esac
