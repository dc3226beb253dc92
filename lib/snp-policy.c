// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>

#include "cmdline.h"
#include "snp-policy.h"
#include "util.h"

int snp_mode_parse(const char *s, enum snp_mode *mode)
{
	if (streq(s, "auto"))
		*mode = SNP_MODE_AUTO;
	else if (streq(s, "on"))
		*mode = SNP_MODE_ON;
	else if (streq(s, "off"))
		*mode = SNP_MODE_OFF;
	else
		return -EINVAL;
	return 0;
}

const char *snp_mode_name(enum snp_mode mode)
{
	switch (mode) {
	case SNP_MODE_AUTO:
		return "auto";
	case SNP_MODE_ON:
		return "on";
	case SNP_MODE_OFF:
		return "off";
	}
	return "?";
}

bool snp_hint_wanted(enum snp_mode mode, const struct snp_state *snp)
{
	switch (mode) {
	case SNP_MODE_ON:
		return true;
	case SNP_MODE_OFF:
		return false;
	case SNP_MODE_AUTO:
		return snp && snp->enabled;
	}
	return false;
}

/* The kernel scans these values as comma-separated option lists. */
static bool list_has_off(const char *value)
{
	const char *p = value;

	while (p && *p) {
		size_t n = strcspn(p, ",");

		if (n == 3 && strncmp(p, "off", 3) == 0)
			return true;
		p += n;
		if (*p == ',')
			p++;
	}
	return false;
}

struct refusal {
	char *err;
	size_t errlen;
};

static int refuse_iommu_off(const char *key, const char *value, void *data)
{
	static const char *const off_lists[] = { "iommu", "amd_iommu", "intremap" };
	struct refusal *r = data;
	bool off = false;

	if (cmdline_key_equal(key, "nointremap"))
		off = true;
	for (size_t i = 0; !off && i < ARRAY_SIZE(off_lists); i++)
		off = cmdline_key_equal(key, off_lists[i]) && value && list_has_off(value);
	if (!off)
		return 0;
	snprintf(r->err, r->errlen,
		 "refusing \"%s%s%s\" on the crash command line of an SEV-SNP host: under SNP "
		 "enforcement the IOMMU cannot be switched off, and the crash kernel must "
		 "reuse the crashed kernel's IOMMU state to reach its disk; remove it (or "
		 "pass --snp=off if this host never runs SNP guests)",
		 key, value ? "=" : "", value ? value : "");
	return -EINVAL;
}

int snp_apply_to_cmdline(const char *cmdline, bool hint, char **out,
			 char *err, size_t errlen)
{
	struct refusal r = { err, errlen };
	int ret;

	if (!hint) {
		*out = strdup(cmdline);
		return *out ? 0 : -ENOMEM;
	}
	ret = cmdline_foreach_param(cmdline, refuse_iommu_off, &r);
	if (ret < 0)
		return ret;
	return cmdline_replace_param(cmdline, SNP_HINT_PARAM, "1", out);
}
