// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <sys/stat.h>

#include "bzimage.h"
#include "kexec-file.h"
#include "loader.h"
#include "log.h"
#include "probe.h"
#include "util.h"

static int check_kernel(const char *path, struct bzimage_info *info)
{
	enum bzimage_error bzerr;
	struct stat st;
	int r;

	if (stat(path, &st) < 0)
		return log_error_errno(-errno, "kernel image %s", path);
	if (!S_ISREG(st.st_mode)) {
		log_error("kernel image %s: not a regular file", path);
		return -EINVAL;
	}
	r = bzimage_check_file(path, &bzerr, info);
	if (r < 0)
		return log_error_errno(r, "kernel image %s", path);
	if (bzerr != BZIMAGE_OK) {
		log_error("kernel image %s: %s", path, bzimage_strerror(bzerr));
		return -ENOEXEC;
	}
	log_debug("kernel image %s: boot protocol %u.%02u, xloadflags 0x%x, version \"%s\"",
		  path, info->protocol >> 8, info->protocol & 0xff, info->xloadflags,
		  info->version);
	return 0;
}

static int check_initrd(const char *path)
{
	struct stat st;

	if (!path)
		return 0;
	if (stat(path, &st) < 0)
		return log_error_errno(-errno, "initrd %s", path);
	if (!S_ISREG(st.st_mode) || st.st_size == 0) {
		log_error("initrd %s: %s", path,
			  S_ISREG(st.st_mode) ? "file is empty" : "not a regular file");
		return -EINVAL;
	}
	return 0;
}

/*
 * Linux 6.12 bzImage64_load() (arch/x86/kernel/kexec-bzimage64.c), for
 * every kexec_file_load(2) of a bzImage, crash or not, refuses with
 * -EINVAL when
 *	cmdline_len + MAX_ELFCOREHDR_STR_LEN > header->cmdline_size
 * where cmdline_len is the length passed to the syscall (the string and
 * its NUL; 0 for an empty line) and MAX_ELFCOREHDR_STR_LEN (30) keeps room
 * for the "elfcorehdr=0x<address> " that setup_cmdline() puts in front of a
 * crash kernel's command line. Refuse the same lines here, with a reason.
 */
#define KERNEL_ELFCOREHDR_RESERVE 30

static int check_cmdline_length(const char *cmdline, const char *kernel, uint32_t cmdline_size)
{
	size_t len = strlen(cmdline);
	size_t syscall_len = len ? len + 1 : 0;

	if (!cmdline_size || syscall_len + KERNEL_ELFCOREHDR_RESERVE <= cmdline_size)
		return 0;
	log_error("command line is %zu bytes; kernel %s accepts at most %u (its cmdline_size "
		  "of %u, less the terminating NUL and the %u bytes the kernel keeps for "
		  "elfcorehdr=)", len, kernel,
		  cmdline_size > KERNEL_ELFCOREHDR_RESERVE + 1 ?
		  cmdline_size - KERNEL_ELFCOREHDR_RESERVE - 1 : 0,
		  cmdline_size, KERNEL_ELFCOREHDR_RESERVE);
	return -E2BIG;
}

static bool snp_hint_for(const struct load_request *req)
{
	struct snp_state snp = { 0 };
	int r;

	if (!req->crash)
		return false;
	if (req->snp != SNP_MODE_AUTO)
		return snp_hint_wanted(req->snp, NULL);
	r = probe_snp_state(req->root, &snp);
	if (r < 0) {
		log_debug("SEV-SNP state unknown (%s); treating SNP as off", strerror(-r));
		return false;
	}
	log_debug("SEV-SNP: capable=%s (%s), enabled=%s (%s)",
		  snp.capable ? "yes" : "no", snp_source_name(snp.capable_from),
		  snp.enabled ? "yes" : "no", snp_source_name(snp.enabled_from));
	if (snp.capable && !snp.enabled && !snp.kvm_amd_loaded)
		log_warn("this host is SEV-SNP capable but kvm_amd is not loaded; if SNP guests "
			 "will run, load kvm_amd first or use --snp=on");
	return snp_hint_wanted(req->snp, &snp);
}

/* A crash load without a reservation can only fail; say so before trying. */
static int check_reservation(const struct load_request *req)
{
	uint64_t size = 0;

	if (!req->crash || probe_kexec_crash_size(req->root, &size) < 0)
		return 0;
	if (size == 0) {
		log_error("no memory is reserved for a crash kernel (kexec_crash_size is 0): "
			  "add crashkernel= (for example crashkernel=384M) to the kernel "
			  "command line and reboot");
		return -EADDRNOTAVAIL;
	}
	return 0;
}

static unsigned long long reserved_bytes(const char *root)
{
	struct crash_reservation res;
	uint64_t size = 0;

	if (probe_crash_reservation(root, &res) == 0)
		return res.total;
	if (probe_kexec_crash_size(root, &size) == 0)
		return size;
	return 0;
}

int loader_load(const struct load_request *req, FILE *dry_out, char **final_cmdline)
{
	_cleanup_free_ char *cmdline = NULL;
	struct bzimage_info info;
	char err[512];
	int r;

	r = check_kernel(req->kernel, &info);
	if (r < 0)
		return r;
	r = check_initrd(req->initrd);
	if (r < 0)
		return r;
	r = snp_apply_to_cmdline(req->cmdline ? req->cmdline : "", snp_hint_for(req),
				 &cmdline, err, sizeof(err));
	if (r == -EINVAL) {
		log_error("%s", err);
		return r;
	}
	if (r < 0)
		return log_error_errno(r, "cannot compose the command line");
	r = check_cmdline_length(cmdline, req->kernel, info.cmdline_size);
	if (r < 0)
		return r;
	r = check_reservation(req);
	if (r < 0)
		return r;

	r = kexec_file_load_request(&(struct kexec_file_request){
		.kernel = req->kernel,
		.initrd = req->initrd,
		.cmdline = cmdline,
		.flags = req->crash ? KDUMP_KEXEC_FILE_ON_CRASH : 0,
	}, dry_out);
	if (r < 0) {
		kexec_explain_error(r, req->crash, reserved_bytes(req->root), err, sizeof(err));
		log_error("cannot load %s: %s", req->kernel, err);
		return r;
	}
	if (final_cmdline) {
		*final_cmdline = cmdline;
		cmdline = NULL;
	}
	return 0;
}

int loader_unload(const char *root, bool crash, FILE *dry_out)
{
	char err[512];
	int r;

	r = kexec_file_load_request(&(struct kexec_file_request){
		.flags = KDUMP_KEXEC_FILE_UNLOAD | (crash ? KDUMP_KEXEC_FILE_ON_CRASH : 0),
	}, dry_out);
	if (r < 0) {
		kexec_explain_error(r, crash, reserved_bytes(root), err, sizeof(err));
		log_error("cannot unload the %s kernel: %s", crash ? "crash" : "kexec", err);
	}
	return r;
}

int loader_status(const char *root, bool crash)
{
	bool loaded = false;
	int r;

	r = crash ? probe_kexec_crash_loaded(root, &loaded) : probe_kexec_loaded(root, &loaded);
	if (r < 0)
		return r;
	return loaded ? 1 : 0;
}
