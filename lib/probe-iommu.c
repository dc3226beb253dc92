// SPDX-License-Identifier: GPL-2.0-or-later
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <sys/stat.h>

#include "probe.h"
#include "sysroot.h"
#include "util.h"

#define AMD_IOMMU_EFR_SNP (UINT64_C(1) << 63)

static inline void closedirp(DIR **d)
{
	if (*d)
		closedir(*d);
}

#define _cleanup_closedir_ _cleanup_(closedirp)

/* The kernel names AMD IOMMUs "ivhd%d" (the IVRS table's IVHD index). */
static bool is_ivhd_name(const char *name)
{
	if (strncmp(name, "ivhd", 4) != 0 || !name[4])
		return false;
	for (name += 4; *name; name++)
		if (!isdigit((unsigned char)*name))
			return false;
	return true;
}

static int parse_hex_u64(const char *s, const char **end, uint64_t *val)
{
	unsigned long long v;
	char *e;

	if (!isxdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &e, 16);
	if (errno == ERANGE)
		return -EINVAL;
	*end = e;
	*val = v;
	return 0;
}

/*
 * amd-iommu/features, as amd_iommu_show_features() prints it:
 *   before 6.0    "%llx\n"          EFR
 *   6.0 to 6.6    "%llx:%llx\n"     EFR2:EFR  (per IOMMU)
 *   6.7 and later "%llx:%llx\n"     EFR:EFR2  (common to all IOMMUs,
 *                                    since "iommu/amd: Consolidate feature
 *                                    detection and reporting logic")
 * The SNP bit is EFR bit 63; bit 63 of EFR2 is reserved and reads as
 * zero, so testing bit 63 of both fields is right whatever the order,
 * without guessing the kernel version.
 */
static int amd_iommu_features_snp(const char *path, bool *snp)
{
	_cleanup_free_ char *buf = NULL;
	uint64_t a, b = 0;
	const char *p;
	int r;

	r = read_first_line(path, &buf);
	if (r < 0)
		return r;
	strip_trailing(buf);
	r = parse_hex_u64(buf, &p, &a);
	if (r < 0)
		return r;
	if (*p == ':') {
		r = parse_hex_u64(p + 1, &p, &b);
		if (r < 0)
			return r;
	}
	if (*p)
		return -EINVAL;
	*snp = (a | b) & AMD_IOMMU_EFR_SNP;
	return 0;
}

/*
 * A root without /sys/class/iommu has no IOMMU driver registered, which is
 * a host without IOMMU (count 0). A root without /sys at all is not a
 * host: -ENOENT. An ivhd entry without a features file counts as an IOMMU
 * without SNP.
 */
int probe_amd_iommu(const char *root, struct amd_iommu_info *info)
{
	_cleanup_free_ char *dir_path = NULL;
	_cleanup_closedir_ DIR *dir = NULL;
	struct amd_iommu_info found = { 0 };
	struct dirent *de;
	int r;

	r = sysroot_path(root, "/sys/class/iommu", &dir_path);
	if (r < 0)
		return r;
	dir = opendir(dir_path);
	if (!dir) {
		_cleanup_free_ char *sys_path = NULL;
		struct stat st;

		if (errno != ENOENT)
			return -errno;
		r = sysroot_path(root, "/sys", &sys_path);
		if (r < 0)
			return r;
		if (stat(sys_path, &st) < 0)
			return -errno;
		*info = found;
		return 0;
	}

	for (;;) {
		_cleanup_free_ char *path = NULL;
		bool snp = false;

		errno = 0;
		de = readdir(dir);
		if (!de) {
			if (errno)
				return -errno;
			break;
		}
		if (!is_ivhd_name(de->d_name))
			continue;
		found.count++;
		if (asprintf(&path, "%s/%s/amd-iommu/features", dir_path,
			     de->d_name) < 0) {
			path = NULL;
			return -ENOMEM;
		}
		r = amd_iommu_features_snp(path, &snp);
		if (r == -ENOENT)
			continue;
		if (r < 0)
			return r;
		if (snp)
			found.snp_feature = true;
	}
	*info = found;
	return 0;
}
