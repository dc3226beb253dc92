/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KDUMP_CRASH_CMDLINE_H
#define KDUMP_CRASH_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>

/*
 * The crash kernel's command line, composed from the running kernel's:
 *   base   = KDUMP_COMMANDLINE, or /proc/cmdline
 *   remove = CRASH_CMDLINE_REMOVE + KDUMP_COMMANDLINE_REMOVE (names; a name
 *            ending in '.' such as "rd.lvm." removes every parameter that
 *            starts with it)
 *   append = CRASH_CMDLINE_APPEND + KDUMP_COMMANDLINE_APPEND (a parameter
 *            already present with another value is replaced, not repeated,
 *            and one of KDUMP_COMMANDLINE_APPEND that CRASH_CMDLINE_APPEND
 *            also sets takes the place of ours;
 *            init= and rdinit= are refused there, and so is a panic=
 *            or sysctl.kernel.panic= that is not a non-zero number: a
 *            second panic, in the crash kernel, must reboot the machine
 *            (panic=10; no crashkernel=, so no crash kernel of its own))
 *   SNP    = with the hint: module_blacklist=ccp,kvm_amd (merged into any
 *            module_blacklist= already there), kdump_snp=1, and IOMMU-off
 *            options refused (snp-policy.h)
 */
#define CRASH_CMDLINE_REMOVE \
	"BOOT_IMAGE crashkernel hugepages hugepagesz default_hugepagesz quiet " \
	"log_buf_len swiotlb cma hugetlb_cma root rd.lvm rd.lvm. rd.luks rd.luks. " \
	"rd.md rd.md. panic_on_warn resume init rdinit sysctl.kernel.panic sysctl.kernel/panic"
#define CRASH_CMDLINE_APPEND \
	"irqpoll nr_cpus=1 reset_devices cgroup_disable=memory mce=off numa=off " \
	"udev.children-max=2 panic=10 acpi_no_memhotplug transparent_hugepage=never " \
	"nokaslr hest_disable novmcoredd cma=0 hugetlb_cma=0"

struct crash_cmdline_input {
	const char *base;   /* the line to start from */
	const char *remove; /* extra names to remove, space separated; may be NULL */
	const char *append; /* extra parameters, a command line; may be NULL */
	bool snp;           /* apply the SNP hand-over */
};

/* Returns 0 and *out, -EINVAL with a sentence in err (a refused option or
 * a malformed parameter), or -ENOMEM. */
int crash_cmdline_compose(const struct crash_cmdline_input *in, char **out,
			  char *err, size_t errlen);

/* The CPUs a crash kernel booted with this command line brings up at
 * most: the smaller of nr_cpus= and maxcpus= (the last of each; maxcpus=0
 * is the boot CPU alone), 0 when neither limits it or the kernel would
 * ignore the value. */
unsigned int crash_cmdline_cpus(const char *cmdline);

#endif
