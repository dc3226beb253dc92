// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * estimate: a crashkernel= size for this host, part by part, each marked
 * measured, computed or allowance.
 */
#include <errno.h>

#include "describe.h"
#include "kdumpctl.h"
#include "util.h"

#define MIB (1024ULL * 1024)

static void line(FILE *out, const char *what, uint64_t bytes, const char *source, const char *how)
{
	char size[32];

	describe_size(bytes, size, sizeof(size));
	fprintf(out, "  %-44s %10s  %-10s %s\n", what, bytes ? size : "0", source, how);
}

int estimate_crashkernel(const struct kdump_ctx *ctx, FILE *out, uint64_t *recommended)
{
	struct estimate e;
	char buf[32];
	int r = ctx_check_kernel(ctx);

	if (r == 0)
		r = estimate_host(ctx, &e);
	if (r < 0)
		return r;
	*recommended = e.total;
	if (!out)
		return 0;
	fprintf(out, "Memory the crash kernel needs on this host:\n");
	for (size_t i = 0; i < e.n; i++)
		line(out, e.part[i].what, e.part[i].bytes, estimate_source_name(e.part[i].source),
		     e.part[i].how);
	if (ctx->snp.enabled || ctx->snp_hint)
		line(out, "SEV-SNP host: IOMMU state", 0, "-",
		     "reused in place by the patched crash kernel");
	describe_size(e.sum, buf, sizeof(buf));
	fprintf(out, "  %-44s %10s\n", "sum", buf);
	line(out, "memory map of the reservation", e.memmap, "computed", "64 bytes per 4 KiB page");
	fprintf(out, "Recommended: crashkernel=%lluM (the sum and its memory map, rounded up to 16 MiB)\n",
		(unsigned long long)(e.total / MIB));
	return 0;
}

int verb_estimate(struct kdump_ctx *ctx, const struct global_options *o)
{
	struct crash_reservation res;
	uint64_t total;
	char buf[32];
	int r = estimate_crashkernel(ctx, stdout, &total);

	if (r < 0)
		return r;
	r = probe_crash_reservation(ctx->root, &res);
	/* non-root: /proc/iomem hides the ranges, sysfs still has the size */
	if (r == -EACCES && probe_kexec_crash_size(ctx->root, &res.total) == 0)
		r = 0;
	if (r == 0) {
		describe_size(res.total, buf, sizeof(buf));
		if (res.total >= total)
			printf("Reserved now: %s (enough)\n", buf);
		else
			printf("Reserved now: %s (too small by %llu MiB)\n", buf,
			       (unsigned long long)((total - res.total + MIB - 1) / MIB));
	} else if (r == -ENOENT) {
		printf("Reserved now: nothing (no crashkernel= on the kernel command line)\n");
	}
	return 0;
}
