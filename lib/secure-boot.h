/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KDUMP_SECURE_BOOT_H
#define KDUMP_SECURE_BOOT_H

#include <stddef.h>

/*
 * Under kernel lockdown (Secure Boot on Debian and most distributions),
 * kexec_file_load(2) loads only a kernel whose Authenticode signature the
 * running kernel trusts (its built-in, secondary or platform keyring: UEFI
 * db and the MOK list). kdumpctl cannot check trust, but it can tell an
 * image that carries no signature at all, which is refused for sure.
 */

/* The lockdown mode, the bracketed word of /sys/kernel/security/lockdown
 * below root ("none", "integrity", "confidentiality"). -ENOENT when the
 * file is missing (no lockdown LSM: as "none"), -EINVAL when it names no
 * mode. */
int probe_lockdown(const char *root, char **mode);

enum pe_sig {
	PE_SIG_NOT_PE,   /* no PE/COFF header: a kernel without the EFI stub */
	PE_SIG_UNSIGNED, /* PE/COFF without a certificate table */
	PE_SIG_SIGNED,   /* has an Authenticode certificate table */
};

/* Inspect the first len bytes of a kernel image. */
enum pe_sig pe_signature_check(const unsigned char *buf, size_t len);

/* The same for a file; 0 or a negative errno (then *sig is untouched). */
int pe_signature_check_file(const char *path, enum pe_sig *sig);

#endif
