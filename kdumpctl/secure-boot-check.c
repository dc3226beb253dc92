// SPDX-License-Identifier: GPL-2.0-or-later
/* Secure Boot: under lockdown, kexec_file_load(2) refuses an unsigned
 * crash kernel; check, start and status say so before it does. */
#include <errno.h>

#include "kdumpctl.h"
#include "log.h"
#include "secure-boot.h"
#include "util.h"

struct sb_state {
	char *lockdown;   /* "none" when the file is missing */
	int sig_err;      /* reading the image failed: -errno */
	enum pe_sig sig;
};

static int sb_probe(const struct kdump_ctx *ctx, struct sb_state *s)
{
	int r = probe_lockdown(ctx->root, &s->lockdown);

	if (r == -ENOENT || r == -EINVAL)
		s->lockdown = strdup("none");
	else if (r < 0)
		return r;
	if (!s->lockdown)
		return -ENOMEM;
	s->sig_err = pe_signature_check_file(ctx->kernel_path, &s->sig);
	return 0;
}

static bool locked(const struct sb_state *s)
{
	return !streq(s->lockdown, "none");
}

int ctx_check_signature(const struct kdump_ctx *ctx)
{
	struct sb_state s = { 0 };
	_cleanup_free_ char *mode = NULL;
	int r = sb_probe(ctx, &s);

	mode = s.lockdown;
	if (r < 0)
		return r == -ENOMEM ? r : 0;
	/* an unreadable image fails the load with its own message */
	if (!locked(&s) || s.sig_err < 0 || s.sig == PE_SIG_SIGNED)
		return 0;
	log_error("kernel lockdown is on (%s, /sys/kernel/security/lockdown: Secure Boot), and "
		  "kexec_file_load refuses the crash kernel %s: it %s. Sign it and enrol the "
		  "certificate as a MOK (kernel/build-crash-kernel --deb --sign-key KEY --sign-cert "
		  "CERT, then mokutil --import CERT.der and reboot; see kernel/README.md in "
		  "kdump-snp), or set KDUMP_KERNEL to a kernel signed by a key this kernel trusts",
		  mode, ctx->kernel_path, s.sig == PE_SIG_NOT_PE ?
		  "is no signed EFI image (no PE/COFF header)" : "carries no signature");
	return -EKEYREJECTED;
}

void describe_secure_boot(const struct kdump_ctx *ctx, char *buf, size_t len)
{
	struct sb_state s = { 0 };
	_cleanup_free_ char *mode = NULL;
	const char *sig;
	int r = sb_probe(ctx, &s);

	mode = s.lockdown;
	if (r < 0) {
		snprintf(buf, len, "unknown: %s", strerror(-r));
		return;
	}
	if (s.sig_err < 0)
		sig = "unreadable";
	else if (s.sig == PE_SIG_SIGNED)
		sig = "signed";
	else
		sig = "unsigned";
	if (!locked(&s))
		snprintf(buf, len, "lockdown none; crash kernel %s", sig);
	else if (s.sig == PE_SIG_SIGNED && s.sig_err == 0)
		snprintf(buf, len, "lockdown %s; crash kernel signed (the kernel checks the key "
			 "at load: UEFI db or an enrolled MOK)", mode);
	else
		snprintf(buf, len, "lockdown %s; crash kernel %s: kexec_file_load refuses it", mode,
			 sig);
}
