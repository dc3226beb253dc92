/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KDUMP_SNP_POLICY_H
#define KDUMP_SNP_POLICY_H

#include <stdbool.h>
#include <stddef.h>

#include "probe.h"

/*
 * What a crash-kernel command line needs on an SEV-SNP host. After a panic
 * with SNP guests running, the IOMMU stays locked to the crashed kernel:
 * the crash kernel must keep the IOMMU on and reuse the old IOMMU state,
 * and it is told so with kdump_snp=1.
 */
enum snp_mode { SNP_MODE_AUTO, SNP_MODE_ON, SNP_MODE_OFF };

#define SNP_HINT_PARAM "kdump_snp"

/* Parse "auto", "on" or "off"; -EINVAL otherwise. */
int snp_mode_parse(const char *s, enum snp_mode *mode);
const char *snp_mode_name(enum snp_mode mode);

/* auto: SNP enabled on this host; on: always; off: never. */
bool snp_hint_wanted(enum snp_mode mode, const struct snp_state *snp);

/*
 * For a crash kernel on an SNP host (hint true): refuse parameters that
 * turn the IOMMU or interrupt remapping off (iommu=off, amd_iommu=off,
 * intremap=off, nointremap) and set kdump_snp=1, replacing any earlier
 * kdump_snp=. With hint false the command line is copied unchanged.
 * Returns 0 and *out, or -EINVAL with a sentence naming the parameter in
 * err, or -ENOMEM.
 */
int snp_apply_to_cmdline(const char *cmdline, bool hint, char **out,
			 char *err, size_t errlen);

#endif
