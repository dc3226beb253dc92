/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEXEC_OPTIONS_H
#define KEXEC_OPTIONS_H

#include <stdbool.h>

#include "snp-policy.h"

enum kexec_action {
	ACTION_NONE,
	ACTION_LOAD,        /* -l */
	ACTION_LOAD_PANIC,  /* -p */
	ACTION_UNLOAD,      /* -u, with -p for the crash kernel */
	ACTION_EXEC,        /* -e */
	ACTION_STATUS,      /* -S */
	ACTION_PRINT_CKR_SIZE, /* --print-ckr-size */
};

struct kexec_options {
	enum kexec_action action;
	/* the flags as given; action is derived from them */
	bool help, version, load, unload, exec, status, print_ckr_size;
	bool crash;        /* -p given: the crash slot */
	bool force;        /* -f: load and boot at once */
	bool debug;
	bool reuse_cmdline;
	bool reuse_initrd; /* --reuse-initrd: the initrd kept by retain_initrd */
	bool no_sync;      /* -y: no sync() before -e or -f boots */
	const char *kernel;
	const char *initrd;
	char *append;      /* --append/--command-line strings joined by spaces */
	enum snp_mode snp;
};

/* Parse argv. Returns 0, or -EINVAL after logging what is wrong (a usage
 * error: kexec exits 1, as kexec-tools does). */
int kexec_parse_options(int argc, char **argv, struct kexec_options *o);
void kexec_options_free(struct kexec_options *o);
void kexec_usage(FILE *out);

#endif
