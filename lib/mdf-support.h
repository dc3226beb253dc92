/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KDUMP_MDF_SUPPORT_H
#define KDUMP_MDF_SUPPORT_H
#include <stdbool.h>

/*
 * Which kernels a makedumpfile release knows. Each release names the
 * newest kernel it supports (LATEST_VERSION in its makedumpfile.h); for a
 * newer kernel it prints "The kernel version is not supported." and can
 * misread the kernel's page flags, so that -d keeps pages it should drop
 * (1.7.6 on Linux 6.12, whose typed-page change 1.7.7 follows).
 */
struct mdf_version {
	unsigned int major, minor, patch;
};

/* "6.12.117+deb13-amd64" -> 6.12.117; 0 or -EINVAL */
int mdf_parse_release(const char *release, struct mdf_version *v);
/* the version in `makedumpfile -v` output ("makedumpfile: version 1.7.6
 * (released on ...)"); 0 or -EINVAL */
int mdf_parse_version_output(const char *text, struct mdf_version *v);
int mdf_version_cmp(const struct mdf_version *a, const struct mdf_version *b);

/*
 * The newest kernel makedumpfile mdf supports: 0, or -ENOENT for a
 * release newer than the table knows (then nothing can be said), or
 * -ERANGE for one older than the table (then *latest is the oldest
 * entry's, a bound it does not reach either).
 */
int mdf_latest_kernel(const struct mdf_version *mdf, struct mdf_version *latest);

/* The first release in the table that supports kernel; false if none. */
bool mdf_first_supporting(const struct mdf_version *kernel, struct mdf_version *mdf);
#endif
