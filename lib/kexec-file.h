/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KDUMP_KEXEC_FILE_H
#define KDUMP_KEXEC_FILE_H

#include <stdbool.h>
#include <stdio.h>

/* kexec_file_load(2) flags, as in <linux/kexec.h>. */
#define KDUMP_KEXEC_FILE_UNLOAD 0x00000001
#define KDUMP_KEXEC_FILE_ON_CRASH 0x00000002
#define KDUMP_KEXEC_FILE_NO_INITRAMFS 0x00000004
#define KDUMP_KEXEC_FILE_DEBUG 0x00000008

#define DRY_RUN_ENV "KDUMP_SNP_DRY_RUN"

struct kexec_file_request {
	const char *kernel;  /* path; NULL for unload */
	const char *initrd;  /* path or NULL */
	const char *cmdline; /* NULL or "" for an empty command line */
	unsigned long flags; /* KDUMP_KEXEC_FILE_* */
};

/* true when KDUMP_SNP_DRY_RUN=1: syscalls are printed, not made. */
bool kexec_dry_run(void);

/*
 * Load (or, with KDUMP_KEXEC_FILE_UNLOAD, unload) a kernel through
 * kexec_file_load(2). NO_INITRAMFS is set here when initrd is NULL.
 * In dry-run mode the exact arguments are written to dry_out instead:
 *   kexec_file_load
 *   kernel: <path>
 *   initrd: <path>|(none)
 *   cmdline: <command line>
 *   cmdline_len: <bytes including the NUL>
 *   flags: KEXEC_FILE_ON_CRASH|...  (or 0)
 * Returns 0 or the negative errno of the syscall (or of opening a file).
 */
int kexec_file_load_request(const struct kexec_file_request *req, FILE *dry_out);

/* Boot the loaded kernel now (reboot(LINUX_REBOOT_CMD_KEXEC)), after sync()
 * when sync_first; returns only on failure, or in dry-run mode after
 * printing "sync: yes|no" and "reboot: LINUX_REBOOT_CMD_KEXEC". */
int kexec_reboot(bool sync_first, FILE *dry_out);

/* Format flags by name into buf ("KEXEC_FILE_ON_CRASH|KEXEC_FILE_NO_INITRAMFS"). */
void kexec_file_flags_str(unsigned long flags, char *buf, size_t len);

/*
 * Explain a kexec_file_load(2) failure in a sentence a user can act on.
 * on_crash selects crash-kernel advice; reserved is the crashkernel=
 * reservation in bytes (0 if none or unknown). Writes into buf.
 */
void kexec_explain_error(int err, bool on_crash, unsigned long long reserved,
			 char *buf, size_t len);

#endif
