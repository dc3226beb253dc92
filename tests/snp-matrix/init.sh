#!/bin/busybox sh
# shellcheck shell=dash
# /init of the SNP matrix's busybox guests (tests/snp-matrix/run-matrix).
#
# One script for both kernels of a crash cycle:
# - first kernel (no elfcorehdr= on /proc/cmdline): loads /boot/vmlinuz with
#   /boot/crash.cpio as the crash kernel with our static kexec
#   (`kexec -p --snp=on|off`, plus the row's extra crash parameters), and
#   crashes with sysrq-c;
# - crash kernel (elfcorehdr= present): runs our `kdumpctl save`, whose
#   /etc/kdump.conf names the dump target by UUID and ends in poweroff.
# Both load /modules/*.ko in /modules/load-order first, when present
# (Debian's kernel; the small test kernel has everything built in).
#
# The row comes from the first kernel's command line:
#   snpm_row=NAME      the row's name, passed on to the crash kernel
#   snpm_snp=on|off    kexec's --snp= option
#   snpm_crash=A,B,..  the crash kernel's command line, commas for spaces
#   snpm_extra=P=V     one more crash kernel parameter (e.g. kdump_snp=0)
#   snpm_cpu=N         crash on CPU N (the crash kernel then starts there)
#
# Every line for the host starts with "KDUMP-SNP-TEST: ".

/bin/busybox mkdir -p /proc /sys /dev /tmp /run
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sysfs /sys
/bin/busybox mount -t devtmpfs devtmpfs /dev 2>/dev/null
/bin/busybox --install -s /bin
export PATH=/usr/bin:/bin:/sbin

mark() {
	echo "KDUMP-SNP-TEST: $*"
}

finish() {
	mark "poweroff"
	sync
	poweroff -f
	sleep 10
	exit 1
}

fail() {
	mark "FAIL $*"
	finish
}

cmdline=$(cat /proc/cmdline)

# param_value NAME: the value of NAME= on /proc/cmdline (the last one)
param_value() {
	value=
	for word in ${cmdline}; do
		case "${word}" in
		"$1"=*) value=${word#*=} ;;
		*) ;;
		esac
	done
	echo "${value}"
}

load_modules() {
	[ -f /modules/load-order ] || return 0
	while read -r m; do
		insmod "/modules/${m}" || fail "insmod ${m}"
	done </modules/load-order
	mark "modules-loaded"
}

row=$(param_value snpm_row)

crash_kernel() {
	mark "crash-kernel-up row=${row}"
	mark "crash-cmdline ${cmdline}"
	hostname snp-matrix
	load_modules
	[ -e /proc/vmcore ] || fail "no /proc/vmcore"
	size=$(stat -c %s /proc/vmcore)
	mark "vmcore-present size=${size}"
	mark "kdumpctl-save"
	kdumpctl -c /etc/kdump.conf --defaults=/etc/default/kdump save
	mark "kdumpctl-save-returned rc=$?"
	finish
}

first_kernel() {
	mark "first-kernel-up row=${row}"
	load_modules
	snp=$(param_value snpm_snp)
	extra=$(param_value snpm_extra)
	[ -n "${snp}" ] || fail "no snpm_snp= on the command line"
	crash=$(param_value snpm_crash)
	[ -n "${crash}" ] || fail "no snpm_crash= on the command line"
	append="$(echo "${crash}" | tr ',' ' ') snpm_row=${row}"
	[ -z "${extra}" ] || append="${append} ${extra}"
	kexec -p /boot/vmlinuz --initrd=/boot/crash.cpio --append="${append}" --snp="${snp}"
	rc=$?
	mark "load rc=${rc}"
	[ "${rc}" = 0 ] || fail "kexec -p failed"
	loaded=$(cat /sys/kernel/kexec_crash_loaded)
	mark "kexec_crash_loaded=${loaded}"
	cpu=$(param_value snpm_cpu)
	[ -n "${cpu}" ] || cpu=0
	mark "sysrq-crash cpu=${cpu}"
	sync
	taskset -c "${cpu}" sh -c 'echo c >/proc/sysrq-trigger' ||
		fail "cannot crash on CPU ${cpu}"
	fail "still running after sysrq-c"
}

case " ${cmdline}" in
*" elfcorehdr="*) crash_kernel ;;
*) first_kernel ;;
esac
