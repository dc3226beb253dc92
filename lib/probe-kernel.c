// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>

#include "probe.h"
#include "sysroot.h"
#include "util.h"

int probe_kernel_release(const char *root, char **release)
{
	_cleanup_free_ char *path = NULL, *buf = NULL;
	int r;

	r = sysroot_path(root, "/proc/sys/kernel/osrelease", &path);
	if (r < 0)
		return r;
	r = read_first_line(path, &buf);
	if (r < 0)
		return r;
	strip_trailing(buf);
	if (!*buf)
		return -EINVAL;
	*release = buf;
	buf = NULL;
	return 0;
}
