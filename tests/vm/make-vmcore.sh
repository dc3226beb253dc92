#!/bin/bash
# A small real crash dump for the tests of `kdumpctl save --vmcore`.
#
# Boots Debian's kernel in QEMU (-m 512, crashkernel=192M) with a busybox
# init that loads itself as the crash kernel with our static kexec and
# crashes; the crash kernel copies /proc/vmcore onto a scratch disk. The
# host then filters that copy with `makedumpfile -E -d 31` into an ELF core
# of a few MiB, as /proc/vmcore would look to a collector. Cached under
# $KDUMP_SNP_CACHE/vmcore, keyed by the kernel, kexec and this script.
#
# Usage: tests/vm/make-vmcore.sh /abs/path/to/kexec-static
#        (prints the path of the ELF core on its last line)
set -euo pipefail

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/vm/lib.sh
. "$here/lib.sh"

[ "$#" = 1 ] || vm_die "usage: $0 /path/to/static/kexec"
kexec_bin=$1
# shellcheck disable=SC2310 # vm_is_static returns its answer, without set -e
vm_is_static "$kexec_bin" || vm_die "$kexec_bin is not a statically linked executable"

vm_require_host_tools
command -v makedumpfile >/dev/null || vm_apt_install makedumpfile
vm_cache_init
vm_fetch_kernel

script_sum=$(vm_sha256 "${BASH_SOURCE[0]}")
kexec_sum=$(vm_sha256 "$kexec_bin")
key="$VM_KERNEL_ID $script_sum $kexec_sum"
dir=$VM_CACHE/vmcore/$(vm_sha256_str "$key")
core=$dir/vmcore.elf
if [ -s "$core" ]; then
	vm_say "vmcore: cached"
	printf '%s\n' "$core"
	exit 0
fi
mkdir -p -- "$dir"
work=$(mktemp -d "$dir/.work.XXXXXX")
cleanup() {
	vm_kill_qemu
	[ -n "${KDUMP_SNP_KEEP_WORK:-}" ] || rm -rf -- "$work"
}
trap cleanup EXIT

# the crash kernel needs the virtio disk driver, modules in Debian's kernel
vm_kernel_package
(cd -- "$work" && chown _apt: . 2>/dev/null; apt-get download -q "$VM_KERNEL_PKG=$VM_KERNEL_VER" >/dev/null) ||
	vm_die "apt-get download $VM_KERNEL_PKG=$VM_KERNEL_VER failed"
dpkg-deb -x "$work"/*.deb "$work/x"
modules=(virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci virtio_blk)

cat >"$work/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox mkdir -p /proc /sys /dev
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sysfs /sys
/bin/busybox mount -t devtmpfs devtmpfs /dev
/bin/busybox --install -s /bin
echo 1 >/proc/sys/kernel/printk
mark() { echo "KDUMP-SNP-TEST: $*"; }
if grep -q elfcorehdr= /proc/cmdline; then
	for m in virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci virtio_blk; do
		insmod "/modules/$m.ko"
	done
	for _ in 1 2 3 4 5 6 7 8 9 10; do [ -b /dev/vda ] && break; sleep 1; done
	if cat /proc/vmcore >/dev/vda; then mark "vmcore-copied"; else mark "copy-failed"; fi
	sync
	poweroff -f
fi
kexec -p /boot/vmlinuz --initrd=/boot/initrd.cpio --append="console=ttyS0 irqpoll nr_cpus=1 reset_devices panic=5" ||
	{ mark "load-failed"; poweroff -f; }
mark "crashing"
echo c >/proc/sysrq-trigger
INIT

build_root() {
	local root=$1 m f
	vm_busybox_root "$root" "$work/init"
	mkdir -p -- "$root/modules"
	for m in "${modules[@]}"; do
		f=$(find "$work/x/lib/modules" -name "$m.ko" | head -n1)
		[ -n "$f" ] || vm_die "no $m.ko in $VM_KERNEL_PKG"
		cp -- "$f" "$root/modules/"
	done
	cp -- "$kexec_bin" "$root/bin/kexec"
}
mkdir -p -- "$work/crash" "$work/first"
build_root "$work/crash"
vm_cpio "$work/crash" "$work/crash.cpio"
build_root "$work/first"
cp -- "$VM_KERNEL" "$work/first/boot/vmlinuz"
cp -- "$work/crash.cpio" "$work/first/boot/initrd.cpio"
vm_cpio "$work/first" "$work/first.cpio"

truncate -s 640M "$work/disk.raw"
vm_say "vmcore: crashing a 512 MiB guest and copying its /proc/vmcore to a disk"
# the machine as vm_run_qemu starts it, with less memory (the last -m wins)
vm_run_qemu "$work/serial.log" "$VM_KERNEL" "$work/first.cpio" \
	"console=ttyS0 crashkernel=192M panic=5" -m 512 \
	-drive "file=$work/disk.raw,if=none,id=d0,format=raw" -device virtio-blk-pci,drive=d0
grep -q "$VM_TAG vmcore-copied" "$work/serial.log" || {
	vm_show_log "$work/serial.log"
	vm_die "the crash kernel did not copy /proc/vmcore"
}
makedumpfile -E -d 31 "$work/disk.raw" "$work/vmcore.elf" >"$work/mdf.log" 2>&1 ||
	{ cat -- "$work/mdf.log"; vm_die "makedumpfile could not filter the dump"; }
makedumpfile --dump-dmesg "$work/vmcore.elf" "$work/dmesg.txt" >"$work/mdf.log" 2>&1 ||
	{ cat -- "$work/mdf.log"; vm_die "makedumpfile --dump-dmesg failed on the filtered dump"; }
grep -q "sysrq triggered crash" "$work/dmesg.txt" || vm_die "the filtered dump lacks the crash in its kernel log"
mv -f -- "$work/vmcore.elf" "$core"
size=$(du -h -- "$core" | cut -f1)
vm_say "vmcore: $size ELF core cached"
printf '%s\n' "$core"
