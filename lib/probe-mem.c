// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <inttypes.h>

#include "probe.h"
#include "sysroot.h"
#include "util.h"

int probe_mem_total(const char *root, uint64_t *bytes)
{
	_cleanup_free_ char *buf = NULL;
	const char *p;
	uint64_t kib;
	ssize_t n;

	n = sysroot_read_file(root, "/proc/meminfo", &buf);
	if (n < 0)
		return (int)n;
	p = strstr(buf, "MemTotal:");
	if (!p || (p != buf && p[-1] != '\n'))
		return -EINVAL;
	if (sscanf(p, "MemTotal: %" SCNu64 " kB", &kib) != 1)
		return -EINVAL;
	*bytes = kib * 1024;
	return 0;
}
