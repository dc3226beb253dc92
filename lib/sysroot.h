/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KDUMP_SYSROOT_H
#define KDUMP_SYSROOT_H

#include <sys/types.h>

/* Every host probe reads below a root directory so that tests can point
 * it at a fixture tree. The root is "/" unless KDUMP_SNP_SYSROOT names
 * another directory. */
#define SYSROOT_ENV "KDUMP_SNP_SYSROOT"

const char *sysroot_get(void);

/* Join root and an absolute path ("/proc/iomem") into a new string.
 * Returns 0 or -ENOMEM. */
int sysroot_path(const char *root, const char *abs_path, char **out);

/* read_file() and read_first_line() of abs_path below root (util.h). */
ssize_t sysroot_read_file(const char *root, const char *abs_path, char **out);
int sysroot_read_line(const char *root, const char *abs_path, char **out);

#endif
