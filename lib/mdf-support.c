// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mdf-support.h"
#include "util.h"

/* release -> the newest kernel it supports, from each release's
 * LATEST_VERSION (makedumpfile's git tags 1.7.0 to 1.7.9) */
static const struct {
	struct mdf_version mdf, latest;
} table[] = {
	{ { 1, 7, 0 }, { 5, 15, 0 } },
	{ { 1, 7, 1 }, { 5, 17, 1 } },
	{ { 1, 7, 2 }, { 6, 0, 1 } },
	{ { 1, 7, 3 }, { 6, 3, 0 } },
	{ { 1, 7, 4 }, { 6, 6, 0 } },
	{ { 1, 7, 5 }, { 6, 8, 4 } },
	{ { 1, 7, 6 }, { 6, 11, 4 } },
	{ { 1, 7, 7 }, { 6, 14, 2 } },
	{ { 1, 7, 8 }, { 6, 17, 4 } },
	{ { 1, 7, 9 }, { 7, 0, 0 } },
};

/* "A.B" or "A.B.C" at s (C is 0 when absent); what follows is ignored */
static int parse_triplet(const char *s, struct mdf_version *v)
{
	unsigned long n[3] = { 0 };
	int i;

	for (i = 0; i < 3; i++) {
		char *e;

		if (*s < '0' || *s > '9')
			break;
		n[i] = strtoul(s, &e, 10);
		if (n[i] > 65535)
			return -EINVAL;
		s = e;
		if (*s != '.') {
			i++;
			break;
		}
		s++;
	}
	if (i < 2)
		return -EINVAL;
	v->major = (unsigned int)n[0];
	v->minor = (unsigned int)n[1];
	v->patch = (unsigned int)n[2];
	return 0;
}

int mdf_parse_release(const char *release, struct mdf_version *v)
{
	return release ? parse_triplet(release, v) : -EINVAL;
}

int mdf_parse_version_output(const char *text, struct mdf_version *v)
{
	const char *p = text ? strstr(text, "makedumpfile: version ") : NULL;

	if (!p)
		return -EINVAL;
	return parse_triplet(p + strlen("makedumpfile: version "), v);
}

int mdf_version_cmp(const struct mdf_version *a, const struct mdf_version *b)
{
	if (a->major != b->major)
		return a->major < b->major ? -1 : 1;
	if (a->minor != b->minor)
		return a->minor < b->minor ? -1 : 1;
	if (a->patch != b->patch)
		return a->patch < b->patch ? -1 : 1;
	return 0;
}

int mdf_latest_kernel(const struct mdf_version *mdf, struct mdf_version *latest)
{
	if (mdf_version_cmp(mdf, &table[0].mdf) < 0) {
		*latest = table[0].latest;
		return -ERANGE;
	}
	for (size_t i = ARRAY_SIZE(table); i-- > 0;)
		if (mdf_version_cmp(mdf, &table[i].mdf) >= 0) {
			/* a release after the newest known one: unknown */
			if (i == ARRAY_SIZE(table) - 1 && mdf_version_cmp(mdf, &table[i].mdf) > 0)
				return -ENOENT;
			*latest = table[i].latest;
			return 0;
		}
	return -ENOENT;
}

bool mdf_first_supporting(const struct mdf_version *kernel, struct mdf_version *mdf)
{
	for (size_t i = 0; i < ARRAY_SIZE(table); i++)
		if (mdf_version_cmp(kernel, &table[i].latest) <= 0) {
			*mdf = table[i].mdf;
			return true;
		}
	return false;
}
