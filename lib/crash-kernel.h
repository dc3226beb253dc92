/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KDUMP_CRASH_KERNEL_H
#define KDUMP_CRASH_KERNEL_H

#include <stdbool.h>

#include "probe.h"
#include "snp-fix.h"

/*
 * Which kernel boots after a crash. KDUMP_KERNEL (kdump-tools' name) in
 * the defaults file:
 *
 *   auto     (default) the dedicated crash kernel (package
 *            kdump-snp-crash-kernel, built by kernel/build-crash-kernel)
 *            when it is installed, the host is SEV-SNP capable (or
 *            KDUMP_SNP=on) and the running kernel is not known to have
 *            the SNP fix; else the running kernel. Only there: elsewhere
 *            the running kernel is the one the host is known to boot, with
 *            every driver and firmware file of its hardware, while the
 *            dedicated kernel carries a fixed list of drivers.
 *   running  the running kernel (/boot/<KDUMP_IMG>-<release>).
 *   /path    that image; its release is KDUMP_KERNELVER, or else the
 *            version string in the image's boot header.
 *
 * KDUMP_KERNELVER=<release> with auto or running keeps its old meaning,
 * /boot/<KDUMP_IMG>-<release>, and wins over auto.
 */
#define CRASH_KERNEL_DIR "/usr/lib/kdump-snp/crash-kernel"
/* the package's link to its one kernel, vmlinuz-<release> */
#define CRASH_KERNEL_LINK CRASH_KERNEL_DIR "/vmlinuz"

struct crash_kernel_input {
	const char *root;
	const char *setting;   /* KDUMP_KERNEL: "auto", "running" or a path */
	const char *kernelver; /* KDUMP_KERNELVER, "" for none */
	const char *img;       /* KDUMP_IMG */
	const char *running;   /* the running kernel's release */
	const struct snp_state *snp; /* NULL when unknown */
	bool snp_hint;         /* the crash kernel gets kdump_snp=1 */
	const struct snp_fix_info *running_fix;
};

struct crash_kernel_choice {
	char *path;        /* absolute, on the host (not below root) */
	char *release;
	bool dedicated;    /* the dedicated crash kernel */
	char why[400];     /* the reason, one sentence */
};

/* The dedicated crash kernel's release, from CRASH_KERNEL_LINK below root;
 * -ENOENT when it is not installed, -EINVAL when the link does not name a
 * vmlinuz-<release> in that directory. */
int crash_kernel_find_dedicated(const char *root, char **release);

/* Decides (see above). Returns 0, -ENOMEM, or -EINVAL with why set when an
 * explicit image's release cannot be told. */
int crash_kernel_choose(const struct crash_kernel_input *in, struct crash_kernel_choice *out);
void crash_kernel_choice_clear(struct crash_kernel_choice *c);

#endif
