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
#include <unistd.h>

#include "log.h"
#include "modules-load.h"
#include "strv.h"

#define UNUSED __attribute__((unused))

static void check_order(const char *text, const char *const *want)
{
	char **v = NULL;
	size_t i;

	assert_int_equal(modules_load_order(text, &v, NULL), 0);
	assert_non_null(v);
	for (i = 0; want[i]; i++) {
		assert_non_null(v[i]);
		assert_string_equal(v[i], want[i]);
	}
	assert_null(v[i]);
	strv_free(v);
}

/* ext4 after jbd2, mbcache and crc16, whatever order the file lists them */
static void test_deps_first(void **state UNUSED)
{
	const char *text =
		"kernel/fs/ext4/ext4.ko.xz: kernel/lib/crc16.ko.xz kernel/fs/mbcache.ko.xz kernel/fs/jbd2/jbd2.ko.xz\n"
		"kernel/fs/jbd2/jbd2.ko.xz:\n"
		"kernel/fs/mbcache.ko.xz:\n"
		"kernel/lib/crc16.ko.xz:\n"
		"kernel/drivers/block/virtio_blk.ko.xz:\n";
	const char *want[] = { "kernel/lib/crc16.ko.xz", "kernel/fs/mbcache.ko.xz",
			       "kernel/fs/jbd2/jbd2.ko.xz", "kernel/fs/ext4/ext4.ko.xz",
			       "kernel/drivers/block/virtio_blk.ko.xz", NULL };

	check_order(text, want);
}

/* a dependency of a dependency comes first too, and each module once */
static void test_transitive_once(void **state UNUSED)
{
	const char *text = "a.ko: b.ko c.ko\n"
			   "b.ko: c.ko\n"
			   "c.ko:\n"
			   "d.ko: c.ko\n";
	const char *want[] = { "c.ko", "b.ko", "a.ko", "d.ko", NULL };

	check_order(text, want);
}

/* a cycle (never in a real modules.dep) does not loop */
static void test_cycle_cut(void **state UNUSED)
{
	const char *want[] = { "b.ko", "a.ko", NULL };

	check_order("a.ko: b.ko\nb.ko: a.ko\n", want);
}

/* blank lines, comments, trailing spaces and CRs are fine */
static void test_blank_and_comments(void **state UNUSED)
{
	const char *want[] = { "x.ko", NULL };

	check_order("# generated\n\nx.ko:   \r\n", want);
}

static void test_empty(void **state UNUSED)
{
	const char *want[] = { NULL };

	check_order("", want);
}

/* a dependency that has no line of its own is skipped, not invented */
static void test_missing_dependency(void **state UNUSED)
{
	const char *want[] = { "a.ko", NULL };

	check_order("a.ko: gone.ko\n", want);
}

static void test_bad_line(void **state UNUSED)
{
	char **v = (char **)0x1;
	unsigned int bad = 0;

	assert_int_equal(modules_load_order("a.ko:\nb.ko\n", &v, &bad), -EINVAL);
	assert_int_equal(bad, 2);
	assert_ptr_equal(v, (char **)0x1);
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* a module file that is missing counts as failed, the rest are tried */
static void test_load_all_missing_files(void **state UNUSED)
{
	char dir[] = "/tmp/kdump-modules.XXXXXX", path[256];
	unsigned int failed = 99;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/modules.dep", dir);
	write_text(path, "a.ko:\nb.ko.xz: a.ko\n");
	assert_int_equal(modules_load_all(dir, NULL, &failed), 0);
	assert_int_equal(failed, 2);
	unlink(path);
	rmdir(dir);
}

/* the watchdog and what it needs, only: before the other modules */
static void test_order_of_named(void **state UNUSED)
{
	const char *text = "kernel/fs/ext4/ext4.ko.zst: kernel/fs/jbd2/jbd2.ko.zst\n"
			   "kernel/fs/jbd2/jbd2.ko.zst:\n"
			   "kernel/drivers/watchdog/iTCO_wdt.ko.zst: kernel/drivers/watchdog/iTCO_vendor_support.ko.zst\n"
			   "kernel/drivers/watchdog/iTCO_vendor_support.ko.zst:\n"
			   "kernel/drivers/mfd/lpc_ich.ko.zst:\n"
			   "kernel/drivers/watchdog/iTCO_wdt_extra.ko.zst:\n";
	char *names[] = { "lpc-ich", "iTCO_wdt", "absent", NULL };
	char *none[] = { NULL };
	char **v = NULL;

	assert_int_equal(modules_load_order_of(text, names, &v, NULL), 0);
	assert_int_equal(strv_length(v), 3);
	assert_string_equal(v[0], "kernel/drivers/watchdog/iTCO_vendor_support.ko.zst");
	assert_string_equal(v[1], "kernel/drivers/watchdog/iTCO_wdt.ko.zst");
	assert_string_equal(v[2], "kernel/drivers/mfd/lpc_ich.ko.zst");
	strv_free(v);
	assert_int_equal(modules_load_order_of(text, none, &v, NULL), 0);
	assert_int_equal(strv_length(v), 0);
	strv_free(v);
}

static void test_load_all_no_dep_file(void **state UNUSED)
{
	unsigned int failed = 99;

	assert_int_equal(modules_load_all("/nonexistent-kdump-modules", NULL, &failed), -ENOENT);
	assert_int_equal(failed, 0);
}

/* kdump.conf's options as the image's modprobe.d file holds them */
static void test_options_params(void **state UNUSED)
{
	const char *text = "# kdump.conf options\n"
			   "options loop max_loop=1 \"x=$(reboot)\"\n"
			   "blacklist floppy\n"
			   "options  iTCO-wdt heartbeat=30\n";
	char **o = NULL;

	assert_int_equal(modules_options_parse(text, &o), 0);
	assert_int_equal(strv_length(o), 2);
	assert_string_equal(o[0], "loop max_loop=1 \"x=$(reboot)\"");
	assert_string_equal(modules_params_for(o, "kernel/drivers/block/loop.ko.zst"),
			    "max_loop=1 \"x=$(reboot)\"");
	assert_string_equal(modules_params_for(o, "kernel/drivers/watchdog/iTCO_wdt.ko"),
			    "heartbeat=30");
	assert_string_equal(modules_params_for(o, "kernel/drivers/block/loop2.ko"), "");
	assert_string_equal(modules_params_for(NULL, "kernel/drivers/block/loop.ko"), "");
	strv_free(o);
	assert_int_equal(modules_options_parse("", &o), 0);
	assert_int_equal(strv_length(o), 0);
	strv_free(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_deps_first),
		cmocka_unit_test(test_transitive_once),
		cmocka_unit_test(test_cycle_cut),
		cmocka_unit_test(test_blank_and_comments),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_missing_dependency),
		cmocka_unit_test(test_bad_line),
		cmocka_unit_test(test_load_all_missing_files),
		cmocka_unit_test(test_load_all_no_dep_file),
		cmocka_unit_test(test_order_of_named),
		cmocka_unit_test(test_options_params),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
