// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>

#include "cmdline.h"
#include "util.h"

#define UNUSED __attribute__((unused))

static void check_remove(const char *in, const char *key, const char *want)
{
	char *out = NULL;

	assert_int_equal(cmdline_remove_param(in, key, &out), 0);
	assert_non_null(out);
	assert_string_equal(out, want);
	free(out);
}

static void check_add(const char *in, const char *param, const char *want)
{
	char *out = NULL;

	assert_int_equal(cmdline_add_param(in, param, &out), 0);
	assert_non_null(out);
	assert_string_equal(out, want);
	free(out);
}

static void check_replace(const char *in, const char *key, const char *value,
			  const char *want)
{
	char *out = NULL;

	assert_int_equal(cmdline_replace_param(in, key, value, &out), 0);
	assert_non_null(out);
	assert_string_equal(out, want);
	free(out);
}

/* want NULL: key absent; want "(bare)": present without '='. */
static void check_get(const char *in, const char *key, const char *want)
{
	char *val = (char *)"sentinel";

	if (!want) {
		assert_int_equal(cmdline_get_param(in, key, &val), 0);
		assert_null(val);
		return;
	}
	assert_int_equal(cmdline_get_param(in, key, &val), 1);
	if (streq(want, "(bare)")) {
		assert_null(val);
		return;
	}
	assert_non_null(val);
	assert_string_equal(val, want);
	free(val);
}

static void test_remove_basic(void **state UNUSED)
{
	check_remove("a b c", "a", "b c");
	check_remove("a b c", "b", "a c");
	check_remove("a b c", "c", "a b");
	check_remove("a b c", "d", "a b c");
	check_remove("a", "a", "");
	check_remove("", "a", "");
	check_remove(NULL, "a", "");
	check_remove("root=/dev/vda1 ro quiet", "root", "ro quiet");
}

/* The token goes with the whitespace before it, or with the whitespace
 * after it when no kept parameter precedes it. */
static void test_remove_whitespace_rule(void **state UNUSED)
{
	check_remove("  a  b\tc  ", "a", "  b\tc  ");
	check_remove("  a  b\tc  ", "b", "  a\tc  ");
	check_remove("  a  b\tc  ", "c", "  a  b  ");
	check_remove("a   b", "a", "b");
	check_remove("a   b", "b", "a");
	check_remove("  a", "a", "  ");
	check_remove(" a ", "a", " ");
	check_remove("a  ", "a", "");
	check_remove("a\tb\tc", "b", "a\tc");
	check_remove("a \t b", "b", "a");
	check_remove("a\nb c", "c", "a\nb");
	check_remove("a\nb c", "a", "b c");
}

/* Text the edit does not touch is kept byte for byte. */
static void test_remove_roundtrip(void **state UNUSED)
{
	const char *in = "  BOOT_IMAGE=/vmlinuz   ro\t\tquiet \t splash"
			 "  root=UUID=1-2   x=\"a   b\"  ";

	check_remove(in, "absent", in);
	check_remove(in, "splash",
		     "  BOOT_IMAGE=/vmlinuz   ro\t\tquiet  root=UUID=1-2"
		     "   x=\"a   b\"  ");
	check_remove(in, "BOOT_IMAGE",
		     "  ro\t\tquiet \t splash  root=UUID=1-2   x=\"a   b\"  ");
	check_remove(in, "x",
		     "  BOOT_IMAGE=/vmlinuz   ro\t\tquiet \t splash"
		     "  root=UUID=1-2  ");
	/* a value containing the key's name is not a match */
	check_remove("x=ro ro=x", "ro", "x=ro");
}

static void test_remove_duplicates(void **state UNUSED)
{
	check_remove("a x=1 b x x=2 c x", "x", "a b c");
	check_remove("x x=1 x", "x", "");
	check_remove("x  x b", "x", "b");
	check_remove("b x  x", "x", "b");
	check_remove(" x x  b  x ", "x", " b ");
	check_remove("x=1 a x=2 b", "x", "a b");
}

static void test_quoting(void **state UNUSED)
{
	check_remove("a key=\"x y\" b", "key", "a b");
	check_remove("a \"key=x y\" b", "key", "a b");
	check_remove("a \"key\" b", "key", "a b");
	check_remove("a key=\"x  y\" b", "a", "key=\"x  y\" b");
	check_remove("a k=\"x b y\" b", "b", "a k=\"x b y\"");
	/* a quote in the middle still holds spaces together */
	check_remove("a k=x\"1 2\"y b", "b", "a k=x\"1 2\"y");
	check_get("a key=\"x y\" b", "key", "x y");
	check_get("a \"key=x y\" b", "key", "x y");
	check_get("\"key\"", "key", "(bare)");
	check_get("k=x\"1 2\"y", "k", "x\"1 2\"y");
	/* only an opening quote lets the closing one go */
	check_get("k=a\"b c\" d", "k", "a\"b c\"");
	check_get("k=\"\"", "k", "");
	check_get("k=\"", "k", "");
	assert_true(cmdline_has_param_value("a key=\"x y\"", "key", "x y"));
	assert_true(cmdline_has_param_value("\"key=x y\" a", "key", "x y"));
	assert_false(cmdline_has_param_value("key=\"x y\"", "key", "\"x y\""));
}

/* The kernel quotes the rest of the line after an unbalanced quote. */
static void test_unbalanced_quote(void **state UNUSED)
{
	const char *in = "a k=\"x y -- z b";

	check_get(in, "k", "x y -- z b");
	check_get(in, "z", NULL);
	check_get(in, "b", NULL);
	check_remove(in, "b", in);
	check_remove(in, "a", "k=\"x y -- z b");
	check_remove(in, "k", "a");
	/* added parameters must not land inside the open quote */
	check_add(in, "n", "a n k=\"x y -- z b");
	check_add("\"k=x", "n=1 2", "n=\"1 2\" \"k=x");
	check_replace(in, "n", NULL, "a n k=\"x y -- z b");
	check_replace(in, "k", "1", "a k=1");
	check_get("a \"k=x y", "k", "x y");
	/* an unquoted name keeps its trailing quote */
	check_get("a x\"", "x", NULL);
	check_remove("a x\"", "x", "a x\"");
}

static void test_separator(void **state UNUSED)
{
	check_remove("a x=1 -- x=2 x", "x", "a -- x=2 x");
	check_remove("x -- x", "x", "-- x");
	check_remove(" x  --  x ", "x", " --  x ");
	check_remove("a  --  x", "a", "--  x");
	check_remove("a -- b -- c", "b", "a -- b -- c");
	check_get("x=1 -- x=2", "x", "1");
	check_get("-- x=1", "x", NULL);
	check_get("a --=1 x=2", "x", "2");
	assert_false(cmdline_has_param_value("a -- x=1", "x", "1"));
	assert_true(cmdline_has_param_value("x=1 -- x=2", "x", "1"));
	assert_false(cmdline_has_param_value("x=1 -- x=2", "x", "2"));
	/* the kernel also takes a quoted "--" as the separator */
	check_remove("a \"--\" x", "x", "a \"--\" x");
	/* `--=1` and `---` are ordinary parameters */
	check_remove("--=1 x ---", "x", "--=1 ---");
	check_replace("a -- x", "x", "v", "a x=v -- x");
	check_replace("x=1 -- x=2", "x", "v", "x=v -- x=2");
	check_replace("-- x", "x", NULL, "x -- x");
	check_add("a -- x", "n", "a n -- x");
	check_add("a  --  x y", "n", "a n  --  x y");
	check_add("-- x", "n", "n -- x");
	check_add("  -- x", "n", "  n -- x");
	check_add("--", "n", "n --");
	check_add("a --", "n", "a n --");
}

static void test_invalid_key_separator(void **state UNUSED)
{
	char *out = (char *)"untouched";

	assert_int_equal(cmdline_remove_param("a -- b", "--", &out), -EINVAL);
	assert_int_equal(cmdline_add_param("a", "--", &out), -EINVAL);
	assert_string_equal(out, "untouched");
}

static void test_dash_underscore(void **state UNUSED)
{
	check_remove("foo-bar=1 foo_bar baz fooXbar", "foo_bar", "baz fooXbar");
	check_remove("foo-bar=1 foo_bar baz", "foo-bar", "baz");
	check_remove("a_b-c=1 x", "a-b_c", "x");
	/* only '-' and '_' are equivalent: '.' is matched exactly */
	check_remove("rd.lvm.lv=x rd_lvm_lv=y rd-lvm-lv rd.lvm", "rd.lvm.lv",
		     "rd_lvm_lv=y rd-lvm-lv rd.lvm");
	check_remove("rd.lvm rd.lvm=0 rd_lvm", "rd.lvm", "rd_lvm");
	check_get("nmi_watchdog=0 nmi-watchdog=1", "nmi_watchdog", "1");
	assert_true(cmdline_has_param_value("a-b=1", "a_b", "1"));
}

static void test_prefix_no_match(void **state UNUSED)
{
	const char *in = "crashkernelx=1 xcrashkernel=2 crashkernel=256M "
			 "crash=3 crashkernel";

	check_remove(in, "crashkernel",
		     "crashkernelx=1 xcrashkernel=2 crash=3");
	check_get("crashkernelx=1 crash=2", "crashkernel", NULL);
	check_get(in, "crashkernel", "(bare)");
	assert_false(cmdline_has_param_value("crashkernelx=1", "crashkernel",
					     "1"));
	check_replace("crashkernelx=1", "crashkernel", "512M",
		      "crashkernelx=1 crashkernel=512M");
}

static void test_add(void **state UNUSED)
{
	check_add("a b", "c", "a b c");
	check_add("a b", "k=v", "a b k=v");
	check_add("a b", "k=", "a b k=");
	check_add("a b", "k=a b", "a b k=\"a b\"");
	check_add("a", "k=x\ty", "a k=\"x\ty\"");
	check_add("a", "k=x=y", "a k=x=y");
	check_add("a", "k= ", "a k=\" \"");
	check_add("c=1", "c=2", "c=1 c=2");
	check_add("a  ", "c", "a c  ");
	check_add(" a\tb ", "c", " a\tb c ");
	check_add("", "c", "c");
	check_add(NULL, "k=a b", "k=\"a b\"");
	check_add("   ", "c", "c");
	check_add("\n", "c", "c");
}

static void test_add_invalid(void **state UNUSED)
{
	char *out = (char *)"untouched";

	assert_int_equal(cmdline_add_param("a", "k=a\"b", &out), -EINVAL);
	assert_int_equal(cmdline_add_param("a", "k=\"a b\"", &out), -EINVAL);
	assert_int_equal(cmdline_add_param("a", "=v", &out), -EINVAL);
	assert_int_equal(cmdline_add_param("a", "", &out), -EINVAL);
	assert_int_equal(cmdline_add_param("a", "a b", &out), -EINVAL);
	assert_int_equal(cmdline_add_param("a", "\"k\"=v", &out), -EINVAL);
	assert_int_equal(cmdline_add_param("a", "k\t=v", &out), -EINVAL);
	assert_int_equal(cmdline_add_param("a", NULL, &out), -EINVAL);
	assert_string_equal(out, "untouched");
	assert_int_equal(cmdline_add_param("a", "k", NULL), -EINVAL);
}

static void test_replace(void **state UNUSED)
{
	check_replace("a x=1 b x=2 c", "x", "9", "a x=9 b c");
	check_replace("x=1 a x=2", "x", "9", "x=9 a");
	check_replace("a  x=1\tb", "x", "9", "a  x=9\tb");
	check_replace("a x b", "x", "1", "a x=1 b");
	check_replace("a x=1 b", "x", NULL, "a x b");
	check_replace("a x=1 b", "x", "", "a x= b");
	check_replace("a x=1 b", "x", "p q", "a x=\"p q\" b");
	check_replace("a \"x=1 2\" b x", "x", "3", "a x=3 b");
	check_replace("a b", "x", "1", "a b x=1");
	check_replace("a b  ", "x", "1", "a b x=1  ");
	check_replace("", "x", "1", "x=1");
	check_replace(NULL, "x", NULL, "x");
	/* the given spelling of the key is used */
	check_replace("foo_bar=1 a", "foo-bar", "2", "foo-bar=2 a");
}

static void test_replace_invalid(void **state UNUSED)
{
	char *out = (char *)"untouched";

	assert_int_equal(cmdline_replace_param("a", "x", "a\"b", &out),
			 -EINVAL);
	assert_int_equal(cmdline_replace_param("a", "", "1", &out), -EINVAL);
	assert_int_equal(cmdline_replace_param("a", NULL, "1", &out), -EINVAL);
	assert_int_equal(cmdline_replace_param("a", "x=1", "1", &out), -EINVAL);
	assert_int_equal(cmdline_replace_param("a", "x y", "1", &out), -EINVAL);
	assert_int_equal(cmdline_replace_param("a", "--", NULL, &out), -EINVAL);
	assert_string_equal(out, "untouched");
	assert_int_equal(cmdline_replace_param("a", "x", "1", NULL), -EINVAL);
	assert_int_equal(cmdline_remove_param("a", "", &out), -EINVAL);
	assert_int_equal(cmdline_remove_param("a", NULL, &out), -EINVAL);
	assert_int_equal(cmdline_remove_param("a", "a=1", &out), -EINVAL);
	assert_int_equal(cmdline_remove_param("a", "a", NULL), -EINVAL);
	assert_string_equal(out, "untouched");
}

static void test_get(void **state UNUSED)
{
	char *val = NULL;

	check_get("a x=1 b x=2 c", "x", "2");
	check_get("x=1 x", "x", "(bare)");
	check_get("x x=1", "x", "1");
	check_get("x= a", "x", "");
	check_get("root=UUID=ab-cd ro", "root", "UUID=ab-cd");
	check_get("a b", "x", NULL);
	check_get("", "x", NULL);
	check_get(NULL, "x", NULL);
	assert_int_equal(cmdline_get_param("a x=1", "x", NULL), 1);
	assert_int_equal(cmdline_get_param("a", "x", NULL), 0);
	assert_int_equal(cmdline_get_param("a", "", &val), -EINVAL);
	assert_int_equal(cmdline_get_param("a", NULL, &val), -EINVAL);
	assert_int_equal(cmdline_get_param("a", "a b", &val), -EINVAL);
}

static void test_empty_and_bare(void **state UNUSED)
{
	check_get("k= a", "k", "");
	check_get("quiet ro", "quiet", "(bare)");
	check_remove("k= a", "k", "a");
	check_remove("a k=", "k", "a");
	assert_true(cmdline_has_param_value("k= a", "k", ""));
	assert_false(cmdline_has_param_value("k= a", "k", NULL));
	assert_true(cmdline_has_param_value("k=\"\"", "k", ""));
	assert_true(cmdline_has_param_value("quiet ro", "quiet", NULL));
	assert_false(cmdline_has_param_value("quiet ro", "quiet", ""));
	assert_false(cmdline_has_param_value("quiet=1", "quiet", NULL));
}

static void test_has_param_value(void **state UNUSED)
{
	const char *in = "console=ttyS0,115200 console=tty0 x=10 y=\"a b\"";

	/* any occurrence counts: console= may be given several times */
	assert_true(cmdline_has_param_value(in, "console", "ttyS0,115200"));
	assert_true(cmdline_has_param_value(in, "console", "tty0"));
	assert_false(cmdline_has_param_value(in, "console", "ttyS0"));
	assert_false(cmdline_has_param_value(in, "console", "tty"));
	assert_true(cmdline_has_param_value(in, "x", "10"));
	assert_false(cmdline_has_param_value(in, "x", "1"));
	assert_false(cmdline_has_param_value(in, "x", "100"));
	assert_true(cmdline_has_param_value(in, "y", "a b"));
	assert_false(cmdline_has_param_value(in, "y", "a"));
	assert_false(cmdline_has_param_value(in, "z", "1"));
	assert_false(cmdline_has_param_value(in, "", "1"));
	assert_false(cmdline_has_param_value(in, NULL, "1"));
	assert_false(cmdline_has_param_value(NULL, "x", "10"));
}

/* A trailing '\n' (as in /proc/cmdline) is whitespace and is dropped. */
static void test_trailing_newline(void **state UNUSED)
{
	check_remove("a b\n", "b", "a");
	check_remove("a b\n", "x", "a b");
	check_remove("a b  \n", "x", "a b  ");
	check_remove("a -- b\n", "a", "-- b");
	check_add("a b\n", "c", "a b c");
	check_add("a -- b\n", "c", "a c -- b");
	check_replace("x=1\n", "x", "2", "x=2");
	check_get("x=1\n", "x", "1");
	check_get("x=\"1 2\"\n", "x", "1 2");
	assert_true(cmdline_has_param_value("x=1\n", "x", "1"));
}

#define LONG_N 6000

/* About 64 KiB of parameters, with the targets at both ends and inside. */
static char *long_line(const char *head, const char *mid, const char *tail)
{
	size_t cap = LONG_N * 16 + 256, len = 0;
	char *s = malloc(cap);
	int i;

	assert_non_null(s);
	len += (size_t)snprintf(s + len, cap - len, "%s", head);
	for (i = 0; i < LONG_N; i++) {
		if (i == LONG_N / 2)
			len += (size_t)snprintf(s + len, cap - len, "%s", mid);
		len += (size_t)snprintf(s + len, cap - len, " p%d=v%d", i, i);
	}
	snprintf(s + len, cap - len, "%s", tail);
	return s;
}

static void test_long_line(void **state UNUSED)
{
	_cleanup_free_ char *in = long_line("t=0", " t=1", " t=2 -- t=3");
	_cleanup_free_ char *removed = long_line("", "", " -- t=3");
	_cleanup_free_ char *replaced = long_line("t=x", "", " -- t=3");
	_cleanup_free_ char *added = long_line("t=0", " t=1", " t=2 n -- t=3");
	_cleanup_free_ char *big = malloc(70000), *param = NULL, *val = NULL;
	_cleanup_free_ char *out = NULL;
	size_t i;

	assert_true(strlen(in) > 65536);
	/* removing the first token also eats the space after it */
	check_remove(in, "t", removed + 1);
	check_replace(in, "t", "x", replaced);
	check_add(in, "n", added);
	check_get(in, "t", "2");
	check_get(in, "p5999", "v5999");
	check_remove(in, "absent", in);

	/* one 64 KiB value with spaces */
	assert_non_null(big);
	for (i = 0; i < 65536; i++)
		big[i] = i % 8 == 7 ? ' ' : 'a';
	big[i] = '\0';
	param = malloc(65536 + 3);
	assert_non_null(param);
	snprintf(param, 65536 + 3, "k=%s", big);
	assert_int_equal(cmdline_add_param("a", param, &out), 0);
	assert_int_equal(strlen(out), strlen("a k=\"") + 65536 + 1);
	assert_memory_equal(out, "a k=\"", 5);
	assert_int_equal(out[strlen(out) - 1], '"');
	assert_int_equal(cmdline_get_param(out, "k", &val), 1);
	assert_string_equal(val, big);
	assert_true(cmdline_has_param_value(out, "k", big));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_remove_basic),
		cmocka_unit_test(test_remove_whitespace_rule),
		cmocka_unit_test(test_remove_roundtrip),
		cmocka_unit_test(test_remove_duplicates),
		cmocka_unit_test(test_quoting),
		cmocka_unit_test(test_unbalanced_quote),
		cmocka_unit_test(test_separator),
		cmocka_unit_test(test_invalid_key_separator),
		cmocka_unit_test(test_dash_underscore),
		cmocka_unit_test(test_prefix_no_match),
		cmocka_unit_test(test_add),
		cmocka_unit_test(test_add_invalid),
		cmocka_unit_test(test_replace),
		cmocka_unit_test(test_replace_invalid),
		cmocka_unit_test(test_get),
		cmocka_unit_test(test_empty_and_bare),
		cmocka_unit_test(test_has_param_value),
		cmocka_unit_test(test_trailing_newline),
		cmocka_unit_test(test_long_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
