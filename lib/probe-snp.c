// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <sys/stat.h>

#include "probe.h"
#include "sysroot.h"
#include "util.h"

int probe_cpu_flag(const char *root, const char *flag, bool *has)
{
	_cleanup_free_ char *buf = NULL;
	char *line, *next;
	ssize_t n;

	n = sysroot_read_file(root, "/proc/cpuinfo", &buf);
	if (n < 0)
		return (int)n;

	*has = false;
	for (line = buf; *line; line = next) {
		char *p, *tok, *save = NULL;

		next = line + strcspn(line, "\n");
		if (*next)
			*next++ = '\0';
		if (strncmp(line, "flags", 5) != 0)
			continue;
		p = line + 5;
		p += strspn(p, " \t");
		if (*p != ':')
			continue;
		for (tok = strtok_r(p + 1, " \t", &save); tok;
		     tok = strtok_r(NULL, " \t", &save)) {
			if (streq(tok, flag)) {
				*has = true;
				return 0;
			}
		}
	}
	return 0;
}

/*
 * Whether kvm_amd has finished its init: /sys/module/kvm_amd/initstate is
 * "coming" while it runs and "live" after it; a built-in kvm_amd has no
 * initstate and was initialised before userspace started. sev_snp holds
 * its default until the init decides, so only a live module answers.
 */
static int kvm_amd_live(const char *root, bool *live)
{
	_cleanup_free_ char *buf = NULL;
	int r = sysroot_read_line(root, "/sys/module/kvm_amd/initstate", &buf);

	if (r == -ENOENT) {
		*live = true;
		return 0;
	}
	if (r < 0)
		return r;
	strip_trailing(buf);
	*live = streq(buf, "live");
	return 0;
}

/*
 * kvm_amd's sev_snp parameter: 1 on, 0 off, -ENOENT when the module is
 * loaded but has no such parameter (kernels before 6.11), -EINVAL for
 * anything else. *loaded tells whether /sys/module/kvm_amd exists and the
 * module has finished its init (-ENOENT when not).
 */
static int kvm_amd_sev_snp(const char *root, bool *loaded)
{
	_cleanup_free_ char *mod_path = NULL, *buf = NULL;
	struct stat st;
	int r;

	r = sysroot_path(root, "/sys/module/kvm_amd", &mod_path);
	if (r < 0)
		return r;
	if (stat(mod_path, &st) < 0) {
		if (errno != ENOENT)
			return -errno;
		*loaded = false;
		return -ENOENT;
	}
	r = kvm_amd_live(root, loaded);
	if (r < 0)
		return r;
	if (!*loaded)
		return -ENOENT;

	r = sysroot_read_line(root, "/sys/module/kvm_amd/parameters/sev_snp", &buf);
	if (r < 0)
		return r;
	strip_trailing(buf);
	if (streq(buf, "Y") || streq(buf, "1"))
		return 1;
	if (streq(buf, "N") || streq(buf, "0"))
		return 0;
	return -EINVAL;
}

int probe_snp_state(const char *root, struct snp_state *snp)
{
	struct snp_state s = {
		.capable_from = SNP_SOURCE_NONE,
		.enabled_from = SNP_SOURCE_NONE,
	};
	struct amd_iommu_info iommu;
	bool cpu_flag, loaded;
	int kvm, r;

	r = probe_cpu_flag(root, "sev_snp", &cpu_flag);
	if (r < 0)
		return r;
	r = probe_amd_iommu(root, &iommu);
	if (r < 0)
		return r;
	kvm = kvm_amd_sev_snp(root, &loaded);
	if (kvm < 0 && kvm != -ENOENT)
		return kvm;

	/* enabled: the kvm_amd parameter when present, otherwise off */
	s.kvm_amd_loaded = loaded;
	if (kvm >= 0) {
		s.enabled = kvm == 1;
		s.enabled_from = SNP_SOURCE_KVM_AMD;
	}

	/* capable: first of cpuinfo flag, IOMMU EFR bit, kvm_amd Y */
	if (cpu_flag) {
		s.capable = true;
		s.capable_from = SNP_SOURCE_CPUINFO;
	} else if (iommu.snp_feature) {
		s.capable = true;
		s.capable_from = SNP_SOURCE_IOMMU;
	} else if (kvm == 1) {
		s.capable = true;
		s.capable_from = SNP_SOURCE_KVM_AMD;
	}

	*snp = s;
	return 0;
}

const char *snp_source_name(enum snp_source source)
{
	switch (source) {
	case SNP_SOURCE_NONE:
		return "none";
	case SNP_SOURCE_CPUINFO:
		return "cpuinfo";
	case SNP_SOURCE_IOMMU:
		return "iommu";
	case SNP_SOURCE_KVM_AMD:
		return "kvm_amd";
	}
	return "unknown";
}
