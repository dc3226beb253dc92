// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sysroot.h"
#include "util.h"

const char *sysroot_get(void)
{
	const char *root = getenv(SYSROOT_ENV);

	return root && *root ? root : "/";
}

int sysroot_path(const char *root, const char *abs_path, char **out)
{
	size_t rlen = strlen(root);

	while (rlen > 0 && root[rlen - 1] == '/')
		rlen--;
	while (*abs_path == '/')
		abs_path++;
	if (asprintf(out, "%.*s/%s", (int)rlen, root, abs_path) < 0)
		return -ENOMEM;
	return 0;
}

ssize_t sysroot_read_file(const char *root, const char *abs_path, char **out)
{
	_cleanup_free_ char *path = NULL;

	if (sysroot_path(root, abs_path, &path) < 0)
		return -ENOMEM;
	return read_file(path, out);
}

int sysroot_read_line(const char *root, const char *abs_path, char **out)
{
	_cleanup_free_ char *path = NULL;

	if (sysroot_path(root, abs_path, &path) < 0)
		return -ENOMEM;
	return read_first_line(path, out);
}
