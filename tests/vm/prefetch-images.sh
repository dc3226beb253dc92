#!/bin/bash
# Build what make check-vm needs before its first guest boots, or find it
# in the cache (make vm-images): the kdump-snp guest base and the
# kdump-tools base (tests/vm/guest-image.sh --base-only, under the guest
# cache's lock) and the watchdog-hang test module for the base's kernel
# (tests/vm/hang-module/build.sh, under its own lock), one after the other.
# tests/run-tests runs it in the background beside the steps that keep one
# core busy with a single QEMU, so that check-vm finds them cached; with
# both locks, check-vm run by hand meanwhile waits for them, never builds
# them twice.
#
# Usage: tests/vm/prefetch-images.sh
# Needs root (debootstrap, chroot, mounts). Environment: as
# tests/vm/guest-image.sh (KDUMP_SNP_CACHE, KDUMP_SNP_GUEST_MIRROR).
set -euo pipefail
shopt -s inherit_errexit

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)

die() {
	printf 'prefetch-images: %s\n' "$*" >&2
	exit 1
}

[[ $# -eq 0 ]] || die "usage: $0 (no arguments)"

start=$(date +%s)
out=$(mktemp)
trap 'rm -f -- "${out}"' EXIT

# base FLAVOUR: build or find the flavour's base; its folder in $base
base=""
base() {
	echo "prefetch-images: guest base, flavour $1"
	"${here}/guest-image.sh" --base-only --flavour "$1" | tee -- "${out}"
	base=$(tail -n 1 -- "${out}")
	[[ -s "${base}/kver" && -d "${base}/root" ]] || die "guest-image.sh --base-only --flavour $1 named no base (last line: ${base})"
}

base kdump-snp
snp_base=${base}
base kdump-tools

# the module for the kernel of the kdump-snp base, as the watchdog-hang
# scenario asks for it (tests/vm/kdump-cycle.sh: the root beside the
# guest.env's KERNEL, its KVER): the same cache entry
kver=$(cat -- "${snp_base}/kver")
echo "prefetch-images: watchdog-hang test module for ${kver}"
"${here}/hang-module/build.sh" "${snp_base}/root" "${kver}" | tee -- "${out}"
ko=$(tail -n 1 -- "${out}")
[[ -s "${ko}" ]] || die "hang-module/build.sh named no module (last line: ${ko})"

end=$(date +%s)
echo "prefetch-images: guest bases and test module ready in $((end - start))s"
