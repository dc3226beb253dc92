// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * estimate: a crashkernel= size for this host from its measured parts.
 * The allowances that are not measured here are named as such.
 */
#include <errno.h>
#include <sys/stat.h>

#include "bzimage.h"
#include "cmdline.h"
#include "describe.h"
#include "initramfs-size.h"
#include "kdumpctl.h"
#include "log.h"
#include "sysroot.h"
#include "util.h"

#define MIB (1024ULL * 1024)
#define ALIGN_BYTES (16 * MIB)
#define MAKEDUMPFILE_FIXED (16 * MIB)  /* program, libraries, I/O buffers */
#define RUNTIME_ALLOWANCE (64 * MIB)   /* slab, page tables, systemd, udev at nr_cpus=1 */
#define SWIOTLB_BYTES (64 * MIB)       /* bounce buffers when memory is encrypted */
#define UNBUILT_PACKED (24 * MIB)
#define UNBUILT_UNPACKED (64 * MIB)
/* init_size of Debian 12's 6.1.0-57-amd64 bzImage, measured: 66682880 */
#define UNREADABLE_KERNEL (64 * MIB)

struct part {
	char what[96];
	uint64_t bytes;
	const char *how;
};

static void line(const struct part *p)
{
	char size[32];

	describe_size(p->bytes, size, sizeof(size));
	printf("  %-52s %10s  %s\n", p->what, p->bytes ? size : "0", p->how);
}

static bool sme_active(const char *root)
{
	_cleanup_free_ char *cmdline = NULL;
	bool flag = false;

	if (probe_cpu_flag(root, "sme", &flag) < 0 || !flag)
		return false;
	if (probe_cmdline(root, &cmdline) < 0)
		return false;
	return cmdline_has_param_value(cmdline, "mem_encrypt", "on");
}

static int kernel_part(const struct kdump_ctx *ctx, struct part *p)
{
	enum bzimage_error err;
	struct bzimage_info info;
	int r = bzimage_check_file(ctx->kernel_path, &err, &info);

	snprintf(p->what, sizeof(p->what), "kernel %s", ctx->kver);
	if (r == -EACCES) {
		p->bytes = UNREADABLE_KERNEL;
		p->how = "allowance: not readable by this user (root measures it)";
		return 0;
	}
	if (r < 0)
		return log_error_errno(r, "kernel image %s", ctx->kernel_path);
	if (err != BZIMAGE_OK) {
		log_error("kernel image %s: %s", ctx->kernel_path, bzimage_strerror(err));
		return -ENOEXEC;
	}
	p->bytes = info.init_size;
	p->how = "init_size from its boot header";
	return 0;
}

static void initramfs_parts(const struct kdump_ctx *ctx, struct part *packed, struct part *unpacked)
{
	struct stat st;
	uint64_t size;

	snprintf(packed->what, sizeof(packed->what), "capture initramfs, as loaded");
	snprintf(unpacked->what, sizeof(unpacked->what), "capture initramfs, unpacked");
	int r = stat(ctx->initrd_path, &st) < 0 ? -errno : initramfs_unpacked_size(ctx->initrd_path, &size);

	if (r < 0) {
		packed->bytes = UNBUILT_PACKED;
		unpacked->bytes = UNBUILT_UNPACKED;
		packed->how = unpacked->how = r == -EACCES ?
			"allowance: image not readable by this user (root measures it)" :
			"allowance: image not built (kdumpctl rebuild measures it)";
		return;
	}
	packed->bytes = (uint64_t)st.st_size;
	packed->how = "file size";
	unpacked->bytes = size;
	unpacked->how = "measured by decompressing it";
}

int verb_estimate(struct kdump_ctx *ctx, const struct global_options *o)
{
	struct part parts[8] = { 0 };
	struct crash_reservation res;
	uint64_t ram = 0, sum = 0, total;
	size_t n = 0;
	char buf[32];
	int r;

	r = ctx_check_kernel(ctx);
	if (r < 0)
		return r;
	r = kernel_part(ctx, &parts[n++]);
	if (r < 0)
		return r;
	initramfs_parts(ctx, &parts[n], &parts[n + 1]);
	n += 2;
	r = probe_mem_total(ctx->root, &ram);
	if (r < 0)
		return log_error_errno(r, "cannot read MemTotal from /proc/meminfo");
	describe_size(ram, buf, sizeof(buf));
	snprintf(parts[n].what, sizeof(parts[n].what), "makedumpfile bitmaps for %s of RAM", buf);
	parts[n].bytes = ram / 4096 * 2 / 8;
	parts[n++].how = "2 bits per 4 KiB page";
	snprintf(parts[n].what, sizeof(parts[n].what), "makedumpfile program and buffers");
	parts[n].bytes = MAKEDUMPFILE_FIXED;
	parts[n++].how = "allowance";
	snprintf(parts[n].what, sizeof(parts[n].what), "kernel and userspace at run time");
	parts[n].bytes = RUNTIME_ALLOWANCE;
	parts[n++].how = "allowance: slab, page tables, systemd, udev";
	if (sme_active(ctx->root)) {
		snprintf(parts[n].what, sizeof(parts[n].what), "SME active: swiotlb bounce buffers");
		parts[n].bytes = SWIOTLB_BYTES;
		parts[n++].how = "sme flag and mem_encrypt=on";
	}
	if (ctx->snp.enabled || ctx->snp_hint) {
		snprintf(parts[n].what, sizeof(parts[n].what), "SEV-SNP host: IOMMU state");
		parts[n].bytes = 0;
		parts[n++].how = "reused in place by the patched crash kernel";
	}

	printf("Memory the crash kernel needs on this host:\n");
	for (size_t i = 0; i < n; i++) {
		line(&parts[i]);
		sum += parts[i].bytes;
	}
	/* the reservation also holds the struct pages (64 bytes per 4 KiB) of itself */
	total = sum * 64 / 63;
	total = (total + ALIGN_BYTES - 1) / ALIGN_BYTES * ALIGN_BYTES;
	describe_size(sum, buf, sizeof(buf));
	printf("  %-52s %10s\n", "sum", buf);
	describe_size(total - sum, buf, sizeof(buf));
	printf("  %-52s %10s  %s\n", "memory map of the reservation, and rounding", buf,
	       "x 64/63, up to 16 MiB");
	printf("Recommended: crashkernel=%lluM\n", (unsigned long long)(total / MIB));
	r = probe_crash_reservation(ctx->root, &res);
	/* non-root: /proc/iomem hides the ranges, sysfs still has the size */
	if (r == -EACCES && probe_kexec_crash_size(ctx->root, &res.total) == 0)
		r = 0;
	if (r == 0) {
		describe_size(res.total, buf, sizeof(buf));
		printf("Reserved now: %s (%s)\n", buf, res.total >= total ? "enough" : "too small");
	} else if (r == -ENOENT) {
		printf("Reserved now: nothing (no crashkernel= on the kernel command line)\n");
	}
	return 0;
}
