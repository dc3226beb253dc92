// SPDX-License-Identifier: GPL-2.0-or-later
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>

#include "probe.h"
#include "snp-fix.h"
#include "sysroot.h"
#include "util.h"

const char *snp_fix_name(enum snp_fix fix)
{
	switch (fix) {
	case SNP_FIX_SERIES:
		return "series";
	case SNP_FIX_UPSTREAM:
		return "upstream";
	case SNP_FIX_ABSENT:
		return "absent";
	case SNP_FIX_UNKNOWN:
		break;
	}
	return "unknown";
}

/* The next number of a release ("6.12.57+deb13-amd64"); -1 if none. */
static long version_part(const char **p)
{
	long v = 0;

	if (!isdigit((unsigned char)**p))
		return -1;
	while (isdigit((unsigned char)**p)) {
		if (v > 100000)
			return -1;
		v = v * 10 + (**p - '0');
		(*p)++;
	}
	if (**p == '.')
		(*p)++;
	return v;
}

bool snp_fix_release_has_upstream(const char *release)
{
	const char *p = release;
	long major = version_part(&p), minor = version_part(&p), sub;

	if (major < 0 || minor < 0)
		return false;
	sub = version_part(&p);
	if (major != 6)
		return major > 6;
	return minor > 17 || (minor == 17 && sub >= 8);
}

enum syms { SYMS_NONE, SYMS_WITHOUT_MARKER, SYMS_WITH_MARKER };

/*
 * A System.map or kallsyms file: "<address> <type> <name>[\t[module]]"
 * lines. It has symbols when it names _text (a placeholder names none).
 * Only the kernel's own symbols count: the series is built in.
 */
static enum syms scan_symbols(const char *path)
{
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	_cleanup_free_ char *line = NULL;
	bool text = false;
	size_t cap = 0;

	if (!f)
		return SYMS_NONE;
	while (getline(&line, &cap, f) > 0) {
		char *name = strchr(line, ' ');

		if (!name || !(name = strchr(name + 1, ' ')))
			continue;
		name++;
		/* kallsyms: "name\t[module]"; the series is built in */
		if (strstr(name, "\t["))
			continue;
		name[strcspn(name, " \t\n")] = '\0';
		if (streq(name, SNP_FIX_SYMBOL))
			return SYMS_WITH_MARKER;
		if (streq(name, "_text"))
			text = true;
	}
	return text ? SYMS_WITHOUT_MARKER : SYMS_NONE;
}

/* the System.map-<release> in dir below root */
static enum syms map_symbols(const char *root, const char *dir, const char *release, char *where,
			     size_t len)
{
	_cleanup_free_ char *map = NULL, *abs = NULL;
	enum syms s;

	if (asprintf(&abs, "%s/System.map-%s", dir, release) < 0)
		return SYMS_NONE;
	if (sysroot_path(root, abs, &map) < 0)
		return SYMS_NONE;
	s = scan_symbols(map);
	if (s != SYMS_NONE)
		snprintf(where, len, "%s", abs);
	return s;
}

/* symbols of release: the System.map next to its image (image_dir, may be
 * NULL), in /boot, or kallsyms when it is running */
static enum syms release_symbols(const char *root, const char *release, const char *image_dir,
				 char *where, size_t len)
{
	_cleanup_free_ char *running = NULL, *kallsyms = NULL;
	enum syms s = SYMS_NONE;

	if (image_dir && !streq(image_dir, "/boot"))
		s = map_symbols(root, image_dir, release, where, len);
	if (s == SYMS_NONE)
		s = map_symbols(root, "/boot", release, where, len);
	if (s != SYMS_NONE)
		return s;
	if (probe_kernel_release(root, &running) < 0 || !streq(running, release) ||
	    sysroot_path(root, "/proc/kallsyms", &kallsyms) < 0)
		return SYMS_NONE;
	snprintf(where, len, "/proc/kallsyms");
	return scan_symbols(kallsyms);
}

void probe_snp_fix(const char *root, const char *release, struct snp_fix_info *info)
{
	probe_snp_fix_image(root, release, NULL, info);
}

void probe_snp_fix_image(const char *root, const char *release, const char *image,
			 struct snp_fix_info *info)
{
	_cleanup_free_ char *dir = image ? strdup(image) : NULL;
	char where[128] = "";

	if (dir && strrchr(dir, '/'))
		*strrchr(dir, '/') = '\0';

	*info = (struct snp_fix_info){ .fix = SNP_FIX_UNKNOWN };
	if (snp_fix_release_has_upstream(release)) {
		info->fix = SNP_FIX_UPSTREAM;
		snprintf(info->evidence, sizeof(info->evidence),
			 "Linux %s has upstream's IOMMU reuse (6.17.8, 6.18)", release);
		return;
	}
	switch (release_symbols(root, release, dir && *dir ? dir : NULL, where, sizeof(where))) {
	case SYMS_WITH_MARKER:
		info->fix = SNP_FIX_SERIES;
		snprintf(info->evidence, sizeof(info->evidence),
			 "%s lists %s (the kdump-snp kernel series)", where, SNP_FIX_SYMBOL);
		break;
	case SYMS_WITHOUT_MARKER:
		info->fix = SNP_FIX_ABSENT;
		snprintf(info->evidence, sizeof(info->evidence),
			 "%s lists no %s (the kdump-snp kernel series), and Linux %s is older "
			 "than upstream's fix (6.17.8, 6.18)", where, SNP_FIX_SYMBOL, release);
		break;
	case SYMS_NONE:
		snprintf(info->evidence, sizeof(info->evidence),
			 "no /boot/System.map-%s with symbols (distribution packages ship a "
			 "placeholder) tells whether Linux %s has the kdump-snp kernel series",
			 release, release);
		break;
	}
}
