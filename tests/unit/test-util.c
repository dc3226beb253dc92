// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

/* an empty path names no directory: refused before anything is read
 * (the walk used to start one byte past the end of the copy) */
static void test_mkdir_p_empty(void **state)
{
	assert_int_equal(mkdir_p("", 0700), -EINVAL);
}

static void test_mkdir_p_root(void **state)
{
	assert_int_equal(mkdir_p("/", 0700), 0);
}

static void test_mkdir_p_creates_parents(void **state)
{
	char base[] = "/tmp/test-util.XXXXXX";
	char *deep = NULL, *mid = NULL;
	struct stat st;

	assert_non_null(mkdtemp(base));
	assert_true(asprintf(&mid, "%s/a", base) > 0);
	assert_true(asprintf(&deep, "%s/a/b/c", base) > 0);
	assert_int_equal(mkdir_p(deep, 0700), 0);
	assert_int_equal(stat(deep, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0700);
	/* an existing directory is fine */
	assert_int_equal(mkdir_p(deep, 0700), 0);
	/* a trailing slash too */
	assert_int_equal(mkdir_p(mid, 0700), 0);
	rmdir(deep);
	*strrchr(deep, '/') = '\0';
	rmdir(deep);
	rmdir(mid);
	rmdir(base);
	free(deep);
	free(mid);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mkdir_p_empty),
		cmocka_unit_test(test_mkdir_p_root),
		cmocka_unit_test(test_mkdir_p_creates_parents),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
