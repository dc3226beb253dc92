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

#include "inputs.h"
#include "initramfs-size.h"

static char dir[] = "/tmp/test-inputs.XXXXXX";

static void write_text(const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static char *record(void)
{
	struct inputs in = { 0 };
	char path[256];

	assert_int_equal(inputs_add_value(&in, "version", "0.1.0"), 0);
	snprintf(path, sizeof(path), "%s/kdump.conf", dir);
	assert_int_equal(inputs_add(&in, "kdump.conf", path), 0);
	snprintf(path, sizeof(path), "%s/module", dir);
	assert_int_equal(inputs_add(&in, "dracut-module", path), 0);
	return in.text;
}

static int setup(void **state)
{
	char path[256];

	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof(path), "%s/module", dir);
	mkdir(path, 0755);
	write_text("kdump.conf", "path /var/crash\n");
	write_text("module/module-setup.sh", "install() { :; }\n");
	write_text("module/kdump-capture.service", "[Unit]\n");
	return 0;
}

static int teardown(void **state)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

static void test_same_inputs_equal(void **state)
{
	char *a = record(), *b = record();

	assert_true(inputs_equal(a, b, NULL));
	/* the module's files are listed in name order */
	assert_true(strstr(a, "kdump-capture.service") < strstr(a, "module-setup.sh"));
	free(a);
	free(b);
}

static void test_changed_file_named(void **state)
{
	char *a = record(), *b, *reason = NULL, want[300];

	write_text("kdump.conf", "path /var/crash2\n");
	b = record();
	assert_false(inputs_equal(a, b, &reason));
	snprintf(want, sizeof(want), "kdump.conf (%s/kdump.conf) changed", dir);
	assert_string_equal(reason, want);
	free(reason);
	free(a);
	free(b);
	write_text("kdump.conf", "path /var/crash\n");
}

static void test_added_and_removed(void **state)
{
	char *a = record(), *b, *reason = NULL, want[300];

	write_text("module/zz-new.sh", "x\n");
	b = record();
	assert_false(inputs_equal(a, b, &reason));
	snprintf(want, sizeof(want), "dracut-module (%s/module/zz-new.sh) was added", dir);
	assert_string_equal(reason, want);
	free(reason);
	assert_false(inputs_equal(b, a, &reason));
	snprintf(want, sizeof(want), "dracut-module (%s/module/zz-new.sh) is no longer an input", dir);
	assert_string_equal(reason, want);
	free(reason);
	free(a);
	free(b);
	snprintf(want, sizeof(want), "%s/module/zz-new.sh", dir);
	unlink(want);
}

static void test_value_change(void **state)
{
	struct inputs a = { 0 }, b = { 0 };
	char *reason = NULL;

	inputs_add_value(&a, "kernel-release", "6.1");
	inputs_add_value(&b, "kernel-release", "6.12");
	assert_false(inputs_equal(a.text, b.text, &reason));
	assert_string_equal(reason, "kernel-release changed");
	free(reason);
	inputs_clear(&a);
	inputs_clear(&b);
}

static void test_missing_file(void **state)
{
	struct inputs in = { 0 };

	assert_int_equal(inputs_add(&in, "kernel", "/nonexistent/vmlinuz"), 0);
	assert_string_equal(in.text, "kernel\t/nonexistent/vmlinuz\tmissing\n");
	inputs_clear(&in);
}

/* a watchdog the image has, whose driver udev has not loaded yet */
static void test_assume_recorded_absent_input(void **state)
{
	const char *recorded = "kernel\t-\t6.12\nwatchdog-x\t-\tother\nwatchdog\t-\tiTCO_wdt 30\n"
			       "root\t-\tUUID=1\n";
	char *current = strdup("kernel\t-\t6.12\nwatchdog-x\t-\tother\nwatchdog\t-\tnone\n"
			       "root\t-\tUUID=1\n");
	char *value = NULL;

	(void)state;
	assert_int_equal(inputs_assume_recorded(&current, recorded, "watchdog", "none", &value), 1);
	assert_string_equal(current, recorded);
	assert_string_equal(value, "iTCO_wdt 30");
	assert_true(inputs_equal(recorded, current, NULL));
	free(current);
	free(value);
}

/* a present value, a value absent from both, a label the record lacks,
 * a label that only starts the same: nothing is assumed */
static void test_assume_recorded_leaves_others(void **state)
{
	const char *recorded = "watchdog-x\t-\tiTCO_wdt 30\nwatchdog\t-\tiTCO_wdt 30\n";
	const char *cases[][2] = {
		{ "watchdog\t-\ti6300esb 30\n", recorded },
		{ "watchdog\t-\tnone\n", "watchdog\t-\tnone\n" },
		{ "watchdog\t-\tnone\n", "kernel\t-\t6.12\n" },
		{ "watchdog-x\t-\tnone\n", recorded },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *current = strdup(cases[i][0]);
		char *value = NULL;
		assert_int_equal(inputs_assume_recorded(&current, cases[i][1], "watchdog", "none", &value), 0);
		assert_string_equal(current, cases[i][0]);
		assert_null(value);
		free(current);
	}
}

static void test_initramfs_size(void **state)
{
	char img[300], cmd[700];
	uint64_t size = 0;

	/* an uncompressed early archive followed by a gzip-compressed one */
	snprintf(img, sizeof(img), "%s/initrd.img", dir);
	snprintf(cmd, sizeof(cmd),
		 "cd '%s' && head -c 5000 /dev/zero > blob && "
		 "echo blob | cpio -o -H newc --quiet > early.cpio && "
		 "echo kdump.conf | cpio -o -H newc --quiet > main.cpio && "
		 "gzip -c main.cpio > main.gz && cat early.cpio main.gz > initrd.img", dir);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(initramfs_unpacked_size(img, &size), 0);
	{
		struct stat early, main;
		char p[300];

		snprintf(p, sizeof(p), "%s/early.cpio", dir);
		stat(p, &early);
		snprintf(p, sizeof(p), "%s/main.cpio", dir);
		stat(p, &main);
		assert_int_equal(size, (uint64_t)(early.st_size + main.st_size));
	}
	write_text("bad.img", "this is not an initramfs");
	snprintf(img, sizeof(img), "%s/bad.img", dir);
	assert_int_equal(initramfs_unpacked_size(img, &size), -EPROTONOSUPPORT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_inputs_equal),
		cmocka_unit_test(test_changed_file_named),
		cmocka_unit_test(test_added_and_removed),
		cmocka_unit_test(test_value_change),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_assume_recorded_absent_input),
		cmocka_unit_test(test_assume_recorded_leaves_others),
		cmocka_unit_test(test_initramfs_size),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
