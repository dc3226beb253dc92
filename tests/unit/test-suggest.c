// SPDX-License-Identifier: GPL-2.0-or-later
/* "Did you mean": the edit distance and the choice of a close name. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "suggest.h"

static void test_distance(void **state)
{
	(void)state;
	assert_int_equal(suggest_distance("", ""), 0);
	assert_int_equal(suggest_distance("path", "path"), 0);
	assert_int_equal(suggest_distance("", "path"), 4);
	assert_int_equal(suggest_distance("core_colector", "core_collector"), 1);
	assert_int_equal(suggest_distance("pahtx", "path"), 2);
	/* a swap of neighbours is one edit */
	assert_int_equal(suggest_distance("paht", "path"), 1);
	assert_int_equal(suggest_distance("ext4", "xfs"), 3);
	char longer[SUGGEST_MAX_LEN + 2];

	memset(longer, 'a', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	assert_int_equal(suggest_distance(longer, "a"), SIZE_MAX);
	longer[SUGGEST_MAX_LEN] = '\0';
	assert_int_equal(suggest_distance(longer, longer), 0);
}

static void test_closest(void **state)
{
	static const char *const names[] = { "path", "core_collector", "ext4", "ext3", "xfs",
					     "final_action", "failure_action" };
	const size_t n = sizeof(names) / sizeof(names[0]);

	(void)state;
	assert_string_equal(suggest_closest("core_colector", names, n), "core_collector");
	assert_string_equal(suggest_closest("final_acton", names, n), "final_action");
	assert_string_equal(suggest_closest("ext5", names, n), "ext4");
	assert_string_equal(suggest_closest("pth", names, n), "path");
	/* two edits are too many for a short name, fine for a long one */
	assert_null(suggest_closest("pa", names, n));
	assert_string_equal(suggest_closest("core_colectr", names, n), "core_collector");
	assert_null(suggest_closest("core_clctr", names, n));
	assert_null(suggest_closest("foo", names, n));
	assert_null(suggest_closest("frobnicate", names, n));
	assert_null(suggest_closest("x", names, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_distance),
		cmocka_unit_test(test_closest),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
