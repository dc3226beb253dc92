// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "snp-policy.h"

static void test_mode_parse(void **state)
{
	enum snp_mode m;

	assert_int_equal(snp_mode_parse("auto", &m), 0);
	assert_int_equal(m, SNP_MODE_AUTO);
	assert_int_equal(snp_mode_parse("on", &m), 0);
	assert_int_equal(m, SNP_MODE_ON);
	assert_int_equal(snp_mode_parse("off", &m), 0);
	assert_int_equal(m, SNP_MODE_OFF);
	assert_int_equal(snp_mode_parse("yes", &m), -EINVAL);
	assert_int_equal(snp_mode_parse("", &m), -EINVAL);
	assert_string_equal(snp_mode_name(SNP_MODE_OFF), "off");
}

static void test_hint_matrix(void **state)
{
	struct snp_state on = { .capable = true, .enabled = true, .kvm_amd_loaded = true };
	struct snp_state capable = { .capable = true };
	struct snp_state none = { 0 };

	assert_true(snp_hint_wanted(SNP_MODE_AUTO, &on));
	assert_false(snp_hint_wanted(SNP_MODE_AUTO, &capable));
	assert_false(snp_hint_wanted(SNP_MODE_AUTO, &none));
	assert_false(snp_hint_wanted(SNP_MODE_AUTO, NULL));
	assert_true(snp_hint_wanted(SNP_MODE_ON, &none));
	assert_true(snp_hint_wanted(SNP_MODE_ON, NULL));
	assert_false(snp_hint_wanted(SNP_MODE_OFF, &on));
}

static void expect_apply(const char *in, bool hint, const char *want)
{
	char err[256] = "";
	char *out = NULL;

	assert_int_equal(snp_apply_to_cmdline(in, hint, &out, err, sizeof(err)), 0);
	assert_string_equal(out, want);
	free(out);
}

static void expect_refused(const char *in, const char *word)
{
	char err[512] = "";
	char *out = NULL;

	assert_int_equal(snp_apply_to_cmdline(in, true, &out, err, sizeof(err)), -EINVAL);
	assert_null(out);
	assert_non_null(strstr(err, word));
	assert_non_null(strstr(err, "SEV-SNP"));
}

static void test_apply(void **state)
{
	expect_apply("irqpoll nr_cpus=1", true, "irqpoll nr_cpus=1 kdump_snp=1");
	expect_apply("", true, "kdump_snp=1");
	expect_apply("irqpoll kdump_snp=0", true, "irqpoll kdump_snp=1");
	expect_apply("kdump-snp=0 a kdump_snp=0", true, "kdump_snp=1 a");
	expect_apply("a -- amd_iommu=off", true, "a kdump_snp=1 -- amd_iommu=off");
	expect_apply("amd_iommu=off", false, "amd_iommu=off");
	expect_apply("iommu=pt amd_iommu=fullflush", true,
		     "iommu=pt amd_iommu=fullflush kdump_snp=1");
	expect_apply("intremap=nosid", true, "intremap=nosid kdump_snp=1");
	expect_apply("amd_iommu_off=1", true, "amd_iommu_off=1 kdump_snp=1");
}

static void test_refusals(void **state)
{
	expect_refused("iommu=off", "\"iommu=off\"");
	expect_refused("a amd_iommu=off b", "\"amd_iommu=off\"");
	expect_refused("amd-iommu=off", "\"amd-iommu=off\"");
	expect_refused("amd_iommu=fullflush,off", "\"amd_iommu=fullflush,off\"");
	expect_refused("intremap=off", "\"intremap=off\"");
	expect_refused("nointremap", "\"nointremap\"");
	expect_refused("\"iommu=off\"", "iommu=off");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mode_parse),
		cmocka_unit_test(test_hint_matrix),
		cmocka_unit_test(test_apply),
		cmocka_unit_test(test_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
