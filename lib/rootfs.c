// SPDX-License-Identifier: GPL-2.0-or-later
#include <blkid.h>
#include <errno.h>
#include <libmount.h>

#include "rootfs.h"
#include "sysroot.h"
#include "util.h"

int rootfs_find(const char *root, char **spec, char **fstype, char **devnode)
{
	_cleanup_free_ char *path = NULL;
	struct libmnt_table *tb;
	struct libmnt_fs *fs;
	const char *src, *type;
	char *uuid;
	int r = 0;

	if (sysroot_path(root, "/proc/self/mountinfo", &path) < 0)
		return -ENOMEM;
	tb = mnt_new_table_from_file(path);
	if (!tb)
		return -errno ? -errno : -EINVAL;
	fs = mnt_table_find_target(tb, "/", MNT_ITER_BACKWARD);
	src = fs ? mnt_fs_get_srcpath(fs) : NULL;
	type = fs ? mnt_fs_get_fstype(fs) : NULL;
	if (!src || !type || src[0] != '/') {
		r = -ENODEV; /* no mount of "/", or one without a block device */
		goto out;
	}
	uuid = blkid_get_tag_value(NULL, "UUID", src);
	if (uuid)
		r = asprintf(spec, "UUID=%s", uuid) < 0 ? -ENOMEM : 0;
	else
		*spec = strdup(src);
	free(uuid);
	*fstype = strdup(type);
	*devnode = strdup(src);
	if (r == 0 && (!*spec || !*fstype || !*devnode))
		r = -ENOMEM;
out:
	mnt_unref_table(tb);
	return r;
}
