// SPDX-License-Identifier: GPL-2.0-or-later
/* makedumpfile releases against the kernels they support. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "mdf-support.h"

#define V(a, b, c) ((struct mdf_version){ (a), (b), (c) })

static void assert_version(struct mdf_version got, struct mdf_version want)
{
	assert_int_equal(got.major, want.major);
	assert_int_equal(got.minor, want.minor);
	assert_int_equal(got.patch, want.patch);
}

static void test_parse(void **state)
{
	struct mdf_version v;

	(void)state;
	assert_int_equal(mdf_parse_release("6.12.117+deb13-amd64", &v), 0);
	assert_version(v, V(6, 12, 117));
	assert_int_equal(mdf_parse_release("7.0-rc1", &v), 0);
	assert_version(v, V(7, 0, 0));
	assert_int_equal(mdf_parse_release("6.1.0-57-amd64", &v), 0);
	assert_version(v, V(6, 1, 0));
	assert_int_equal(mdf_parse_release("6", &v), -EINVAL);
	assert_int_equal(mdf_parse_release("linux", &v), -EINVAL);
	assert_int_equal(mdf_parse_release("6.99999999", &v), -EINVAL);
	assert_int_equal(mdf_parse_release(NULL, &v), -EINVAL);
	assert_int_equal(mdf_parse_version_output(
				 "makedumpfile: version 1.7.6 (released on 23 Oct 2024)\n"
				 "lzo\tenabled\n", &v), 0);
	assert_version(v, V(1, 7, 6));
	assert_int_equal(mdf_parse_version_output("kexec-tools 2.0.29\n", &v), -EINVAL);
	assert_int_equal(mdf_parse_version_output(NULL, &v), -EINVAL);
}

static void test_latest(void **state)
{
	struct mdf_version latest;

	(void)state;
	assert_int_equal(mdf_latest_kernel(&V(1, 7, 6), &latest), 0);
	assert_version(latest, V(6, 11, 4));
	assert_int_equal(mdf_latest_kernel(&V(1, 7, 7), &latest), 0);
	assert_version(latest, V(6, 14, 2));
	assert_int_equal(mdf_latest_kernel(&V(1, 7, 9), &latest), 0);
	assert_version(latest, V(7, 0, 0));
	/* newer than the table: nothing known */
	assert_int_equal(mdf_latest_kernel(&V(1, 7, 10), &latest), -ENOENT);
	assert_int_equal(mdf_latest_kernel(&V(1, 8, 0), &latest), -ENOENT);
	/* older: at most what the oldest entry supports */
	assert_int_equal(mdf_latest_kernel(&V(1, 6, 9), &latest), -ERANGE);
	assert_version(latest, V(5, 15, 0));
}

/* Debian 13: makedumpfile 1.7.6 and Linux 6.12 */
static void test_debian_13(void **state)
{
	struct mdf_version kernel, latest, mdf;

	(void)state;
	assert_int_equal(mdf_parse_release("6.12.117+deb13-amd64", &kernel), 0);
	assert_int_equal(mdf_latest_kernel(&V(1, 7, 6), &latest), 0);
	assert_true(mdf_version_cmp(&kernel, &latest) > 0);
	assert_true(mdf_first_supporting(&kernel, &mdf));
	assert_version(mdf, V(1, 7, 7));
	assert_true(mdf_first_supporting(&V(6, 11, 4), &mdf));
	assert_version(mdf, V(1, 7, 6));
	assert_false(mdf_first_supporting(&V(7, 3, 0), &mdf));
	assert_int_equal(mdf_version_cmp(&V(1, 7, 6), &V(1, 7, 6)), 0);
	assert_true(mdf_version_cmp(&V(1, 7, 6), &V(1, 10, 0)) < 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_latest),
		cmocka_unit_test(test_debian_13),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
