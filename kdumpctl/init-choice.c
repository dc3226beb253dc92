// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Which init the capture image gets. The minimal one (kdumpctl capture as
 * /init, a third of the size, no udev) can mount a plain disk or partition
 * by itself; a device stacked on others (device-mapper: LVM, LUKS,
 * multipath; md RAID) needs udev and its rules to appear, so it gets the
 * systemd image.
 */
#include <dirent.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "kdumpctl.h"
#include "log.h"
#include "sysroot.h"
#include "util.h"

/* /sys/class/block/NAME/slaves has an entry */
static bool has_slaves(const char *root, const char *name)
{
	_cleanup_free_ char *rel = NULL, *path = NULL;
	struct dirent *e;
	bool found = false;
	DIR *d;

	if (asprintf(&rel, "/sys/class/block/%s/slaves", name) < 0 ||
	    sysroot_path(root, rel, &path) < 0)
		return false;
	d = opendir(path);
	if (!d)
		return false;
	while (!found && (e = readdir(d)))
		found = e->d_name[0] != '.';
	closedir(d);
	return found;
}

static bool device_is_stacked(const char *root, const char *dev)
{
	char real[PATH_MAX];
	const char *name;

	if (strstr(dev, "/mapper/") || strncmp(dev, "/dev/md", 7) == 0)
		return true;
	if (realpath(dev, real))
		dev = real;
	name = strrchr(dev, '/') ? strrchr(dev, '/') + 1 : dev;
	return strncmp(name, "dm-", 3) == 0 || strncmp(name, "md", 2) == 0 ||
	       has_slaves(root, name);
}

enum capture_init rebuild_choose_init(const struct kdump_ctx *ctx, const char *const *devices,
				      bool quiet)
{
	enum capture_init want = ctx->defaults->capture_init;

	if (want != CAPTURE_INIT_AUTO)
		return want;
	for (const char *const *d = devices; *d; d++)
		if (device_is_stacked(ctx->root, *d)) {
			if (!quiet)
				log_info("the capture image gets systemd and udev: %s is a stacked device "
					 "(device-mapper or md)", *d);
			return CAPTURE_INIT_SYSTEMD;
		}
	return CAPTURE_INIT_MINIMAL;
}
