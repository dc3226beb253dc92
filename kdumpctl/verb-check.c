// SPDX-License-Identifier: GPL-2.0-or-later
/* check: the configuration as kdumpctl understands it. */
#include "describe.h"
#include "kdumpctl.h"
#include "strv.h"
#include "util.h"

static void print_list(const char *name, char **v)
{
	_cleanup_free_ char *s = v ? strv_join_quoted(v) : NULL;

	printf("%-16s %s\n", name, s && *s ? s : "(none)");
}

int verb_check(struct kdump_ctx *ctx, const struct global_options *o)
{
	const struct kdump_conf *c = ctx->conf;
	_cleanup_free_ char *cmdline = NULL;
	char buf[512];
	int r;

	/* the command line is part of the check: refused options fail it */
	r = ctx_crash_cmdline(ctx, &cmdline);
	if (r < 0)
		return r;
	/* and so is a crash kernel that would hang after an SNP crash */
	r = ctx_check_snp_fix(ctx);
	if (r < 0)
		return r;
	printf("%-16s %s\n", "config:", ctx->config_path);
	printf("%-16s %s\n", "defaults:", ctx->defaults_path);
	describe_target(c, buf, sizeof(buf));
	printf("%-16s %s\n", "dump target:", buf);
	printf("%-16s %s\n", "path:", c->path);
	printf("%-16s %s\n", "core_collector:", c->core_collector);
	printf("%-16s %s\n", "failure_action:", conf_action_name(c->failure_action));
	printf("%-16s %s\n", "final_action:", conf_action_name(c->final_action));
	print_list("extra_bins:", c->extra_bins);
	print_list("extra_modules:", c->extra_modules);
	print_list("dracut_args:", c->dracut_args);
	printf("%-16s %s\n", "kdump_pre:", c->kdump_pre ? c->kdump_pre : "(none)");
	printf("%-16s %s\n", "kdump_post:", c->kdump_post ? c->kdump_post : "(none)");
	printf("%-16s %s\n", "rebuild:", c->force_rebuild ? "always (force_rebuild)" :
	       c->force_no_rebuild ? "never once built (force_no_rebuild)" : "when stale");
	printf("%-16s %s (%s)\n", "crash kernel:", ctx->kernel_path, ctx->kver);
	printf("%-16s %s\n", "initramfs:", ctx->initrd_path);
	describe_snp(ctx, buf, sizeof(buf));
	printf("%-16s %s\n", "SEV-SNP:", buf);
	if (ctx->snp.capable || ctx->snp_hint) {
		describe_snp_fix(ctx, buf, sizeof(buf));
		printf("%-16s %s\n", "SNP crash:", buf);
	}
	printf("%-16s %s\n", "crash cmdline:", cmdline);
	return 0;
}
