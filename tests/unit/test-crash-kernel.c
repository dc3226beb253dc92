// SPDX-License-Identifier: GPL-2.0-or-later
/* Which kernel boots after a crash: KDUMP_KERNEL=auto, running, a path,
 * KDUMP_KERNELVER, and the dedicated crash kernel's package link. */
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

#include "crash-kernel.h"
#include "snp-fix.h"
#include "scratch.h"

#define RUNNING "6.12.57+deb13-amd64"
#define DEDICATED "6.12.117-kdump-snp"


static void put_link(const char *rel, const char *target)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", scratch, rel);
	unlink(path);
	assert_int_equal(symlink(target, path), 0);
}

/* a bzImage boot header naming release (as lib/bzimage.c reads it) */
static void put_bzimage(const char *rel, const char *release)
{
	static unsigned char img[8192];

	memset(img, 0, sizeof(img));
	memcpy(img + 0x202, "HdrS", 4);
	img[0x206] = 0x0f;
	img[0x207] = 0x02;
	img[0x20e] = 0x00; /* version at 0x0e00 + 0x200 */
	img[0x20f] = 0x0e;
	img[0x211] = 1;
	img[0x234] = 1;
	img[0x236] = 3;
	snprintf((char *)img + 0x1000, 128, "%s (test@kdump-snp) #1 SMP", release);
	scratch_put(rel, img, sizeof(img));
}

/* the package's files: the kernel and the link to it */
static void install_dedicated(void)
{
	scratch_put("usr/lib/kdump-snp/crash-kernel/vmlinuz-" DEDICATED, "x", 1);
	put_link("usr/lib/kdump-snp/crash-kernel/vmlinuz", "vmlinuz-" DEDICATED);
}

static const struct snp_state snp_capable = { .capable = true };
static const struct snp_state no_snp = { 0 };
static const struct snp_fix_info fix_absent = { .fix = SNP_FIX_ABSENT, .evidence = "no marker" };
static const struct snp_fix_info fix_series = { .fix = SNP_FIX_SERIES, .evidence = "has marker" };

static struct crash_kernel_input input(const char *setting, const struct snp_state *snp,
				       const struct snp_fix_info *fix)
{
	return (struct crash_kernel_input){
		.root = scratch, .setting = setting, .kernelver = "", .img = "vmlinuz",
		.running = RUNNING, .snp = snp, .running_fix = fix,
	};
}

static void expect_choice(const struct crash_kernel_input *in, const char *path,
			  const char *release, bool dedicated, const char *why)
{
	struct crash_kernel_choice c;

	assert_int_equal(crash_kernel_choose(in, &c), 0);
	if (!strstr(c.why, why))
		print_error("why: %s\n", c.why);
	assert_string_equal(c.path, path);
	assert_string_equal(c.release, release);
	assert_int_equal(c.dedicated, dedicated);
	assert_non_null(strstr(c.why, why));
	crash_kernel_choice_clear(&c);
}

static void test_find_dedicated(void **state)
{
	char *rel = NULL;

	(void)state;
	assert_int_equal(crash_kernel_find_dedicated(scratch, &rel), -ENOENT);
	install_dedicated();
	assert_int_equal(crash_kernel_find_dedicated(scratch, &rel), 0);
	assert_string_equal(rel, DEDICATED);
	free(rel);
	/* a link to something that is not there: not installed */
	put_link("usr/lib/kdump-snp/crash-kernel/vmlinuz", "vmlinuz-6.12.999-kdump-snp");
	assert_int_equal(crash_kernel_find_dedicated(scratch, &rel), -ENOENT);
	/* not a vmlinuz-<release> of that directory */
	put_link("usr/lib/kdump-snp/crash-kernel/vmlinuz", "../../../../boot/vmlinuz-" RUNNING);
	assert_int_equal(crash_kernel_find_dedicated(scratch, &rel), -EINVAL);
	put_link("usr/lib/kdump-snp/crash-kernel/vmlinuz", "vmlinuz-");
	assert_int_equal(crash_kernel_find_dedicated(scratch, &rel), -EINVAL);
	/* a plain file, not a link */
	put_link("usr/lib/kdump-snp/crash-kernel/vmlinuz", "vmlinuz-" DEDICATED);
	{
		char path[512];

		snprintf(path, sizeof(path), "%s/usr/lib/kdump-snp/crash-kernel/vmlinuz", scratch);
		unlink(path);
	}
	scratch_put("usr/lib/kdump-snp/crash-kernel/vmlinuz", "x", 1);
	assert_int_equal(crash_kernel_find_dedicated(scratch, &rel), -EINVAL);
}

/* auto on an SNP host whose kernel lacks the fix: the dedicated kernel */
static void test_auto_snp_host(void **state)
{
	struct crash_kernel_input in = input("auto", &snp_capable, &fix_absent);

	(void)state;
	/* not installed: the running kernel, and why */
	expect_choice(&in, "/boot/vmlinuz-" RUNNING, RUNNING, false,
		      "the dedicated crash kernel with the SNP fix is not installed");
	install_dedicated();
	expect_choice(&in, CRASH_KERNEL_DIR "/vmlinuz-" DEDICATED, DEDICATED, true,
		      "SEV-SNP host and the running kernel " RUNNING " has no SNP fix known (absent)");
	/* unknown counts as not fixed */
	in.running_fix = &(struct snp_fix_info){ .fix = SNP_FIX_UNKNOWN };
	expect_choice(&in, CRASH_KERNEL_DIR "/vmlinuz-" DEDICATED, DEDICATED, true, "(unknown)");
	/* the running kernel has the fix: it stays */
	in.running_fix = &fix_series;
	expect_choice(&in, "/boot/vmlinuz-" RUNNING, RUNNING, false,
		      "the running kernel, which has the SNP fix (has marker)");
	/* KDUMP_SNP=on makes a host without probe results an SNP host */
	in = input("auto", NULL, &fix_absent);
	in.snp_hint = true;
	expect_choice(&in, CRASH_KERNEL_DIR "/vmlinuz-" DEDICATED, DEDICATED, true, "SEV-SNP host");
}

/* auto elsewhere: the running kernel even when the dedicated one is there */
static void test_auto_other_host(void **state)
{
	struct crash_kernel_input in = input("auto", &no_snp, &fix_absent);

	(void)state;
	install_dedicated();
	expect_choice(&in, "/boot/vmlinuz-" RUNNING, RUNNING, false,
		      "not an SEV-SNP host, so the kernel it boots with (the dedicated crash "
		      "kernel is only picked on SEV-SNP hosts)");
	in.img = "bzImage";
	expect_choice(&in, "/boot/bzImage-" RUNNING, RUNNING, false, "not an SEV-SNP host");
}

static void test_explicit(void **state)
{
	struct crash_kernel_input in = input("running", &snp_capable, &fix_absent);
	struct crash_kernel_choice c;

	(void)state;
	install_dedicated();
	expect_choice(&in, "/boot/vmlinuz-" RUNNING, RUNNING, false, "KDUMP_KERNEL=running");
	/* KDUMP_KERNELVER wins over auto and running */
	in.kernelver = "6.1.0-41-amd64";
	expect_choice(&in, "/boot/vmlinuz-6.1.0-41-amd64", "6.1.0-41-amd64", false,
		      "KDUMP_KERNELVER=6.1.0-41-amd64");
	in.setting = "auto";
	expect_choice(&in, "/boot/vmlinuz-6.1.0-41-amd64", "6.1.0-41-amd64", false,
		      "KDUMP_KERNELVER=6.1.0-41-amd64");

	/* a path: the release from KDUMP_KERNELVER, else the boot header */
	in.setting = "/opt/k/bzImage";
	expect_choice(&in, "/opt/k/bzImage", "6.1.0-41-amd64", false,
		      "KDUMP_KERNEL=/opt/k/bzImage, release 6.1.0-41-amd64 from KDUMP_KERNELVER");
	in.kernelver = "";
	put_bzimage("opt/k/bzImage", "6.12.117-custom");
	expect_choice(&in, "/opt/k/bzImage", "6.12.117-custom", false,
		      "KDUMP_KERNEL=/opt/k/bzImage (release 6.12.117-custom, from its boot header)");

	/* what cannot tell a release is an error that names the file */
	scratch_put("opt/k/notakernel", "hello", 5);
	in.setting = "/opt/k/notakernel";
	assert_int_equal(crash_kernel_choose(&in, &c), -EINVAL);
	assert_null(c.path);
	assert_non_null(strstr(c.why, "KDUMP_KERNEL=/opt/k/notakernel: "));
	assert_non_null(strstr(c.why, "set KDUMP_KERNELVER"));
	in.setting = "/opt/k/missing";
	assert_int_equal(crash_kernel_choose(&in, &c), -EINVAL);
	assert_string_equal(c.why, "KDUMP_KERNEL=/opt/k/missing: No such file or directory");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_find_dedicated, scratch_setup, scratch_teardown),
		cmocka_unit_test_setup_teardown(test_auto_snp_host, scratch_setup, scratch_teardown),
		cmocka_unit_test_setup_teardown(test_auto_other_host, scratch_setup, scratch_teardown),
		cmocka_unit_test_setup_teardown(test_explicit, scratch_setup, scratch_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
