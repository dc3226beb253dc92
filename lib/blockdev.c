// SPDX-License-Identifier: GPL-2.0-or-later
#include <blkid.h>
#include <errno.h>
#include <fcntl.h>

#include "blkid-probe.h"
#include "blockdev.h"
#include "util.h"

static int dup_value(blkid_probe pr, const char *name, char **out)
{
	const char *v = NULL;

	if (blkid_probe_lookup_value(pr, name, &v, NULL) < 0 || !v || !*v)
		return 0;
	*out = strdup(v);
	return *out ? 0 : -ENOMEM;
}

/* without read access to the device: what the blkid cache or udev knows */
static int from_cache(const char *path, struct blockdev_info *info)
{
	info->type = blkid_get_tag_value(NULL, "TYPE", path);
	info->uuid = blkid_get_tag_value(NULL, "UUID", path);
	info->partuuid = blkid_get_tag_value(NULL, "PARTUUID", path);
	return info->type || info->uuid || info->partuuid ? 0 : -EACCES;
}

int blockdev_probe(const char *path, struct blockdev_info *info)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	blkid_probe pr;
	int r;

	*info = (struct blockdev_info){ 0 };
	if (fd < 0)
		return errno == EACCES || errno == EPERM ? from_cache(path, info) : -errno;
	r = blockdev_blkid_open(fd, BLKID_SUBLKS_TYPE | BLKID_SUBLKS_UUID, BLKID_PARTS_ENTRY_DETAILS,
				&pr);
	if (r < 0)
		return r;
	r = blkid_do_safeprobe(pr);
	if (r == -2) {
		r = -EUCLEAN; /* signatures of more than one file system */
	} else if (r < 0) {
		r = -EIO;
	} else {
		r = dup_value(pr, "TYPE", &info->type) ?: dup_value(pr, "UUID", &info->uuid) ?:
		    dup_value(pr, "PART_ENTRY_UUID", &info->partuuid);
	}
	blkid_free_probe(pr);
	if (r < 0)
		blockdev_info_clear(info);
	return r;
}

int blockdev_blkid_open(int fd, int superblock_flags, int partition_flags, blkid_probe *out)
{
	blkid_probe pr = blkid_new_probe();

	if (!pr)
		return -ENOMEM;
	if (blkid_probe_set_device(pr, fd, 0, 0) < 0) {
		blkid_free_probe(pr);
		return -EIO;
	}
	blkid_probe_enable_superblocks(pr, 1);
	blkid_probe_set_superblocks_flags(pr, superblock_flags);
	blkid_probe_enable_partitions(pr, 1);
	blkid_probe_set_partitions_flags(pr, partition_flags);
	*out = pr;
	return 0;
}

void blockdev_info_clear(struct blockdev_info *info)
{
	free(info->type);
	free(info->uuid);
	free(info->partuuid);
	*info = (struct blockdev_info){ 0 };
}

bool blockdev_name_unstable(const char *path)
{
	return strncmp(path, "/dev/", 5) == 0 && path[5] && !strchr(path + 5, '/');
}
