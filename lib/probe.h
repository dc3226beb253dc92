/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KDUMP_PROBE_H
#define KDUMP_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Host probes. Each takes the root directory to read below ("/" on a real
 * host, a fixture tree in tests; see sysroot.h) and returns 0 or a negative
 * errno. Nothing here prints to stdout.
 */

/* Whether any "flags" line of /proc/cpuinfo lists flag as a whole word. */
int probe_cpu_flag(const char *root, const char *flag, bool *has);

/* MemTotal of /proc/meminfo, in bytes. */
int probe_mem_total(const char *root, uint64_t *bytes);

/* The running kernel's command line, <root>/proc/cmdline without its
 * newline. */
int probe_cmdline(const char *root, char **cmdline);

/* Running kernel release, from <root>/proc/sys/kernel/osrelease. */
int probe_kernel_release(const char *root, char **release);

struct crash_range {
	uint64_t start;
	uint64_t end; /* inclusive, as /proc/iomem prints it */
};

static inline uint64_t crash_range_size(const struct crash_range *r)
{
	return r->end ? r->end - r->start + 1 : 0;
}

/*
 * The crashkernel= reservation as /proc/iomem shows it ("Crash kernel"
 * ranges). x86_64 reserves one range, or with crashkernel=X,high one high
 * range plus a low one below 4 GiB for DMA. Ranges that start below 4 GiB
 * are low; a zero range is absent.
 * Returns -ENOENT when /proc/iomem has no Crash kernel range, -EACCES when
 * the file hides addresses (read as a non-root user: all zero).
 */
struct crash_reservation {
	struct crash_range low;
	struct crash_range high;
	uint64_t total; /* bytes, low + high */
};

int probe_crash_reservation(const char *root, struct crash_reservation *res);

/* The running kernel in memory: /proc/iomem's "Kernel code" start to
 * "Kernel bss" end. -ENOENT when not listed, -EACCES when hidden (not
 * root). */
int probe_kernel_footprint(const char *root, uint64_t *bytes);

/* /sys/kernel/kexec_crash_loaded (crash kernel loaded) and
 * /sys/kernel/kexec_loaded (normal kexec kernel loaded). */
int probe_kexec_crash_loaded(const char *root, bool *loaded);
int probe_kexec_loaded(const char *root, bool *loaded);

/* /sys/kernel/kexec_crash_size: bytes the kernel still holds for the crash
 * kernel (it can be shrunk by writing to this file). */
int probe_kexec_crash_size(const char *root, uint64_t *size);

/* AMD IOMMUs: the ivhd* entries of /sys/class/iommu. *count is 0 on hosts
 * without one. *snp_feature is set when any IOMMU reports SNP support in
 * its extended feature register (bit 63 of amd-iommu/features). */
struct amd_iommu_info {
	unsigned int count;
	bool snp_feature;
};

int probe_amd_iommu(const char *root, struct amd_iommu_info *info);

/*
 * SEV-SNP host state. Two answers:
 *
 *  capable - the CPU and its firmware support SEV-SNP. Sources, any one
 *            suffices: the `sev_snp` flag in /proc/cpuinfo (the kernel shows
 *            it only when the CPU has it and the BIOS enabled SNP), or an
 *            AMD IOMMU advertising SNP in its extended features, or the
 *            kvm_amd `sev_snp` parameter reading Y.
 *
 *  enabled - the running kernel has SNP host support switched on, so SNP
 *            guests can run and the IOMMU can be left locked after a panic.
 *            Precedence, first source present wins:
 *            1. /sys/module/kvm_amd/parameters/sev_snp: Y/1 on, N/0 off.
 *               KVM only reports Y after the firmware was initialised for
 *               SNP, which is what locks the IOMMU; N means no SNP guest
 *               can run on this boot.
 *            2. kvm_amd not loaded, or still running its init
 *               (initstate "coming"): off, with kvm_amd_loaded false so
 *               that callers can warn that loading it later with
 *               sev_snp=1 changes the answer (use --snp=on for such
 *               hosts; kdump-snp's udev rule re-arms when it is loaded).
 */
enum snp_source {
	SNP_SOURCE_NONE,
	SNP_SOURCE_CPUINFO,
	SNP_SOURCE_IOMMU,
	SNP_SOURCE_KVM_AMD,
};

struct snp_state {
	bool capable;
	bool enabled;
	bool kvm_amd_loaded;
	enum snp_source capable_from;
	enum snp_source enabled_from;
};

int probe_snp_state(const char *root, struct snp_state *snp);

const char *snp_source_name(enum snp_source source);

#endif
