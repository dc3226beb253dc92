// SPDX-License-Identifier: GPL-2.0-or-later
/* status and showmem. */
#include <errno.h>
#include <inttypes.h>
#include <sys/stat.h>

#include "describe.h"
#include "kdumpctl.h"
#include "loader.h"
#include "log.h"
#include "util.h"

struct status {
	int loaded;               /* 1, 0, or negative errno */
	const char *image_state;  /* "up to date", "stale", "missing" */
	char *stale_reason;
	uint64_t image_size;
	int res_err;
	struct crash_reservation res;
};

static void gather(const struct kdump_ctx *ctx, struct status *st)
{
	struct stat sb;

	st->loaded = loader_status(ctx->root, true);
	if (stat(ctx->initrd_path, &sb) < 0) {
		st->image_state = "missing";
	} else {
		st->image_size = (uint64_t)sb.st_size;
		st->image_state = rebuild_is_stale(ctx, &st->stale_reason) == 0 ? "up to date" : "stale";
	}
	st->res_err = probe_crash_reservation(ctx->root, &st->res);
}

static void print_reservation(FILE *f, const struct status *st)
{
	char size[32];

	if (st->res_err == -ENOENT) {
		fprintf(f, "none (no crashkernel= reservation)\n");
		return;
	}
	if (st->res_err < 0) {
		fprintf(f, "unknown (%s)\n", strerror(-st->res_err));
		return;
	}
	describe_size(st->res.total, size, sizeof(size));
	fprintf(f, "%s\n", size);
}

static void status_text(const struct kdump_ctx *ctx, const struct status *st)
{
	char buf[512];

	if (st->loaded == 1)
		printf("kdump: operational\n");
	else
		printf("kdump: not operational: %s\n",
		       st->loaded == 0 ? "no crash kernel is loaded (kdumpctl start loads it)"
				       : "the kernel does not report a crash kernel state");
	printf("  crash kernel: %s (%s)\n", ctx->kernel_path, ctx->kver);
	printf("  initramfs:    %s (%s", ctx->initrd_path, st->image_state);
	if (st->image_size) {
		describe_size(st->image_size, buf, sizeof(buf));
		printf(", %s", buf);
	}
	if (st->stale_reason)
		printf(": %s", st->stale_reason);
	printf(")\n");
	describe_target(ctx->conf, buf, sizeof(buf));
	printf("  dump target:  %s\n", buf);
	printf("  reservation:  ");
	print_reservation(stdout, st);
	describe_snp(ctx, buf, sizeof(buf));
	printf("  SEV-SNP:      %s\n", buf);
}

static void json_range(const char *name, const struct crash_range *r)
{
	if (!crash_range_size(r)) {
		printf("\"%s\":null", name);
		return;
	}
	printf("\"%s\":{\"start\":%" PRIu64 ",\"end\":%" PRIu64 ",\"size\":%" PRIu64 "}", name,
	       r->start, r->end, crash_range_size(r));
}

static void status_json(const struct kdump_ctx *ctx, const struct status *st)
{
	printf("{\"operational\":%s,\"loaded\":%s,", st->loaded == 1 ? "true" : "false",
	       st->loaded == 1 ? "true" : "false");
	printf("\"kernel\":");
	json_string(stdout, ctx->kernel_path);
	printf(",\"kernel_release\":");
	json_string(stdout, ctx->kver);
	printf(",\"initramfs\":{\"path\":");
	json_string(stdout, ctx->initrd_path);
	printf(",\"state\":");
	json_string(stdout, st->image_state);
	printf(",\"size\":%" PRIu64 ",\"stale_reason\":", st->image_size);
	if (st->stale_reason)
		json_string(stdout, st->stale_reason);
	else
		printf("null");
	printf("},\"target\":{\"type\":");
	json_string(stdout, conf_target_type_name(ctx->conf->target_type));
	printf(",\"spec\":");
	if (ctx->conf->target)
		json_string(stdout, ctx->conf->target);
	else
		printf("null");
	printf(",\"path\":");
	json_string(stdout, ctx->conf->path);
	printf("},\"reservation\":");
	if (st->res_err < 0) {
		printf("null");
	} else {
		printf("{\"total\":%" PRIu64 ",", st->res.total);
		json_range("low", &st->res.low);
		printf(",");
		json_range("high", &st->res.high);
		printf("}");
	}
	printf(",\"snp\":{\"capable\":%s,\"enabled\":%s,\"kvm_amd_loaded\":%s,"
	       "\"source\":", ctx->snp.capable ? "true" : "false",
	       ctx->snp.enabled ? "true" : "false", ctx->snp.kvm_amd_loaded ? "true" : "false");
	json_string(stdout, snp_source_name(ctx->snp.enabled ? ctx->snp.enabled_from
							     : ctx->snp.capable_from));
	printf(",\"hint\":%s}}\n", ctx->snp_hint ? "true" : "false");
}

int verb_status(struct kdump_ctx *ctx, const struct global_options *o)
{
	struct status st = { 0 };

	gather(ctx, &st);
	if (o->json)
		status_json(ctx, &st);
	else
		status_text(ctx, &st);
	free(st.stale_reason);
	return st.loaded == 1 ? 0 : EXIT_NOT_OPERATIONAL;
}

static void print_range(const char *name, const struct crash_range *r)
{
	char size[32];

	if (!crash_range_size(r)) {
		printf("  %-5s none\n", name);
		return;
	}
	describe_size(crash_range_size(r), size, sizeof(size));
	printf("  %-5s 0x%016" PRIx64 "-0x%016" PRIx64 " (%s)\n", name, r->start, r->end, size);
}

int verb_showmem(struct kdump_ctx *ctx, const struct global_options *o)
{
	struct crash_reservation res;
	uint64_t size = 0;
	char buf[32];
	int r;

	r = probe_crash_reservation(ctx->root, &res);
	if (r == -ENOENT) {
		printf("No memory is reserved for the crash kernel (no crashkernel= on the kernel command line).\n");
		return 1;
	}
	if (r == -EACCES) {
		log_error("/proc/iomem hides addresses from this user; run kdumpctl showmem as root");
		return r;
	}
	if (r < 0)
		return log_error_errno(r, "cannot read the crash kernel reservation");
	describe_size(res.total, buf, sizeof(buf));
	printf("Reserved crash memory: %s\n", buf);
	print_range("low", &res.low);
	print_range("high", &res.high);
	if (probe_kexec_crash_size(ctx->root, &size) == 0) {
		describe_size(size, buf, sizeof(buf));
		printf("kexec_crash_size: %" PRIu64 " bytes (%s)\n", size, buf);
	}
	return 0;
}
