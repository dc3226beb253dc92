/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KDUMP_SNP_FIX_H
#define KDUMP_SNP_FIX_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Whether a crash kernel survives a crash on an SEV-SNP host: after a
 * panic with SNP guests running, the IOMMU base registers stay locked to
 * the crashed kernel, and only a kernel that reuses the crashed kernel's
 * IOMMU structures reaches its disk. Two kernels do:
 *
 *  series   - one with our kernel/ series. Its marker is the function
 *             SNP_FIX_SYMBOL (the kdump_snp= handler of patch 0004, kept
 *             by __setup() as a symbol of its own), looked up in
 *             /boot/System.map-<release>, or in /proc/kallsyms when
 *             release is the running kernel. Debian's packages ship a
 *             placeholder System.map without symbols.
 *  upstream - Linux 6.18 and later, and 6.17.8 and later in 6.17.y,
 *             which carry upstream's reuse code; told by the release.
 *
 * absent: the kernel's symbols are known and have no marker, and it is
 * older than upstream's fix. unknown: neither symbols nor the release
 * tell (a distribution kernel older than 6.17.8 that is not running).
 */
enum snp_fix { SNP_FIX_UNKNOWN, SNP_FIX_ABSENT, SNP_FIX_SERIES, SNP_FIX_UPSTREAM };

#define SNP_FIX_SYMBOL "parse_kdump_snp"

struct snp_fix_info {
	enum snp_fix fix;
	char evidence[320]; /* what told: "System.map-6.12.57 lists parse_kdump_snp", ... */
};

/* Look at the kernel release under root (see sysroot.h). Files that
 * cannot be read (or memory that runs out) only make the answer unknown. */
void probe_snp_fix(const char *root, const char *release, struct snp_fix_info *info);
/* The same for the kernel image at image (an absolute path on the host):
 * the System.map-<release> next to it comes first. */
void probe_snp_fix_image(const char *root, const char *release, const char *image,
			 struct snp_fix_info *info);

/* "series", "upstream", "absent", "unknown" */
const char *snp_fix_name(enum snp_fix fix);

/* Whether release is upstream's fixed Linux (6.17.8+, 6.18+); false when
 * it does not start with a version number. */
bool snp_fix_release_has_upstream(const char *release);

#endif
