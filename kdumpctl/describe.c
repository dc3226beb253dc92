// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <string.h>

#include "describe.h"
#include "watchdog.h"
#include "util.h"

void describe_target(const struct kdump_conf *c, char *buf, size_t len)
{
	switch (c->target_type) {
	case CONF_TARGET_ROOTFS:
		snprintf(buf, len, "%s on the file system that holds it", c->path);
		break;
	case CONF_TARGET_FS:
		snprintf(buf, len, "%s on %s %s (%s)", c->path, c->fstype, c->target,
			 c->target_device ? c->target_device : "?");
		break;
	default:
		snprintf(buf, len, "%s %s", conf_target_type_name(c->target_type), c->target);
		break;
	}
}

void describe_snp(const struct kdump_ctx *ctx, char *buf, size_t len)
{
	const struct snp_state *s = &ctx->snp;

	if (s->enabled)
		snprintf(buf, len, "enabled (from %s)", snp_source_name(s->enabled_from));
	else if (s->capable)
		snprintf(buf, len, "capable (from %s), not enabled%s", snp_source_name(s->capable_from),
			 s->kvm_amd_loaded ? "" : ": kvm_amd is not loaded");
	else
		snprintf(buf, len, "not available");
	if (ctx->snp_hint) {
		size_t n = strlen(buf);

		snprintf(buf + n, len - n, "; crash kernel gets kdump_snp=1");
	}
}

void describe_snp_fix(const struct kdump_ctx *ctx, char *buf, size_t len)
{
	const struct snp_fix_info *f = &ctx->snp_fix;
	const char *verdict;

	if (f->fix == SNP_FIX_SERIES || f->fix == SNP_FIX_UPSTREAM)
		verdict = "survivable";
	else if (ctx->snp_hint)
		verdict = "NOT SURVIVABLE";
	else if (ctx->snp.enabled)
		verdict = "NOT SURVIVABLE, armed anyway (KDUMP_SNP=off)";
	else
		verdict = "not survivable once SNP is enabled";
	snprintf(buf, len, "%s: %s", verdict, f->evidence);
}

void describe_size(uint64_t bytes, char *buf, size_t len)
{
	if (bytes >= (1ULL << 30) && bytes % (1ULL << 30) == 0)
		snprintf(buf, len, "%llu GiB", (unsigned long long)(bytes >> 30));
	else if (bytes >= (10ULL << 30))
		snprintf(buf, len, "%.1f GiB", (double)bytes / (1 << 30));
	else if (bytes >= (1ULL << 20))
		snprintf(buf, len, "%.1f MiB", (double)bytes / (1 << 20));
	else if (bytes >= 1024)
		snprintf(buf, len, "%.1f KiB", (double)bytes / 1024);
	else
		snprintf(buf, len, "%llu bytes", (unsigned long long)bytes);
	/* whole numbers read better without ".0" */
	char *dot = strstr(buf, ".0 ");
	if (dot)
		memmove(dot, dot + 2, strlen(dot + 2) + 1);
}

void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

void describe_watchdog(const struct kdump_ctx *ctx, const struct kdump_conf *c,
		       char *buf, size_t len)
{
	struct watchdog_host h;
	int r = watchdog_probe(ctx->root, &h);

	if (r == -ENOENT) {
		snprintf(buf, len, "none on this host: a crash kernel that hangs in the kernel "
			 "stays down until it is reset by hand (a watchdog driver such as "
			 "sp5100_tco or iTCO_wdt would reset it)");
		return;
	}
	if (r < 0) {
		snprintf(buf, len, "unknown: %s", strerror(-r));
		return;
	}
	if (c)
		snprintf(buf, len, "%s (%s): the capture arms it for %u s and pets it while "
			 "the dump makes progress", h.device, h.driver,
			 watchdog_timeout_for(c->capture_timeout, h.max_timeout));
	else
		snprintf(buf, len, "%s (%s)", h.device, h.driver);
	watchdog_host_clear(&h);
}
