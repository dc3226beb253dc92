// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * core_collector: what conf-collector.c understands of makedumpfile's
 * options (conf->mdf), for every way makedumpfile's getopt_long() lets
 * them be written. The errors are in the corpus (tests/conf/invalid/mdf-*).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "util.h"

#define UNUSED __attribute__((unused))

/* The conf->mdf of "core_collector <collector>"; the parse must succeed. */
static struct conf_mdf parse(const char *collector)
{
	struct conf_errors errs = { 0 };
	struct kdump_conf *c = NULL;
	struct conf_mdf mdf;
	char *text = NULL;
	int r;

	assert_true(asprintf(&text, "core_collector %s\n", collector) > 0);
	r = conf_parse_buffer("t.conf", text, strlen(text), NULL, &c, &errs);
	if (r != 0)
		fail_msg("\"%s\": %s", collector, errs.n ? errs.v[0].message : "no error recorded");
	mdf = c->mdf;
	conf_free(c);
	conf_errors_free(&errs);
	free(text);
	return mdf;
}

static void expect_levels(const struct conf_mdf *m, unsigned int n, ...)
{
	va_list ap;

	assert_int_equal(m->n_dump_levels, n);
	va_start(ap, n);
	for (unsigned int i = 0; i < n; i++)
		assert_int_equal(m->dump_levels[i], va_arg(ap, int));
	va_end(ap);
}

static void test_default_collector(void **state UNUSED)
{
	struct conf_mdf m = parse(CONF_DEFAULT_COLLECTOR);

	expect_levels(&m, 1, 31);
	assert_int_equal(m.compression, CONF_MDF_LZO);
	assert_int_equal(m.format, CONF_MDF_KDUMP);
	assert_false(m.flattened);
}

/* a file without core_collector gets the default, understood the same */
static void test_no_directive(void **state UNUSED)
{
	struct conf_errors errs = { 0 };
	struct kdump_conf *c = NULL;

	assert_int_equal(conf_parse_buffer("t.conf", "", 0, NULL, &c, &errs), 0);
	expect_levels(&c->mdf, 1, 31);
	assert_int_equal(c->mdf.compression, CONF_MDF_LZO);
	conf_free(c);
}

static void test_clustered_short_options(void **state UNUSED)
{
	struct conf_mdf m = parse("makedumpfile -ld31");

	expect_levels(&m, 1, 31);
	assert_int_equal(m.compression, CONF_MDF_LZO);

	m = parse("makedumpfile -cd 1,31");
	expect_levels(&m, 2, 1, 31);
	assert_int_equal(m.compression, CONF_MDF_ZLIB);

	m = parse("makedumpfile -fDzd17 --message-level 1");
	expect_levels(&m, 1, 17);
	assert_int_equal(m.compression, CONF_MDF_ZSTD);
}

static void test_elf(void **state UNUSED)
{
	struct conf_mdf m = parse("makedumpfile -E -d31");

	expect_levels(&m, 1, 31);
	assert_int_equal(m.format, CONF_MDF_ELF);
	assert_int_equal(m.compression, CONF_MDF_UNCOMPRESSED);

	m = parse("makedumpfile -Ed0");
	expect_levels(&m, 1, 0);
	assert_int_equal(m.format, CONF_MDF_ELF);
}

static void test_each_compression(void **state UNUSED)
{
	static const struct {
		const char *collector;
		enum conf_mdf_compression want;
	} cases[] = {
		{ "makedumpfile -c", CONF_MDF_ZLIB },
		{ "makedumpfile -l", CONF_MDF_LZO },
		{ "makedumpfile -p", CONF_MDF_SNAPPY },
		{ "makedumpfile -z", CONF_MDF_ZSTD },
		{ "makedumpfile -d 31", CONF_MDF_UNCOMPRESSED },
		/* the same compression twice is one compression */
		{ "makedumpfile -z -zd31", CONF_MDF_ZSTD },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct conf_mdf m = parse(cases[i].collector);

		if (m.compression != cases[i].want)
			fail_msg("\"%s\": compression %d, expected %d", cases[i].collector,
				 m.compression, cases[i].want);
		assert_int_equal(m.format, CONF_MDF_KDUMP);
	}
}

/* makedumpfile's parse_dump_level() starts over at every -d */
static void test_last_dump_level_wins(void **state UNUSED)
{
	struct conf_mdf m = parse("makedumpfile -l -d 31 -d 0,1");

	expect_levels(&m, 2, 0, 1);
	m = parse("makedumpfile -l -d1,2,4,8,16,31 -d31");
	expect_levels(&m, 1, 31);
}

static void test_no_dump_level(void **state UNUSED)
{
	struct conf_mdf m = parse("makedumpfile -l");

	expect_levels(&m, 0);
}

/* long options: attached (=) and separate values, the threads count */
static void test_long_options(void **state UNUSED)
{
	struct conf_mdf m = parse("makedumpfile --num-threads=4 -l --message-level=7 -d 31");

	assert_int_equal(m.num_threads, 4);
	expect_levels(&m, 1, 31);
	/* the last --num-threads counts: 0 leaves the ELF format possible */
	m = parse("makedumpfile --num-threads 2 --num-threads 0 -E -d 31");
	assert_int_equal(m.num_threads, 0);
	assert_int_equal(m.format, CONF_MDF_ELF);
}

/* "--" ends the options, as in getopt_long(); nothing may follow it */
static void test_double_dash(void **state UNUSED)
{
	struct conf_mdf m = parse("makedumpfile -l -d 31 --");

	expect_levels(&m, 1, 31);
	assert_int_equal(m.compression, CONF_MDF_LZO);
}

/* cp and cat have no options to understand */
static void test_cp_and_cat(void **state UNUSED)
{
	struct conf_mdf m = parse("cp");

	expect_levels(&m, 0);
	assert_int_equal(m.compression, CONF_MDF_UNCOMPRESSED);
	assert_int_equal(m.format, CONF_MDF_KDUMP);
	m = parse("cat");
	expect_levels(&m, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_collector),
		cmocka_unit_test(test_no_directive),
		cmocka_unit_test(test_clustered_short_options),
		cmocka_unit_test(test_elf),
		cmocka_unit_test(test_each_compression),
		cmocka_unit_test(test_last_dump_level_wins),
		cmocka_unit_test(test_no_dump_level),
		cmocka_unit_test(test_long_options),
		cmocka_unit_test(test_double_dash),
		cmocka_unit_test(test_cp_and_cat),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
