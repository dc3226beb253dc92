// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "strv.h"
#include "util.h"

#define UNUSED __attribute__((unused))

/* Split s and compare with want (NULL-terminated). */
static void check_split(const char *s, const char *const *want)
{
	char **v = NULL;
	size_t i, errpos = 12345;

	assert_int_equal(strv_split_quoted(s, &v, &errpos), 0);
	assert_int_equal(errpos, 12345);	/* untouched on success */
	assert_non_null(v);
	for (i = 0; want[i]; i++) {
		assert_non_null(v[i]);
		assert_string_equal(v[i], want[i]);
	}
	assert_null(v[i]);
	strv_free(v);
}

static void check_split_error(const char *s, size_t want_pos)
{
	char **v = (char **)0x1;
	size_t errpos = 12345;

	assert_int_equal(strv_split_quoted(s, &v, &errpos), -EINVAL);
	assert_ptr_equal(v, (char **)0x1);	/* untouched on failure */
	assert_int_equal(errpos, want_pos);
	/* errpos may be NULL */
	assert_int_equal(strv_split_quoted(s, &v, NULL), -EINVAL);
}

static void test_length_push_free(void **state UNUSED)
{
	char **v = NULL;

	assert_int_equal(strv_length(NULL), 0);
	assert_int_equal(strv_push(&v, "a"), 0);
	assert_int_equal(strv_push(&v, ""), 0);
	assert_int_equal(strv_push(&v, "c d"), 0);
	assert_int_equal(strv_length(v), 3);
	assert_string_equal(v[0], "a");
	assert_string_equal(v[1], "");
	assert_string_equal(v[2], "c d");
	assert_null(v[3]);
	strv_free(v);
	strv_free(NULL);
}

static void test_extend(void **state UNUSED)
{
	char *more[] = { (char *)"x", (char *)"y", NULL };
	char **v = NULL;

	assert_int_equal(strv_extend(&v, NULL), 0);
	assert_non_null(v);
	assert_int_equal(strv_length(v), 0);
	assert_int_equal(strv_extend(&v, more), 0);
	assert_int_equal(strv_extend(&v, more), 0);
	assert_int_equal(strv_length(v), 4);
	assert_string_equal(v[3], "y");
	strv_free(v);
}

static void test_split_words(void **state UNUSED)
{
	check_split("", (const char *[]){ NULL });
	check_split("   \t \n", (const char *[]){ NULL });
	check_split("a", (const char *[]){ "a", NULL });
	check_split("  a  b\tc\nd  ", (const char *[]){ "a", "b", "c", "d", NULL });
	check_split("makedumpfile -l --message-level 7 -d 31",
		    (const char *[]){ "makedumpfile", "-l", "--message-level", "7",
				      "-d", "31", NULL });
	/* other control characters are not separators */
	check_split("a\vb\rc", (const char *[]){ "a\vb\rc", NULL });
}

static void test_split_quotes(void **state UNUSED)
{
	check_split("'a b'", (const char *[]){ "a b", NULL });
	check_split("\"a b\"", (const char *[]){ "a b", NULL });
	check_split("a'b c'd", (const char *[]){ "ab cd", NULL });
	check_split("'' \"\"", (const char *[]){ "", "", NULL });
	check_split("x '' y", (const char *[]){ "x", "", "y", NULL });
	check_split("'\"' \"'\"", (const char *[]){ "\"", "'", NULL });
	/* nothing is special in single quotes */
	check_split("'a\\b$c`d'", (const char *[]){ "a\\b$c`d", NULL });
	/* in double quotes only \" \\ \$ \` lose the backslash */
	check_split("\"\\\" \\\\ \\$ \\` \\n \\a\"",
		    (const char *[]){ "\" \\ $ ` \\n \\a", NULL });
	check_split("--omit-drivers \"cfg80211 snd\" --add-drivers 'ext2 ext3'",
		    (const char *[]){ "--omit-drivers", "cfg80211 snd", "--add-drivers",
				      "ext2 ext3", NULL });
	check_split("'it'\\''s'", (const char *[]){ "it's", NULL });
}

static void test_split_backslash(void **state UNUSED)
{
	check_split("a\\ b", (const char *[]){ "a b", NULL });
	check_split("\\'x\\\"", (const char *[]){ "'x\"", NULL });
	check_split("\\\\", (const char *[]){ "\\", NULL });
	check_split("\\n", (const char *[]){ "n", NULL });
	check_split("a\\\tb", (const char *[]){ "a\tb", NULL });
}

static void test_split_errors(void **state UNUSED)
{
	check_split_error("'", 0);
	check_split_error("\"", 0);
	check_split_error("ab 'cd", 3);
	check_split_error("ab \"cd\\\"", 3);
	check_split_error("a 'b' \"c", 6);
	check_split_error("a\\", 1);
	check_split_error("x y \\", 4);
	check_split_error("\"ok\" '", 5);
	/* a quote inside the other kind does not count */
	check_split("\"'\"", (const char *[]){ "'", NULL });
}

static void test_split_offsets(void **state UNUSED)
{
	char **v = NULL;
	size_t *off = NULL;

	assert_int_equal(strv_split_quoted_offsets("  ab 'c d'\t\"e\"f", &v, &off, NULL), 0);
	assert_int_equal(strv_length(v), 3);
	assert_int_equal(off[0], 2);
	assert_int_equal(off[1], 5);
	assert_int_equal(off[2], 11);
	assert_string_equal(v[2], "ef");
	strv_free(v);
	free(off);

	off = (size_t *)0x1;
	assert_int_equal(strv_split_quoted_offsets("", &v, &off, NULL), 0);
	assert_int_equal(strv_length(v), 0);
	assert_null(off);
	strv_free(v);
}

static void check_join(const char *const *words, const char *want)
{
	char *s = strv_join_quoted((char *const *)words);
	char **back = NULL;
	size_t i;

	assert_non_null(s);
	assert_string_equal(s, want);
	/* round trip */
	assert_int_equal(strv_split_quoted(s, &back, NULL), 0);
	for (i = 0; words[i]; i++) {
		assert_non_null(back[i]);
		assert_string_equal(back[i], words[i]);
	}
	assert_null(back[i]);
	strv_free(back);
	free(s);
}

static void test_join(void **state UNUSED)
{
	char *s = strv_join_quoted(NULL);

	assert_string_equal(s, "");
	free(s);
	check_join((const char *[]){ NULL }, "");
	check_join((const char *[]){ "a", NULL }, "a");
	check_join((const char *[]){ "makedumpfile", "-l", "--message-level=7", "-d", "31", NULL },
		   "makedumpfile -l --message-level=7 -d 31");
	check_join((const char *[]){ "/usr/bin/x", "a,b", "u@h:p", "50%", "+x", NULL },
		   "/usr/bin/x a,b u@h:p 50% +x");
	check_join((const char *[]){ "", NULL }, "''");
	check_join((const char *[]){ "a b", "", "c", NULL }, "'a b' '' c");
	check_join((const char *[]){ "it's", NULL }, "'it'\\''s'");
	check_join((const char *[]){ "'", NULL }, "''\\'''");
	check_join((const char *[]){ "$HOME", "`x`", "a\\b", "\"q\"", "#c", "~", "*", NULL },
		   "'$HOME' '`x`' 'a\\b' '\"q\"' '#c' '~' '*'");
	check_join((const char *[]){ "tab\there", "new\nline", "h\xc3\xa4", NULL },
		   "'tab\there' 'new\nline' 'h\xc3\xa4'");
}

/* Whatever splits, joins back to the same words. */
static void test_round_trip_split_first(void **state UNUSED)
{
	static const char *const inputs[] = {
		"a 'b c' \"d\\\"e\" f\\ g",
		"'' \"\" x\\'y",
		"--kernel-cmdline \"rd.info \\\"quoted\\\"\" '#not-a-comment'",
		"\\$x \"\\`\" '\\'",
	};
	size_t i, j;

	for (i = 0; i < ARRAY_SIZE(inputs); i++) {
		char **v = NULL, **w = NULL, *s;

		assert_int_equal(strv_split_quoted(inputs[i], &v, NULL), 0);
		s = strv_join_quoted(v);
		assert_non_null(s);
		assert_int_equal(strv_split_quoted(s, &w, NULL), 0);
		assert_int_equal(strv_length(v), strv_length(w));
		for (j = 0; v[j]; j++)
			assert_string_equal(v[j], w[j]);
		strv_free(v);
		strv_free(w);
		free(s);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_length_push_free),
		cmocka_unit_test(test_extend),
		cmocka_unit_test(test_split_words),
		cmocka_unit_test(test_split_quotes),
		cmocka_unit_test(test_split_backslash),
		cmocka_unit_test(test_split_errors),
		cmocka_unit_test(test_split_offsets),
		cmocka_unit_test(test_join),
		cmocka_unit_test(test_round_trip_split_first),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
