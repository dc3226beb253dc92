// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "scratch.h"

char *scratch;

int scratch_setup(void **state)
{
	char tmpl[] = "/tmp/kdump-snp-test.XXXXXX";

	(void)state;
	if (!mkdtemp(tmpl))
		return -1;
	scratch = strdup(tmpl);
	return scratch ? 0 : -1;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

int scratch_teardown(void **state)
{
	(void)state;
	nftw(scratch, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(scratch);
	scratch = NULL;
	return 0;
}

void scratch_put(const char *rel, const void *data, size_t len)
{
	char path[512], *slash;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", scratch, rel);
	for (slash = strchr(path + strlen(scratch) + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(path, 0755);
		*slash = '/';
	}
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
}
