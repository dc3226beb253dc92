// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kdumpctl/save-collector.c: the collector command as run, and the room
 * the target needs before it runs (taken from conf->mdf, so for every
 * spelling of makedumpfile's options that kdumpctl check accepts).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "save.h"
#include "strv.h"
#include "util.h"

#define UNUSED __attribute__((unused))
#define MEM (64ULL << 30)	/* a 64 GiB host */

static struct kdump_conf *parse(const char *text)
{
	struct conf_errors errs = { 0 };
	struct kdump_conf *c = NULL;

	if (conf_parse_buffer("t.conf", text, strlen(text), NULL, &c, &errs) != 0)
		fail_msg("\"%s\": %s", text, errs.n ? errs.v[0].message : "no error recorded");
	conf_errors_free(&errs);
	return c;
}

static uint64_t needed(const char *collector)
{
	_cleanup_free_ char *text = NULL;
	struct kdump_conf *c;
	uint64_t n;

	assert_true(asprintf(&text, "core_collector %s\n", collector) > 0);
	c = parse(text);
	n = save_space_needed(c, MEM);
	conf_free(c);
	return n;
}

static void expect_needed(const char *collector, uint64_t want)
{
	uint64_t got = needed(collector);

	if (got != want)
		fail_msg("\"%s\": needs %llu bytes, expected %llu", collector,
			 (unsigned long long)got, (unsigned long long)want);
}

/* filtered or compressed: at least the page descriptors, 1/64 of memory */
static void test_filtered_or_compressed(void **state UNUSED)
{
	static const char *const small[] = {
		CONF_DEFAULT_COLLECTOR,
		"makedumpfile -l --message-level 7 -d 31",
		"makedumpfile -ld31",			/* one cluster */
		"makedumpfile -ld 31",
		"makedumpfile -E -d31",			/* ELF, filtered */
		"makedumpfile -Ed31",
		"makedumpfile -d 0,31",			/* retried with 31 when full */
		"makedumpfile -c",			/* compressed, level 0 */
		"makedumpfile -p -d0",
		"makedumpfile -z",
		"makedumpfile -fld1 --num-threads=2",
		"makedumpfile -d 0 -d 1",		/* the last -d counts */
	};

	for (size_t i = 0; i < ARRAY_SIZE(small); i++)
		expect_needed(small[i], MEM / 64);
}

/* neither filtered nor compressed: the whole memory */
static void test_whole_memory(void **state UNUSED)
{
	static const char *const whole[] = {
		"makedumpfile",				/* level 0, uncompressed */
		"makedumpfile -d 0",
		"makedumpfile -d0 --message-level 31",
		"makedumpfile -E",			/* ELF is never compressed */
		"makedumpfile -E -d 0",
		"makedumpfile -d 31 -d 0",		/* the last -d counts */
		"makedumpfile --message-level=1 -D",
		"cp",
		"cat",
	};

	for (size_t i = 0; i < ARRAY_SIZE(whole); i++)
		expect_needed(whole[i], MEM);
}

static char *joined_argv(const char *conf_text)
{
	struct kdump_conf *c = parse(conf_text);
	char **argv = NULL;
	char *s;

	assert_int_equal(save_collector_argv(c, "/proc/vmcore", "/d/vmcore-incomplete", &argv), 0);
	s = strv_join_quoted(argv);
	strv_free(argv);
	conf_free(c);
	return s;
}

static void expect_argv(const char *conf_text, const char *want)
{
	_cleanup_free_ char *got = joined_argv(conf_text);

	assert_string_equal(got, want);
}

/* input and output are added; cat writes to the stdout it is given */
static void test_argv(void **state UNUSED)
{
	expect_argv("core_collector makedumpfile -ld31 --message-level 7\n",
		    "makedumpfile -ld31 --message-level 7 /proc/vmcore /d/vmcore-incomplete");
	expect_argv("core_collector cp\n", "cp /proc/vmcore /d/vmcore-incomplete");
	expect_argv("core_collector cat\n", "cat /proc/vmcore");
}

/* A PATH whose makedumpfile -v prints text: what the capture image's
 * makedumpfile says about zstd. */
static char *fake_makedumpfile(const char *version_text)
{
	char dir[] = "/tmp/kdump-test-mdf-XXXXXX";
	_cleanup_free_ char *path = NULL;
	FILE *f;

	assert_non_null(mkdtemp(dir));
	assert_true(asprintf(&path, "%s/makedumpfile", dir) > 0);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "#!/bin/sh\nprintf '%s'\n", version_text);
	fclose(f);
	assert_int_equal(chmod(path, 0755), 0);
	return strdup(dir);
}

static void remove_fake(char *dir)
{
	_cleanup_free_ char *path = NULL;

	assert_true(asprintf(&path, "%s/makedumpfile", dir) > 0);
	unlink(path);
	rmdir(dir);
	free(dir);
}

/* The default collector's -l becomes -z when makedumpfile has zstd; an
 * explicit collector is run as written. */
static void test_default_upgraded_to_zstd(void **state UNUSED)
{
	char *with = fake_makedumpfile("makedumpfile: version 1.7.5\\nlzo\\tenabled\\nzstd\\tenabled\\n");
	char *without = fake_makedumpfile("makedumpfile: version 1.7.2\\nlzo\\tenabled\\nsnappy\\tdisabled\\n");
	_cleanup_free_ char *old_path = strdup(getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin");

	setenv("PATH", with, 1);
	expect_argv("", "makedumpfile -z --message-level 7 -d 31 /proc/vmcore /d/vmcore-incomplete");
	expect_argv("core_collector makedumpfile -l -d 31\n",
		    "makedumpfile -l -d 31 /proc/vmcore /d/vmcore-incomplete");
	setenv("PATH", without, 1);
	expect_argv("", "makedumpfile -l --message-level 7 -d 31 /proc/vmcore /d/vmcore-incomplete");
	setenv("PATH", old_path, 1);
	remove_fake(with);
	remove_fake(without);
}

static const char *preload_of(const char *conf_text)
{
	struct kdump_conf *c = parse(conf_text);
	char *const *env = save_collector_env(c);
	static char got[256];

	conf_free(c);
	if (!env)
		return "(none)";
	assert_null(env[1]);
	snprintf(got, sizeof(got), "%s", env[0]);
	return got;
}

/* makedumpfile's threads get libgcc_s.so.1 loaded at their start: glibc
 * loads it late, when a thread ends, and aborted makedumpfile in the crash
 * kernel when that failed. Nothing changes for one thread or another
 * collector; a preload already set is kept. */
static void test_threads_preload_libgcc(void **state UNUSED)
{
	unsetenv("LD_PRELOAD");
	assert_string_equal(preload_of("core_collector makedumpfile -l -d 31 --num-threads=2\n"),
			    "LD_PRELOAD=libgcc_s.so.1");
	assert_string_equal(preload_of("core_collector makedumpfile -c -d 31 --num-threads 4\n"),
			    "LD_PRELOAD=libgcc_s.so.1");
	assert_string_equal(preload_of("core_collector makedumpfile -l -d 31\n"), "(none)");
	assert_string_equal(preload_of(""), "(none)");
	assert_string_equal(preload_of("core_collector cp\n"), "(none)");
	setenv("LD_PRELOAD", "/usr/lib/libtrace.so", 1);
	assert_string_equal(preload_of("core_collector makedumpfile -l --num-threads=2\n"),
			    "LD_PRELOAD=/usr/lib/libtrace.so:libgcc_s.so.1");
	setenv("LD_PRELOAD", "libgcc_s.so.1", 1);
	assert_string_equal(preload_of("core_collector makedumpfile -l --num-threads=2\n"), "(none)");
	unsetenv("LD_PRELOAD");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_filtered_or_compressed),
		cmocka_unit_test(test_whole_memory),
		cmocka_unit_test(test_argv),
		cmocka_unit_test(test_default_upgraded_to_zstd),
		cmocka_unit_test(test_threads_preload_libgcc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
