// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>

#include "probe.h"
#include "sysroot.h"
#include "util.h"

int probe_kernel_release(const char *root, char **release)
{
	_cleanup_free_ char *buf = NULL;
	int r;

	r = sysroot_read_line(root, "/proc/sys/kernel/osrelease", &buf);
	if (r < 0)
		return r;
	strip_trailing(buf);
	if (!*buf)
		return -EINVAL;
	*release = buf;
	buf = NULL;
	return 0;
}

int probe_cmdline(const char *root, char **cmdline)
{
	return sysroot_read_line(root, "/proc/cmdline", cmdline);
}
