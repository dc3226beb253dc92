// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Host probes against the fixture roots of tests/fixtures (see its
 * README.md), plus error cases built in a scratch root.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "probe.h"
#include "util.h"

#ifndef FIXTURES
#define FIXTURES "tests/fixtures"
#endif

#define MiB (UINT64_C(1) << 20)
#define GiB (UINT64_C(1) << 30)

/* ---- expected values per fixture host -------------------------------- */

struct host {
	const char *dir;
	const char *release;
	int crash_ret;
	struct crash_reservation crash;
	bool crash_loaded;
	bool kexec_loaded;
	uint64_t crash_size;
	struct amd_iommu_info iommu;
	struct snp_state snp;
};

static const struct host intel_plain = {
	.dir = "intel-plain",
	.release = "6.12.57+deb13-amd64",
	.crash = {
		.low = { 0x5b000000, 0x6affffff },
		.total = 256 * MiB,
	},
	.crash_size = 256 * MiB,
	.iommu = { .count = 0, .snp_feature = false },
	.snp = { .capable_from = SNP_SOURCE_NONE,
		 .enabled_from = SNP_SOURCE_NONE },
};

static const struct host amd_iommu = {
	.dir = "amd-iommu",
	.release = "6.12.57+deb13-amd64",
	.crash = {
		.low = { 0x3e000000, 0x55ffffff },
		.total = 384 * MiB,
	},
	.crash_size = 384 * MiB,
	.iommu = { .count = 2, .snp_feature = false },
	.snp = { .kvm_amd_loaded = true,
		 .capable_from = SNP_SOURCE_NONE,
		 .enabled_from = SNP_SOURCE_KVM_AMD },
};

static const struct host crash_loaded = {
	.dir = "crash-loaded",
	.release = "6.12.57+deb13-amd64",
	.crash = {
		.low = { 0x3e000000, 0x55ffffff },
		.total = 384 * MiB,
	},
	.crash_loaded = true,
	.crash_size = 384 * MiB,
	.iommu = { .count = 2, .snp_feature = false },
	.snp = { .kvm_amd_loaded = true,
		 .capable_from = SNP_SOURCE_NONE,
		 .enabled_from = SNP_SOURCE_KVM_AMD },
};

static const struct host snp_host = {
	.dir = "snp-host",
	.release = "6.12.57+deb13-amd64",
	.crash = {
		.low = { 0x1f000000, 0x3effffff },
		.total = 512 * MiB,
	},
	.crash_size = 512 * MiB,
	.iommu = { .count = 4, .snp_feature = true },
	.snp = { .capable = true, .enabled = true, .kvm_amd_loaded = true,
		 .capable_from = SNP_SOURCE_CPUINFO,
		 .enabled_from = SNP_SOURCE_KVM_AMD },
};

static const struct host snp_no_kvm = {
	.dir = "snp-no-kvm",
	.release = "6.12.57+deb13-amd64",
	.crash = {
		.low = { 0x1f000000, 0x3effffff },
		.total = 512 * MiB,
	},
	.crash_size = 512 * MiB,
	.iommu = { .count = 4, .snp_feature = true },
	.snp = { .capable = true, .enabled = false, .kvm_amd_loaded = false,
		 .capable_from = SNP_SOURCE_CPUINFO,
		 .enabled_from = SNP_SOURCE_NONE },
};

static const struct host no_crashkernel = {
	.dir = "no-crashkernel",
	.release = "6.12.57+deb13-amd64",
	.crash_ret = -ENOENT,
	.crash_size = 0,
	.iommu = { .count = 0, .snp_feature = false },
	.snp = { .capable_from = SNP_SOURCE_NONE,
		 .enabled_from = SNP_SOURCE_NONE },
};

static const struct host crash_lowhigh = {
	.dir = "crash-lowhigh",
	.release = "6.1.0-41-amd64",
	.crash = {
		.low = { 0x0f000000, 0x1effffff },
		.high = { 0x403f000000, 0x407effffff },
		.total = 1 * GiB + 256 * MiB,
	},
	/* kexec_crash_size is crashk_res only, the high range */
	.crash_size = 1 * GiB,
	.iommu = { .count = 2, .snp_feature = false },
	/* 6.1: kvm_amd has no sev_snp parameter */
	.snp = { .kvm_amd_loaded = true,
		 .capable_from = SNP_SOURCE_NONE,
		 .enabled_from = SNP_SOURCE_NONE },
};

static const struct host nonroot_iomem = {
	.dir = "nonroot-iomem",
	.release = "6.12.57+deb13-amd64",
	.crash_ret = -EACCES,
	.crash_size = 512 * MiB,
	.iommu = { .count = 4, .snp_feature = true },
	.snp = { .capable = true, .enabled = true, .kvm_amd_loaded = true,
		 .capable_from = SNP_SOURCE_CPUINFO,
		 .enabled_from = SNP_SOURCE_KVM_AMD },
};

static const char *fixture(const struct host *h)
{
	static char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", FIXTURES, h->dir);
	return path;
}

static void test_kernel_release(void **state)
{
	const struct host *h = *state;
	_cleanup_free_ char *release = NULL;

	assert_int_equal(probe_kernel_release(fixture(h), &release), 0);
	assert_string_equal(release, h->release);
}

static void test_crash_reservation(void **state)
{
	const struct host *h = *state;
	struct crash_reservation res;

	memset(&res, 0xa5, sizeof(res));
	assert_int_equal(probe_crash_reservation(fixture(h), &res), h->crash_ret);
	if (h->crash_ret)
		return;
	assert_int_equal(res.low.start, h->crash.low.start);
	assert_int_equal(res.low.end, h->crash.low.end);
	assert_int_equal(res.high.start, h->crash.high.start);
	assert_int_equal(res.high.end, h->crash.high.end);
	assert_int_equal(res.total, h->crash.total);
	assert_int_equal(res.total, crash_range_size(&res.low) +
				    crash_range_size(&res.high));
}

static void test_kexec_state(void **state)
{
	const struct host *h = *state;
	bool crash = !h->crash_loaded, normal = !h->kexec_loaded;
	uint64_t size = UINT64_MAX;

	assert_int_equal(probe_kexec_crash_loaded(fixture(h), &crash), 0);
	assert_int_equal(crash, h->crash_loaded);
	assert_int_equal(probe_kexec_loaded(fixture(h), &normal), 0);
	assert_int_equal(normal, h->kexec_loaded);
	assert_int_equal(probe_kexec_crash_size(fixture(h), &size), 0);
	assert_int_equal(size, h->crash_size);
}

static void test_amd_iommu(void **state)
{
	const struct host *h = *state;
	struct amd_iommu_info info = { .count = 99, .snp_feature = true };

	assert_int_equal(probe_amd_iommu(fixture(h), &info), 0);
	assert_int_equal(info.count, h->iommu.count);
	assert_int_equal(info.snp_feature, h->iommu.snp_feature);
}

static void assert_snp_equal(const struct snp_state *got,
			     const struct snp_state *want)
{
	assert_int_equal(got->capable, want->capable);
	assert_int_equal(got->enabled, want->enabled);
	assert_int_equal(got->kvm_amd_loaded, want->kvm_amd_loaded);
	assert_string_equal(snp_source_name(got->capable_from),
			    snp_source_name(want->capable_from));
	assert_string_equal(snp_source_name(got->enabled_from),
			    snp_source_name(want->enabled_from));
}

static void test_snp_state(void **state)
{
	const struct host *h = *state;
	struct snp_state snp;

	memset(&snp, 0xa5, sizeof(snp));
	assert_int_equal(probe_snp_state(fixture(h), &snp), 0);
	assert_snp_equal(&snp, &h->snp);
}

/* ---- a missing root is -ENOENT for every probe ----------------------- */

#define MISSING_ROOT FIXTURES "/does-not-exist"

static void test_missing_root(void **state)
{
	char *release = NULL;
	struct crash_reservation res;
	struct amd_iommu_info info;
	struct snp_state snp;
	uint64_t size;
	bool b;

	(void)state;
	assert_int_equal(probe_kernel_release(MISSING_ROOT, &release), -ENOENT);
	assert_null(release);
	assert_int_equal(probe_crash_reservation(MISSING_ROOT, &res), -ENOENT);
	assert_int_equal(probe_kexec_crash_loaded(MISSING_ROOT, &b), -ENOENT);
	assert_int_equal(probe_kexec_loaded(MISSING_ROOT, &b), -ENOENT);
	assert_int_equal(probe_kexec_crash_size(MISSING_ROOT, &size), -ENOENT);
	assert_int_equal(probe_amd_iommu(MISSING_ROOT, &info), -ENOENT);
	assert_int_equal(probe_snp_state(MISSING_ROOT, &snp), -ENOENT);
}

/* ---- scratch roots for malformed and unusual files -------------------- */

static int scratch_setup(void **state)
{
	const char *tmp = getenv("TMPDIR");
	char *root;

	if (asprintf(&root, "%s/test-probe.XXXXXX", tmp && *tmp ? tmp : "/tmp") < 0)
		return -1;
	if (!mkdtemp(root)) {
		free(root);
		return -1;
	}
	*state = root;
	return 0;
}

static int rm_entry(const char *path, const struct stat *st, int flag,
		    struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int scratch_teardown(void **state)
{
	char *root = *state;
	int r = nftw(root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);

	free(root);
	return r;
}

/* Create <root>/<rel> with content, making parent directories. */
static void put(const char *root, const char *rel, const char *content)
{
	_cleanup_free_ char *path = NULL;
	FILE *f;
	char *p;

	assert_true(asprintf(&path, "%s/%s", root, rel) > 0);
	for (p = path + strlen(root) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		assert_true(mkdir(path, 0755) == 0 || errno == EEXIST);
		*p = '/';
	}
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fputs(content, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

static void mkdirs(const char *root, const char *rel)
{
	_cleanup_free_ char *path = NULL;

	assert_true(asprintf(&path, "%s/%s/.keep", root, rel) > 0);
	put(root, strchr(path + strlen(root), '/') + 1, "");
}

static void rm(const char *root, const char *rel)
{
	_cleanup_free_ char *path = NULL;

	assert_true(asprintf(&path, "%s/%s", root, rel) > 0);
	assert_int_equal(unlink(path), 0);
}

static int crash_of(const char *root, const char *iomem,
		    struct crash_reservation *res)
{
	put(root, "proc/iomem", iomem);
	return probe_crash_reservation(root, res);
}

static void test_iomem_malformed(void **state)
{
	static const char *const bad[] = {
		"zzzz-1fff : Crash kernel\n",
		"00001000 : Crash kernel\n",
		"00001000- : Crash kernel\n",
		"00001000-00000fff : Crash kernel\n", /* end before start */
		"00001000-00001fff Crash kernel\n",
		"00001000-00001fff :Crash kernel\n",
		"  3e000000-55ffffff\n",
		"0x3e000000-0x55ffffff : Crash kernel\n",
		"-3e000000-55ffffff : Crash kernel\n",
		"3e000000-155ffffffffffffffff : Crash kernel\n", /* > 64 bit */
		"00100000-75daffff : System RAM\n  garbage\n"
		"  3e000000-55ffffff : Crash kernel\n",
		"\t3e000000-55ffffff : Crash kernel\n",
	};
	const char *root = *state;
	struct crash_reservation res;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		memset(&res, 0xa5, sizeof(res));
		if (crash_of(root, bad[i], &res) != -EINVAL)
			fail_msg("accepted: \"%s\"", bad[i]);
	}
	/* an embedded NUL byte */
	put(root, "proc/iomem", "");
	{
		_cleanup_free_ char *path = NULL;
		FILE *f;

		assert_true(asprintf(&path, "%s/proc/iomem", root) > 0);
		f = fopen(path, "w");
		assert_non_null(f);
		assert_int_equal(fwrite("00001000-00001fff : Cr\0sh kernel\n",
					1, 33, f), 33);
		assert_int_equal(fclose(f), 0);
	}
	assert_int_equal(probe_crash_reservation(root, &res), -EINVAL);
}

static void test_iomem_edge_cases(void **state)
{
	const char *root = *state;
	struct crash_reservation res;

	/* empty file, or no Crash kernel line */
	assert_int_equal(crash_of(root, "", &res), -ENOENT);
	assert_int_equal(crash_of(root, "00100000-75daffff : System RAM\n",
				  &res), -ENOENT);
	/* a name that merely starts with Crash kernel is not one */
	assert_int_equal(crash_of(root, "00100000-75daffff : System RAM\n"
				  "  3e000000-55ffffff : Crash kernel low\n",
				  &res), -ENOENT);

	/* 64-bit addresses, upper-case hex, no trailing newline */
	assert_int_equal(crash_of(root, "ffffffff00000000-FFFFFFFFFFFFFFFF : "
				  "Crash kernel", &res), 0);
	assert_int_equal(res.high.start, UINT64_C(0xffffffff00000000));
	assert_int_equal(res.high.end, UINT64_MAX);
	assert_int_equal(res.low.end, 0);

	/* exactly 4 GiB is high, one byte below is low */
	assert_int_equal(crash_of(root,
				  "  fff00000-ffffffff : Crash kernel\n"
				  "  100000000-1000fffff : Crash kernel\n",
				  &res), 0);
	assert_int_equal(res.low.start, 0xfff00000);
	assert_int_equal(res.high.start, UINT64_C(0x100000000));
	assert_int_equal(res.total, 2 * MiB);

	/* more than one range per class: first kept, all summed */
	assert_int_equal(crash_of(root,
				  "00100000-75daffff : System RAM\n"
				  "  1f000000-1fffffff : Crash kernel\n"
				  "  3e000000-3e0fffff : Crash kernel\n"
				  "100000000-407f37ffff : System RAM\n"
				  "  2000000000-203fffffff : Crash kernel\n"
				  "  3000000000-30000fffff : Crash kernel\n",
				  &res), 0);
	assert_int_equal(res.low.start, 0x1f000000);
	assert_int_equal(res.low.end, 0x1fffffff);
	assert_int_equal(res.high.start, UINT64_C(0x2000000000));
	assert_int_equal(res.high.end, UINT64_C(0x203fffffff));
	assert_int_equal(res.total, 16 * MiB + 1 * MiB + 1 * GiB + 1 * MiB);

	/* high only (crashkernel=X,high with crashkernel=0,low) */
	assert_int_equal(crash_of(root, "  2000000000-203fffffff : Crash kernel\n",
				  &res), 0);
	assert_int_equal(res.low.start, 0);
	assert_int_equal(res.low.end, 0);
	assert_int_equal(crash_range_size(&res.low), 0);
	assert_int_equal(res.total, 1 * GiB);

	/* non-root view: zeroes even when other lines look fine */
	assert_int_equal(crash_of(root, "00000000-00000000 : System RAM\n"
				  "  00000000-00000000 : Crash kernel\n",
				  &res), -EACCES);
}

static void test_kexec_files_malformed(void **state)
{
	static const char *const bad_bool[] = {
		"", "\n", "2\n", "Y\n", "-1\n", "01x\n", " \n",
	};
	static const char *const bad_size[] = {
		"", "\n", "-1\n", "0x100\n", "12 34\n", "abc\n",
		"99999999999999999999999\n", " 5\n",
	};
	const char *root = *state;
	uint64_t size;
	bool b;
	size_t i;

	/* missing files: -ENOENT from open */
	mkdirs(root, "sys/kernel");
	assert_int_equal(probe_kexec_crash_loaded(root, &b), -ENOENT);
	assert_int_equal(probe_kexec_loaded(root, &b), -ENOENT);
	assert_int_equal(probe_kexec_crash_size(root, &size), -ENOENT);

	for (i = 0; i < ARRAY_SIZE(bad_bool); i++) {
		put(root, "sys/kernel/kexec_crash_loaded", bad_bool[i]);
		put(root, "sys/kernel/kexec_loaded", bad_bool[i]);
		if (probe_kexec_crash_loaded(root, &b) != -EINVAL ||
		    probe_kexec_loaded(root, &b) != -EINVAL)
			fail_msg("accepted bool \"%s\"", bad_bool[i]);
	}
	for (i = 0; i < ARRAY_SIZE(bad_size); i++) {
		put(root, "sys/kernel/kexec_crash_size", bad_size[i]);
		if (probe_kexec_crash_size(root, &size) != -EINVAL)
			fail_msg("accepted size \"%s\"", bad_size[i]);
	}

	put(root, "sys/kernel/kexec_loaded", "1\n");
	assert_int_equal(probe_kexec_loaded(root, &b), 0);
	assert_true(b);
	put(root, "sys/kernel/kexec_crash_size", "18446744073709551615\n");
	assert_int_equal(probe_kexec_crash_size(root, &size), 0);
	assert_int_equal(size, UINT64_MAX);
}

static void test_kernel_release_trim(void **state)
{
	const char *root = *state;
	_cleanup_free_ char *release = NULL;

	put(root, "proc/sys/kernel/osrelease", "6.1.0-41-amd64 \t\n");
	assert_int_equal(probe_kernel_release(root, &release), 0);
	assert_string_equal(release, "6.1.0-41-amd64");

	put(root, "proc/sys/kernel/osrelease", "\n");
	assert_int_equal(probe_kernel_release(root, &release), -EINVAL);
	assert_string_equal(release, "6.1.0-41-amd64"); /* untouched */
}

static int iommu_of(const char *root, const char *features,
		    struct amd_iommu_info *info)
{
	put(root, "sys/class/iommu/ivhd0/amd-iommu/features", features);
	return probe_amd_iommu(root, info);
}

static void test_iommu_features_formats(void **state)
{
	const char *root = *state;
	struct amd_iommu_info info;

	/* before 6.0: "%llx\n", EFR only */
	assert_int_equal(iommu_of(root, "a58f77ef22294ade\n", &info), 0);
	assert_int_equal(info.count, 1);
	assert_true(info.snp_feature);
	assert_int_equal(iommu_of(root, "58f77ef22294ade\n", &info), 0);
	assert_false(info.snp_feature);
	/* 6.0 to 6.6: "EFR2:EFR" */
	assert_int_equal(iommu_of(root, "0:a58f77ef22294ade\n", &info), 0);
	assert_true(info.snp_feature);
	assert_int_equal(iommu_of(root, "3:25bf732fa2295afe\n", &info), 0);
	assert_false(info.snp_feature);
	/* 6.7 and later: "EFR:EFR2" */
	assert_int_equal(iommu_of(root, "a5bf7320a2294aee:3\n", &info), 0);
	assert_true(info.snp_feature);
	assert_int_equal(iommu_of(root, "25bf732fa2295afe:0\n", &info), 0);
	assert_false(info.snp_feature);
	/* exactly bit 63 */
	assert_int_equal(iommu_of(root, "8000000000000000\n", &info), 0);
	assert_true(info.snp_feature);
	assert_int_equal(iommu_of(root, "7fffffffffffffff:0\n", &info), 0);
	assert_false(info.snp_feature);
}

static void test_iommu_malformed(void **state)
{
	static const char *const bad[] = {
		"", "\n", "xyz\n", "1:\n", ":1\n", "1:2:3\n", "1 2\n",
		"-1\n", "10000000000000000\n", "1:g\n",
	};
	const char *root = *state;
	struct amd_iommu_info info;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		if (iommu_of(root, bad[i], &info) != -EINVAL)
			fail_msg("accepted features \"%s\"", bad[i]);
}

static void test_iommu_dir_variants(void **state)
{
	const char *root = *state;
	struct amd_iommu_info info = { .count = 7, .snp_feature = true };

	/* /sys present, /sys/class/iommu absent */
	mkdirs(root, "sys/kernel");
	assert_int_equal(probe_amd_iommu(root, &info), 0);
	assert_int_equal(info.count, 0);
	assert_false(info.snp_feature);

	/* empty class directory, as a host without IOMMU has */
	mkdirs(root, "sys/class/iommu");
	info.count = 7;
	assert_int_equal(probe_amd_iommu(root, &info), 0);
	assert_int_equal(info.count, 0);

	/* entries that are not ivhd<N> do not count, nor does the SNP bit
	 * of a non-AMD entry; an ivhd without features counts */
	put(root, "sys/class/iommu/dmar0/amd-iommu/features", "8000000000000000\n");
	put(root, "sys/class/iommu/ivhd/amd-iommu/features", "8000000000000000\n");
	put(root, "sys/class/iommu/ivhdx1/amd-iommu/features", "8000000000000000\n");
	mkdirs(root, "sys/class/iommu/ivhd12");
	assert_int_equal(probe_amd_iommu(root, &info), 0);
	assert_int_equal(info.count, 1);
	assert_false(info.snp_feature);

	/* any one IOMMU with the bit is enough */
	put(root, "sys/class/iommu/ivhd3/amd-iommu/features", "0:8000000000000000\n");
	assert_int_equal(probe_amd_iommu(root, &info), 0);
	assert_int_equal(info.count, 2);
	assert_true(info.snp_feature);
}

/* A minimal AMD root for the SNP source tests. */
static void snp_root(const char *root, const char *flags)
{
	char cpuinfo[512];

	snprintf(cpuinfo, sizeof(cpuinfo),
		 "processor\t: 0\nvendor_id\t: AuthenticAMD\n"
		 "flags\t\t: %s\nbugs\t\t: sysret_ss_attrs\n\n"
		 "processor\t: 1\nvendor_id\t: AuthenticAMD\n"
		 "flags\t\t: %s\nbugs\t\t: sysret_ss_attrs\n\n", flags, flags);
	put(root, "proc/cpuinfo", cpuinfo);
	mkdirs(root, "sys/kernel");
}

static void test_snp_sources(void **state)
{
	const char *root = *state;
	struct snp_state snp;

	/* whole words only */
	snp_root(root, "fpu svm sev sev_es sev_snpx xsev_snp sev_snp_");
	assert_int_equal(probe_snp_state(root, &snp), 0);
	assert_snp_equal(&snp, &(struct snp_state){ 0 });

	/* IOMMU EFR bit alone makes it capable */
	put(root, "sys/class/iommu/ivhd0/amd-iommu/features", "a5bf7320a2294aee:0\n");
	assert_int_equal(probe_snp_state(root, &snp), 0);
	assert_snp_equal(&snp, &(struct snp_state){
		.capable = true, .capable_from = SNP_SOURCE_IOMMU });

	/* kvm_amd loaded but off */
	put(root, "sys/module/kvm_amd/parameters/sev_snp", "0\n");
	assert_int_equal(probe_snp_state(root, &snp), 0);
	assert_snp_equal(&snp, &(struct snp_state){
		.capable = true, .kvm_amd_loaded = true,
		.capable_from = SNP_SOURCE_IOMMU,
		.enabled_from = SNP_SOURCE_KVM_AMD });

	/* kvm_amd alone (older kernels print 1/0) */
	put(root, "sys/class/iommu/ivhd0/amd-iommu/features", "25bf732fa2295afe:0\n");
	put(root, "sys/module/kvm_amd/parameters/sev_snp", "1\n");
	assert_int_equal(probe_snp_state(root, &snp), 0);
	assert_snp_equal(&snp, &(struct snp_state){
		.capable = true, .enabled = true, .kvm_amd_loaded = true,
		.capable_from = SNP_SOURCE_KVM_AMD,
		.enabled_from = SNP_SOURCE_KVM_AMD });

	/* the flag wins over the other sources */
	snp_root(root, "fpu svm sev sev_es sev_snp");
	put(root, "sys/module/kvm_amd/parameters/sev_snp", "N\n");
	assert_int_equal(probe_snp_state(root, &snp), 0);
	assert_snp_equal(&snp, &(struct snp_state){
		.capable = true, .kvm_amd_loaded = true,
		.capable_from = SNP_SOURCE_CPUINFO,
		.enabled_from = SNP_SOURCE_KVM_AMD });

	/* kvm_amd still running its init ("coming"): sev_snp holds its
	 * default, not the decision, which comes with the module's add event */
	put(root, "sys/module/kvm_amd/parameters/sev_snp", "Y\n");
	put(root, "sys/module/kvm_amd/initstate", "coming\n");
	assert_int_equal(probe_snp_state(root, &snp), 0);
	assert_snp_equal(&snp, &(struct snp_state){
		.capable = true, .capable_from = SNP_SOURCE_CPUINFO });
	put(root, "sys/module/kvm_amd/initstate", "live\n");
	assert_int_equal(probe_snp_state(root, &snp), 0);
	assert_snp_equal(&snp, &(struct snp_state){
		.capable = true, .enabled = true, .kvm_amd_loaded = true,
		.capable_from = SNP_SOURCE_CPUINFO,
		.enabled_from = SNP_SOURCE_KVM_AMD });
	/* built in: no initstate, initialised before userspace */
	rm(root, "sys/module/kvm_amd/initstate");
	put(root, "sys/module/kvm_amd/parameters/sev_snp", "N\n");

	/* kvm_amd loaded without the parameter (before 6.11) */
	rm(root, "sys/module/kvm_amd/parameters/sev_snp");
	assert_int_equal(probe_snp_state(root, &snp), 0);
	assert_snp_equal(&snp, &(struct snp_state){
		.capable = true, .kvm_amd_loaded = true,
		.capable_from = SNP_SOURCE_CPUINFO,
		.enabled_from = SNP_SOURCE_NONE });
}

static void test_snp_errors(void **state)
{
	static const char *const bad[] = { "", "\n", "y\n", "2\n", "YES\n" };
	const char *root = *state;
	struct snp_state snp;
	size_t i;

	/* no /proc/cpuinfo */
	mkdirs(root, "sys/kernel");
	assert_int_equal(probe_snp_state(root, &snp), -ENOENT);

	snp_root(root, "fpu svm sev");
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		put(root, "sys/module/kvm_amd/parameters/sev_snp", bad[i]);
		if (probe_snp_state(root, &snp) != -EINVAL)
			fail_msg("accepted sev_snp \"%s\"", bad[i]);
	}

	/* a broken IOMMU features file fails the whole probe */
	put(root, "sys/module/kvm_amd/parameters/sev_snp", "Y\n");
	put(root, "sys/class/iommu/ivhd0/amd-iommu/features", "junk\n");
	assert_int_equal(probe_snp_state(root, &snp), -EINVAL);
}

static void test_snp_source_names(void **state)
{
	static const struct {
		enum snp_source source;
		const char *name;
	} names[] = {
		{ SNP_SOURCE_NONE, "none" },
		{ SNP_SOURCE_CPUINFO, "cpuinfo" },
		{ SNP_SOURCE_IOMMU, "iommu" },
		{ SNP_SOURCE_KVM_AMD, "kvm_amd" },
	};
	size_t i, j;

	(void)state;
	/* the table covers the enum: SNP_SOURCE_KVM_AMD is the last value */
	assert_int_equal(ARRAY_SIZE(names), SNP_SOURCE_KVM_AMD + 1);
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		assert_int_equal(names[i].source, i);
		assert_string_equal(snp_source_name(names[i].source),
				    names[i].name);
		for (j = 0; j < i; j++)
			assert_string_not_equal(snp_source_name(names[i].source),
						snp_source_name(names[j].source));
	}
	assert_string_equal(snp_source_name((enum snp_source)42), "unknown");
}

/* the kernel's span in memory: "Kernel code" start to "Kernel bss" end */
static void test_kernel_footprint(void **state)
{
	const char *root = *state;
	uint64_t bytes = 0;

	put(root, "proc/iomem",
	    "00001000-0009fbff : System RAM\n"
	    "00100000-7ffdffff : System RAM\n"
	    "  01000000-0220bb07 : Kernel code\n"
	    "  02400000-02e09fff : Kernel rodata\n"
	    "  03000000-0327c13f : Kernel data\n"
	    "  03b34000-03c57fff : Kernel bss\n");
	assert_int_equal(probe_kernel_footprint(root, &bytes), 0);
	assert_int_equal(bytes, 0x03c58000 - 0x01000000);
	/* a non-root reader sees zeros */
	put(root, "proc/iomem",
	    "00000000-00000000 : System RAM\n"
	    "  00000000-00000000 : Kernel code\n"
	    "  00000000-00000000 : Kernel bss\n");
	assert_int_equal(probe_kernel_footprint(root, &bytes), -EACCES);
	put(root, "proc/iomem", "00100000-7ffdffff : System RAM\n");
	assert_int_equal(probe_kernel_footprint(root, &bytes), -ENOENT);
	put(root, "proc/iomem", "  03b34000-03c57fff : Kernel bss\n  04000000-04ffffff : Kernel code\n");
	assert_int_equal(probe_kernel_footprint(root, &bytes), -EINVAL);
	put(root, "proc/iomem", "garbage\n");
	assert_int_equal(probe_kernel_footprint(root, &bytes), -EINVAL);
}

#define HOST_TEST(fn, host) \
	{ #fn "(" #host ")", fn, NULL, NULL, (void *)&(host) }
#define ALL_HOSTS(fn) \
	HOST_TEST(fn, intel_plain), HOST_TEST(fn, amd_iommu), \
	HOST_TEST(fn, crash_loaded), HOST_TEST(fn, snp_host), \
	HOST_TEST(fn, snp_no_kvm), HOST_TEST(fn, no_crashkernel), \
	HOST_TEST(fn, crash_lowhigh), HOST_TEST(fn, nonroot_iomem)
#define SCRATCH_TEST(fn) \
	cmocka_unit_test_setup_teardown(fn, scratch_setup, scratch_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		ALL_HOSTS(test_kernel_release),
		ALL_HOSTS(test_crash_reservation),
		ALL_HOSTS(test_kexec_state),
		ALL_HOSTS(test_amd_iommu),
		ALL_HOSTS(test_snp_state),
		cmocka_unit_test(test_missing_root),
		SCRATCH_TEST(test_kernel_release_trim),
		SCRATCH_TEST(test_iomem_malformed),
		SCRATCH_TEST(test_iomem_edge_cases),
		SCRATCH_TEST(test_kernel_footprint),
		SCRATCH_TEST(test_kexec_files_malformed),
		SCRATCH_TEST(test_iommu_features_formats),
		SCRATCH_TEST(test_iommu_malformed),
		SCRATCH_TEST(test_iommu_dir_variants),
		SCRATCH_TEST(test_snp_sources),
		SCRATCH_TEST(test_snp_errors),
		cmocka_unit_test(test_snp_source_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
