/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KDUMP_LOADER_H
#define KDUMP_LOADER_H

#include <stdbool.h>
#include <stdio.h>

#include "snp-policy.h"

/*
 * Loading a kernel the way kexec(8) and kdumpctl(8) both do it: check the
 * image, apply the SNP policy to a crash command line, call
 * kexec_file_load(2) and explain its failures. Errors are logged (stderr)
 * and returned as negative errno.
 */
struct load_request {
	const char *root;    /* probe root, see sysroot.h */
	const char *kernel;
	const char *initrd;  /* NULL for none */
	const char *cmdline; /* the command line before the SNP policy */
	bool crash;          /* load into the crash slot (kexec -p) */
	enum snp_mode snp;
};

/* On success *final_cmdline (if not NULL) receives the command line that
 * was passed to the kernel. */
int loader_load(const struct load_request *req, FILE *dry_out, char **final_cmdline);

int loader_unload(const char *root, bool crash, FILE *dry_out);

/* 1 when a kernel is loaded in the slot, 0 when not, negative errno. */
int loader_status(const char *root, bool crash);

#endif
