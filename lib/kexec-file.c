// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <linux/reboot.h>
#include <sys/reboot.h>
#include <sys/syscall.h>

#include "kexec-file.h"
#include "util.h"

bool kexec_dry_run(void)
{
	const char *v = getenv(DRY_RUN_ENV);

	return v && streq(v, "1");
}

void kexec_file_flags_str(unsigned long flags, char *buf, size_t len)
{
	static const struct {
		unsigned long flag;
		const char *name;
	} names[] = {
		{ KDUMP_KEXEC_FILE_UNLOAD, "KEXEC_FILE_UNLOAD" },
		{ KDUMP_KEXEC_FILE_ON_CRASH, "KEXEC_FILE_ON_CRASH" },
		{ KDUMP_KEXEC_FILE_NO_INITRAMFS, "KEXEC_FILE_NO_INITRAMFS" },
		{ KDUMP_KEXEC_FILE_DEBUG, "KEXEC_FILE_DEBUG" },
	};
	size_t used = 0;

	if (len == 0)
		return;
	buf[0] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		if (!(flags & names[i].flag))
			continue;
		used += (size_t)snprintf(buf + used, used < len ? len - used : 0, "%s%s",
					 used ? "|" : "", names[i].name);
		flags &= ~names[i].flag;
	}
	if (flags)
		used += (size_t)snprintf(buf + used, used < len ? len - used : 0, "%s0x%lx",
					 used ? "|" : "", flags);
	if (used == 0)
		snprintf(buf, len, "0");
}

static void print_dry_run(FILE *out, const struct kexec_file_request *req,
			  const char *cmdline, unsigned long flags)
{
	char fl[128];

	kexec_file_flags_str(flags, fl, sizeof(fl));
	fprintf(out, "kexec_file_load\n");
	fprintf(out, "kernel: %s\n", req->kernel ? req->kernel : "(none)");
	fprintf(out, "initrd: %s\n", req->initrd ? req->initrd : "(none)");
	fprintf(out, "cmdline: %s\n", cmdline);
	fprintf(out, "cmdline_len: %zu\n", *cmdline ? strlen(cmdline) + 1 : 0);
	fprintf(out, "flags: %s\n", fl);
	fflush(out);
}

int kexec_file_load_request(const struct kexec_file_request *req, FILE *dry_out)
{
	_cleanup_close_ int kfd = -1;
	_cleanup_close_ int ifd = -1;
	const char *cmdline = req->cmdline ? req->cmdline : "";
	unsigned long flags = req->flags;
	size_t cmdline_len = *cmdline ? strlen(cmdline) + 1 : 0;

	if (!(flags & KDUMP_KEXEC_FILE_UNLOAD)) {
		if (!req->kernel)
			return -EINVAL;
		kfd = open(req->kernel, O_RDONLY | O_CLOEXEC);
		if (kfd < 0)
			return -errno;
		if (req->initrd) {
			ifd = open(req->initrd, O_RDONLY | O_CLOEXEC);
			if (ifd < 0)
				return -errno;
		} else {
			flags |= KDUMP_KEXEC_FILE_NO_INITRAMFS;
		}
	}

	if (kexec_dry_run()) {
		print_dry_run(dry_out ? dry_out : stdout, req, cmdline, flags);
		return 0;
	}
	if (syscall(SYS_kexec_file_load, kfd, ifd, cmdline_len,
		    cmdline_len ? cmdline : NULL, flags) < 0)
		return -errno;
	return 0;
}

int kexec_reboot(bool sync_first, FILE *dry_out)
{
	if (kexec_dry_run()) {
		fprintf(dry_out ? dry_out : stdout, "sync: %s\nreboot: LINUX_REBOOT_CMD_KEXEC\n",
			sync_first ? "yes" : "no");
		return 0;
	}
	if (sync_first)
		sync();
	if (reboot(LINUX_REBOOT_CMD_KEXEC) < 0)
		return -errno;
	return 0;
}
