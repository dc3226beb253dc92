// SPDX-License-Identifier: GPL-2.0-or-later
/* status and showmem. */
#include <errno.h>
#include <inttypes.h>
#include <sys/stat.h>

#include "describe.h"
#include "dump-target.h"
#include "kdumpctl.h"
#include "loader.h"
#include "log.h"
#include "util.h"
#include "watchdog.h"

struct status {
	int loaded;               /* 1, 0, or negative errno */
	bool operational;
	char reason[512];
	bool image_exists;
	int image_fresh;          /* 1, 0, -1 unknown (the configuration has errors) */
	char *stale_reason;
	uint64_t image_size;
	int res_err;
	struct crash_reservation res;
};

static bool snp_at_risk(const struct kdump_ctx *ctx)
{
	return ctx->snp_hint && ctx->snp_fix.fix != SNP_FIX_SERIES &&
	       ctx->snp_fix.fix != SNP_FIX_UPSTREAM;
}

static void gather(const struct kdump_ctx *ctx, struct status *st)
{
	struct stat sb;

	st->loaded = loader_status(ctx->root, true);
	st->image_fresh = 0;
	if (stat(ctx->initrd_path, &sb) == 0) {
		st->image_exists = true;
		st->image_size = (uint64_t)sb.st_size;
		/* staleness compares with a configuration that parses */
		st->image_fresh = ctx->errs.n ? -1 : rebuild_is_stale(ctx, &st->stale_reason) == 0;
	}
	st->res_err = probe_crash_reservation(ctx->root, &st->res);

	st->operational = st->loaded == 1 && !snp_at_risk(ctx);
	if (st->loaded < 0)
		snprintf(st->reason, sizeof(st->reason),
			 "the kernel does not report a crash kernel state (%s)", strerror(-st->loaded));
	else if (st->loaded == 0)
		snprintf(st->reason, sizeof(st->reason), "no crash kernel is loaded (%s)",
			 ctx->errs.n ? "and kdumpctl start refuses the configuration until its "
				       "errors are fixed" : "kdumpctl start loads it");
	else if (snp_at_risk(ctx))
		snprintf(st->reason, sizeof(st->reason),
			 "the crash kernel cannot survive a crash with SEV-SNP guests running: %s",
			 ctx->snp_fix.evidence);
	else if (ctx->errs.n)
		snprintf(st->reason, sizeof(st->reason),
			 "a crash kernel is loaded; the configuration on disk has errors, so the "
			 "loaded crash kernel uses the last valid configuration");
	else
		snprintf(st->reason, sizeof(st->reason), "a crash kernel is loaded");
}

static void print_reservation(FILE *f, const struct status *st)
{
	char size[32];

	if (st->res_err == -ENOENT) {
		fprintf(f, "none (no crashkernel= reservation)\n");
		return;
	}
	if (st->res_err < 0) {
		fprintf(f, "unknown (%s)\n", st->res_err == -EACCES ?
			"/proc/iomem hides addresses from this user" : strerror(-st->res_err));
		return;
	}
	describe_size(st->res.total, size, sizeof(size));
	fprintf(f, "%s\n", size);
}
/* No target directive: which file system holds path, as check shows it. */
static void print_resolved_target(const struct kdump_ctx *ctx)
{
	struct dump_target t;

	if (!ctx->conf || ctx->conf->target_type != CONF_TARGET_ROOTFS ||
	    dump_target_resolve(ctx, true, &t) < 0)
		return;
	if (t.target.device)
		printf(" (%s, %s%s%s)", t.target.device, t.target.fstype,
		       t.target.subvol ? ", subvol=" : "", t.target.subvol ? t.target.subvol : "");
	dump_target_clear(&t);
}


static void status_text(const struct kdump_ctx *ctx, const struct status *st)
{
	char buf[512];

	if (st->operational)
		printf("kdump: operational\n");
	else
		printf("kdump: not operational: %s\n", st->reason);
	if (st->operational && ctx->errs.n)
		printf("  note:         the configuration has errors; the loaded crash kernel "
		       "uses the last valid configuration\n");
	printf("  crash kernel: %s (%s)\n", ctx->kernel_path, ctx->kver);
	if (ctx->kernel_error)
		printf("  KDUMP_KERNEL: %s; showing the running kernel\n", ctx->kernel_error);
	printf("  chosen by:    %s\n", ctx->kernel_why);
	describe_secure_boot(ctx, buf, sizeof(buf));
	printf("  Secure Boot:  %s\n", buf);
	printf("  initramfs:    %s (%s", ctx->initrd_path, !st->image_exists ? "missing" :
	       st->image_fresh < 0 ? "freshness unknown: the configuration has errors" :
	       st->image_fresh ? "up to date" : "stale");
	if (st->image_size) {
		describe_size(st->image_size, buf, sizeof(buf));
		printf(", %s", buf);
	}
	if (st->stale_reason)
		printf(": %s", st->stale_reason);
	printf(")\n");
	if (ctx->conf)
		describe_target(ctx->conf, buf, sizeof(buf));
	else
		snprintf(buf, sizeof(buf), "unknown: the configuration has errors");
	printf("  dump target:  %s", buf);
	print_resolved_target(ctx);
	printf("\n");
	printf("  reservation:  ");
	print_reservation(stdout, st);
	describe_snp(ctx, buf, sizeof(buf));
	printf("  SEV-SNP:      %s\n", buf);
	describe_watchdog(ctx, ctx->conf, buf, sizeof(buf));
	printf("  watchdog:     %s\n", buf);
	if (ctx->snp.capable || ctx->snp_hint) {
		describe_snp_fix(ctx, buf, sizeof(buf));
		printf("  SNP crash:    %s\n", buf);
	}
	if (ctx->errs.n) {
		printf("  config errors:\n");
		fflush(stdout);
		ctx_print_errors(ctx, stdout, "    ");
	}
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

static void json_string_or_null(const char *s)
{
	if (s)
		json_string(stdout, s);
	else
		printf("null");
}

static const char *json_bool(bool b)
{
	return b ? "true" : "false";
}

/* every error, not only the first CTX_ERRORS_SHOWN: machines read these */
static void json_errors(const struct conf_errors *errs)
{
	printf("\"config_errors\":[");
	for (size_t i = 0; i < errs->n; i++) {
		printf("%s{\"file\":", i ? "," : "");
		json_string_or_null(errs->v[i].file);
		printf(",\"line\":%u,\"column\":%u,\"message\":", errs->v[i].line,
		       errs->v[i].column);
		json_string(stdout, errs->v[i].message);
		printf("}");
	}
	printf("]");
}

static void json_target(const struct kdump_conf *c)
{
	if (!c) {
		printf("null");
		return;
	}
	printf("{\"type\":");
	json_string(stdout, conf_target_type_name(c->target_type));
	printf(",\"spec\":");
	json_string_or_null(c->target);
	printf(",\"path\":");
	json_string(stdout, c->path);
	printf("}");
}

static void json_reservation(int err, const struct crash_reservation *res)
{
	static const struct crash_range none;

	printf("\"reservation\":{\"state\":\"%s\",\"bytes\":%" PRIu64 ",",
	       err == -ENOENT ? "none" : err < 0 ? "unknown" : "reserved", err < 0 ? 0 : res->total);
	json_range("low", err < 0 ? &none : &res->low);
	printf(",");
	json_range("high", err < 0 ? &none : &res->high);
	printf("}");
}

/* the host's watchdog, or null; timeout: what the capture arms it with */
static void json_watchdog(const struct kdump_ctx *ctx)
{
	struct watchdog_host h;

	if (watchdog_probe(ctx->root, &h) < 0) {
		printf("null");
		return;
	}
	printf("{\"device\":");
	json_string(stdout, h.device);
	printf(",\"driver\":");
	json_string(stdout, h.driver);
	printf(",\"modules\":[");
	for (char **m = h.modules; m && *m; m++) {
		printf("%s", m == h.modules ? "" : ",");
		json_string(stdout, *m);
	}
	printf("],\"timeout\":");
	if (ctx->conf)
		printf("%u}", watchdog_timeout_for(ctx->conf->capture_timeout, h.max_timeout));
	else
		printf("null}");
	watchdog_host_clear(&h);
}

static void status_json(const struct kdump_ctx *ctx, const struct status *st)
{
	printf("{\"operational\":%s,\"loaded\":%s,\"reason\":", json_bool(st->operational),
	       st->loaded < 0 ? "null" : json_bool(st->loaded == 1));
	json_string(stdout, st->reason);
	printf(",\"config\":");
	json_string(stdout, ctx->config_path);
	printf(",\"defaults\":");
	json_string(stdout, ctx->defaults_path);
	printf(",");
	json_errors(&ctx->errs);
	printf(",\"kernel\":");
	json_string(stdout, ctx->kernel_path);
	printf(",\"kernel_release\":");
	json_string(stdout, ctx->kver);
	printf(",\"kernel_dedicated\":%s,\"kernel_choice\":", json_bool(ctx->kernel_dedicated));
	json_string(stdout, ctx->kernel_why);
	printf(",\"kernel_error\":");
	json_string_or_null(ctx->kernel_error);
	printf(",\"image\":{\"path\":");
	json_string(stdout, ctx->initrd_path);
	printf(",\"exists\":%s,\"fresh\":%s,\"size\":%" PRIu64 ",\"stale_reason\":",
	       json_bool(st->image_exists), st->image_fresh < 0 ? "null" : json_bool(st->image_fresh),
	       st->image_size);
	json_string_or_null(st->stale_reason);
	printf("},\"target\":");
	json_target(ctx->conf);
	printf(",");
	json_reservation(st->res_err, &st->res);
	printf(",\"snp\":{\"capable\":%s,\"enabled\":%s,\"kvm_amd_loaded\":%s,\"source\":",
	       json_bool(ctx->snp.capable), json_bool(ctx->snp.enabled),
	       json_bool(ctx->snp.kvm_amd_loaded));
	json_string(stdout, snp_source_name(ctx->snp.enabled ? ctx->snp.enabled_from
							     : ctx->snp.capable_from));
	printf(",\"hint\":%s,\"crash_kernel_fix\":\"%s\",\"crash_kernel_fix_evidence\":",
	       json_bool(ctx->snp_hint), snp_fix_name(ctx->snp_fix.fix));
	json_string(stdout, ctx->snp_fix.evidence);
	printf("},\"watchdog\":");
	json_watchdog(ctx);
	printf("}\n");
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
	return st.operational ? 0 : EXIT_NOT_OPERATIONAL;
}

int status_unavailable(const struct kdump_ctx *ctx, const struct global_options *o, int err)
{
	int loaded = loader_status(ctx->root, true);
	struct crash_reservation res = { 0 };
	int res_err = probe_crash_reservation(ctx->root, &res);
	char reason[256];

	snprintf(reason, sizeof(reason), "kdumpctl cannot describe this host: %s", strerror(-err));
	if (!o->json) {
		printf("kdump: not operational: %s\n", reason);
		if (ctx->errs.n) {
			printf("  config errors:\n");
			fflush(stdout);
			ctx_print_errors(ctx, stdout, "    ");
		}
		return EXIT_NOT_OPERATIONAL;
	}
	printf("{\"operational\":false,\"loaded\":%s,\"reason\":",
	       loaded < 0 ? "null" : json_bool(loaded == 1));
	json_string(stdout, reason);
	printf(",");
	json_errors(&ctx->errs);
	printf(",");
	json_reservation(res_err, &res);
	printf(",\"image\":null,\"target\":null,\"snp\":null}\n");
	return EXIT_NOT_OPERATIONAL;
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
	/* non-root: /proc/iomem hides the ranges, sysfs still has the size */
	if (r == -EACCES && probe_kexec_crash_size(ctx->root, &size) == 0) {
		describe_size(size, buf, sizeof(buf));
		printf("Reserved crash memory: %s (kexec_crash_size; /proc/iomem shows the ranges "
		       "to root only)\n", buf);
		return 0;
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
