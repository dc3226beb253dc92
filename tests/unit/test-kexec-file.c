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

#include "kexec-file.h"

static char kernel_path[] = "/tmp/test-kexec-file-kernel.XXXXXX";

static int setup(void **state)
{
	int fd = mkstemp(kernel_path);

	if (fd < 0 || write(fd, "x", 1) != 1)
		return -1;
	close(fd);
	setenv(DRY_RUN_ENV, "1", 1);
	return 0;
}

static int teardown(void **state)
{
	unlink(kernel_path);
	return 0;
}

static char *dry_run(const struct kexec_file_request *req, int *ret)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	*ret = kexec_file_load_request(req, f);
	fclose(f);
	return text;
}

static void test_dry_run_output(void **state)
{
	char expect[512];
	int ret;
	char *out = dry_run(&(struct kexec_file_request){
		.kernel = kernel_path, .initrd = kernel_path,
		.cmdline = "a=\"b c\" d", .flags = KDUMP_KEXEC_FILE_ON_CRASH }, &ret);

	snprintf(expect, sizeof(expect),
		 "kexec_file_load\nkernel: %s\ninitrd: %s\ncmdline: a=\"b c\" d\n"
		 "cmdline_len: 10\nflags: KEXEC_FILE_ON_CRASH\n", kernel_path, kernel_path);
	assert_int_equal(ret, 0);
	assert_string_equal(out, expect);
	free(out);
}

static void test_dry_run_no_initrd_sets_flag(void **state)
{
	int ret;
	char *out = dry_run(&(struct kexec_file_request){ .kernel = kernel_path }, &ret);

	assert_int_equal(ret, 0);
	assert_non_null(strstr(out, "initrd: (none)\n"));
	assert_non_null(strstr(out, "cmdline: \ncmdline_len: 0\n"));
	assert_non_null(strstr(out, "flags: KEXEC_FILE_NO_INITRAMFS\n"));
	free(out);
}

static void test_missing_files_fail_like_the_syscall(void **state)
{
	int ret;
	char *out = dry_run(&(struct kexec_file_request){ .kernel = "/nonexistent" }, &ret);

	assert_int_equal(ret, -ENOENT);
	assert_string_equal(out, "");
	free(out);
	out = dry_run(&(struct kexec_file_request){ .kernel = kernel_path,
						   .initrd = "/nonexistent" }, &ret);
	assert_int_equal(ret, -ENOENT);
	free(out);
	out = dry_run(&(struct kexec_file_request){ .kernel = NULL }, &ret);
	assert_int_equal(ret, -EINVAL);
	free(out);
}

static void test_unload_needs_no_files(void **state)
{
	int ret;
	char *out = dry_run(&(struct kexec_file_request){
		.flags = KDUMP_KEXEC_FILE_UNLOAD | KDUMP_KEXEC_FILE_ON_CRASH }, &ret);

	assert_int_equal(ret, 0);
	assert_non_null(strstr(out, "kernel: (none)\n"));
	assert_non_null(strstr(out, "flags: KEXEC_FILE_UNLOAD|KEXEC_FILE_ON_CRASH\n"));
	free(out);
}

static void test_flags_str(void **state)
{
	char buf[128];

	kexec_file_flags_str(0, buf, sizeof(buf));
	assert_string_equal(buf, "0");
	kexec_file_flags_str(0x2 | 0x4 | 0x8, buf, sizeof(buf));
	assert_string_equal(buf, "KEXEC_FILE_ON_CRASH|KEXEC_FILE_NO_INITRAMFS|KEXEC_FILE_DEBUG");
	kexec_file_flags_str(0x1 | 0x100, buf, sizeof(buf));
	assert_string_equal(buf, "KEXEC_FILE_UNLOAD|0x100");
	kexec_file_flags_str(0x2, buf, 8);
	assert_string_equal(buf, "KEXEC_F");
}

static void test_dry_run_switch(void **state)
{
	setenv(DRY_RUN_ENV, "0", 1);
	assert_false(kexec_dry_run());
	unsetenv(DRY_RUN_ENV);
	assert_false(kexec_dry_run());
	setenv(DRY_RUN_ENV, "1", 1);
	assert_true(kexec_dry_run());
}

static void test_reboot_dry_run(void **state)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_int_equal(kexec_reboot(true, f), 0);
	assert_int_equal(kexec_reboot(false, f), 0);
	fclose(f);
	assert_string_equal(text, "sync: yes\nreboot: LINUX_REBOOT_CMD_KEXEC\n"
				  "sync: no\nreboot: LINUX_REBOOT_CMD_KEXEC\n");
	free(text);
}

static void test_explain(void **state)
{
	char buf[512];

	kexec_explain_error(-EADDRNOTAVAIL, true, 0, buf, sizeof(buf));
	assert_non_null(strstr(buf, "no memory is reserved for a crash kernel"));
	kexec_explain_error(-ENOMEM, true, 256ULL << 20, buf, sizeof(buf));
	assert_non_null(strstr(buf, "do not fit in the 256 MiB reserved by crashkernel="));
	kexec_explain_error(-EKEYREJECTED, true, 0, buf, sizeof(buf));
	assert_non_null(strstr(buf, "signature"));
	kexec_explain_error(-EBUSY, true, 0, buf, sizeof(buf));
	assert_non_null(strstr(buf, "kexec -p -u"));
	kexec_explain_error(-ENOEXEC, false, 0, buf, sizeof(buf));
	assert_non_null(strstr(buf, "not a bzImage"));
	kexec_explain_error(-EINVAL, false, 0, buf, sizeof(buf));
	assert_non_null(strstr(buf, "command line may be too long"));
	kexec_explain_error(-EPERM, false, 0, buf, sizeof(buf));
	assert_non_null(strstr(buf, getuid() ? "needs root" : "locked down"));
	kexec_explain_error(-ENOSYS, false, 0, buf, sizeof(buf));
	assert_non_null(strstr(buf, "CONFIG_KEXEC_FILE"));
	kexec_explain_error(-EIO, false, 0, buf, sizeof(buf));
	assert_non_null(strstr(buf, "Input/output error"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dry_run_output),
		cmocka_unit_test(test_dry_run_no_initrd_sets_flag),
		cmocka_unit_test(test_missing_files_fail_like_the_syscall),
		cmocka_unit_test(test_unload_needs_no_files),
		cmocka_unit_test(test_flags_str),
		cmocka_unit_test(test_dry_run_switch),
		cmocka_unit_test(test_reboot_dry_run),
		cmocka_unit_test(test_explain),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
