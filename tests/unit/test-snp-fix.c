// SPDX-License-Identifier: GPL-2.0-or-later
/* Whether a crash kernel survives an SNP crash: release numbers, the
 * series' symbol in System.map or kallsyms, and what tells neither. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "snp-fix.h"
#include "scratch.h"

#ifndef FIXTURES
#define FIXTURES "tests/fixtures"
#endif

#define DEBIAN_RELEASE "6.12.57+deb13-amd64"

static void test_upstream_releases(void **state)
{
	(void)state;
	assert_true(snp_fix_release_has_upstream("6.18.0"));
	assert_true(snp_fix_release_has_upstream("6.18"));
	assert_true(snp_fix_release_has_upstream("6.18.44-fc-v669"));
	assert_true(snp_fix_release_has_upstream("6.17.8"));
	assert_true(snp_fix_release_has_upstream("6.17.12+deb14-amd64"));
	assert_true(snp_fix_release_has_upstream("6.19-rc1"));
	assert_true(snp_fix_release_has_upstream("7.3.4+bpo-amd64"));
	assert_false(snp_fix_release_has_upstream("6.17.7"));
	assert_false(snp_fix_release_has_upstream("6.17"));
	assert_false(snp_fix_release_has_upstream("6.17-rc7"));
	assert_false(snp_fix_release_has_upstream(DEBIAN_RELEASE));
	assert_false(snp_fix_release_has_upstream("6.1.0-41-amd64"));
	assert_false(snp_fix_release_has_upstream("5.19.17"));
	assert_false(snp_fix_release_has_upstream(""));
	assert_false(snp_fix_release_has_upstream("linux"));
	assert_false(snp_fix_release_has_upstream("6"));
	assert_false(snp_fix_release_has_upstream("99999999999.1"));
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(snp_fix_name(SNP_FIX_SERIES), "series");
	assert_string_equal(snp_fix_name(SNP_FIX_UPSTREAM), "upstream");
	assert_string_equal(snp_fix_name(SNP_FIX_ABSENT), "absent");
	assert_string_equal(snp_fix_name(SNP_FIX_UNKNOWN), "unknown");
}

static void expect_fix(const char *root, const char *release, enum snp_fix fix,
		       const char *evidence)
{
	struct snp_fix_info info;

	probe_snp_fix(root, release, &info);
	if (info.fix != fix || !strstr(info.evidence, evidence))
		print_error("got %s: %s\n", snp_fix_name(info.fix), info.evidence);
	assert_int_equal(info.fix, fix);
	assert_non_null(strstr(info.evidence, evidence));
}

/* the fixture roots: a kernel with the series and one without, on an SNP host */
static void test_fixtures(void **state)
{
	(void)state;
	expect_fix(FIXTURES "/snp-host-fixed", DEBIAN_RELEASE, SNP_FIX_SERIES,
		   "/boot/System.map-" DEBIAN_RELEASE " lists parse_kdump_snp");
	expect_fix(FIXTURES "/snp-host-unfixed", DEBIAN_RELEASE, SNP_FIX_ABSENT,
		   "/boot/System.map-" DEBIAN_RELEASE " lists no parse_kdump_snp");
	/* no System.map, and no kallsyms for the running kernel */
	expect_fix(FIXTURES "/snp-host", DEBIAN_RELEASE, SNP_FIX_UNKNOWN,
		   "no /boot/System.map-" DEBIAN_RELEASE " with symbols");
	/* another release than the one whose System.map is there */
	expect_fix(FIXTURES "/snp-host-fixed", "6.12.58", SNP_FIX_UNKNOWN, "6.12.58");
	/* the release decides first: no file is needed */
	expect_fix(FIXTURES "/does-not-exist", "6.18.1", SNP_FIX_UPSTREAM,
		   "Linux 6.18.1 has upstream's IOMMU reuse");
}


static void put(const char *rel, const char *text)
{
	scratch_put(rel, text, strlen(text));
}

#define DEBIAN_PLACEHOLDER \
	"ffffffffffffffff B The real System.map is in the linux-image-<version>-dbg package\n"

/* Debian's placeholder System.map: the running kernel's kallsyms tells,
 * as a non-root reader sees it (addresses zero), modules included */
static void test_kallsyms_of_running_kernel(void **state)
{
	(void)state;
	put("boot/System.map-" DEBIAN_RELEASE, DEBIAN_PLACEHOLDER);
	put("proc/sys/kernel/osrelease", DEBIAN_RELEASE "\n");
	put("proc/kallsyms", "0000000000000000 T _text\n"
			     "0000000000000000 t parse_kdump_snp\n"
			     "0000000000000000 t kvm_amd_init\t[kvm_amd]\n");
	expect_fix(scratch, DEBIAN_RELEASE, SNP_FIX_SERIES, "/proc/kallsyms lists parse_kdump_snp");

	put("proc/kallsyms", "0000000000000000 T _text\n"
			     "0000000000000000 t parse_kdump_snp_other\n"
			     "0000000000000000 t parse_kdump_snp\t[not_the_kernel]\n");
	/* a module's symbol of that name is not the series, which is built in */
	expect_fix(scratch, DEBIAN_RELEASE, SNP_FIX_ABSENT, "/proc/kallsyms lists no parse_kdump_snp");
}

static void test_placeholder_only(void **state)
{
	(void)state;
	put("boot/System.map-" DEBIAN_RELEASE, DEBIAN_PLACEHOLDER);
	put("proc/sys/kernel/osrelease", "6.12.99\n");
	put("proc/kallsyms", "0000000000000000 T _text\n0000000000000000 t parse_kdump_snp\n");
	/* kallsyms is of another kernel than the crash kernel */
	expect_fix(scratch, DEBIAN_RELEASE, SNP_FIX_UNKNOWN, "placeholder");
	/* a file without _text has no symbols, even with the name in it */
	put("boot/System.map-" DEBIAN_RELEASE, "garbage\nx y\n");
	expect_fix(scratch, DEBIAN_RELEASE, SNP_FIX_UNKNOWN, "with symbols");
}

/* the dedicated crash kernel's System.map lies next to its image, not in
 * /boot; the image's directory comes first */
static void test_map_next_to_image(void **state)
{
	struct snp_fix_info info;

	(void)state;
	put("usr/lib/kdump-snp/crash-kernel/System.map-6.12.117-kdump-snp",
	    "ffffffff81000000 T _text\nffffffff83a1b2c4 t parse_kdump_snp\n");
	probe_snp_fix_image(scratch, "6.12.117-kdump-snp",
			    "/usr/lib/kdump-snp/crash-kernel/vmlinuz-6.12.117-kdump-snp", &info);
	assert_int_equal(info.fix, SNP_FIX_SERIES);
	assert_non_null(strstr(info.evidence, "/usr/lib/kdump-snp/crash-kernel/System.map-"
				"6.12.117-kdump-snp lists parse_kdump_snp"));
	/* without the image, only /boot is looked at */
	expect_fix(scratch, "6.12.117-kdump-snp", SNP_FIX_UNKNOWN, "no /boot/System.map-");
	/* an image in /boot: its System.map there */
	put("boot/System.map-6.12.9", "ffffffff81000000 T _text\n");
	probe_snp_fix_image(scratch, "6.12.9", "/boot/vmlinuz-6.12.9", &info);
	assert_int_equal(info.fix, SNP_FIX_ABSENT);
	assert_non_null(strstr(info.evidence, "/boot/System.map-6.12.9 lists no"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_upstream_releases),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_fixtures),
		cmocka_unit_test_setup_teardown(test_kallsyms_of_running_kernel, scratch_setup, scratch_teardown),
		cmocka_unit_test_setup_teardown(test_placeholder_only, scratch_setup, scratch_teardown),
		cmocka_unit_test_setup_teardown(test_map_next_to_image, scratch_setup, scratch_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
