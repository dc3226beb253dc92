/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KDUMP_BLOCKDEV_H
#define KDUMP_BLOCKDEV_H

#include <stdbool.h>

/*
 * What libblkid reads on a block device (or a file holding a file system
 * image): the file system's TYPE and UUID, and the partition's PARTUUID.
 * Fields are NULL when the device does not have them; type is NULL on a
 * device with no file system.
 */
struct blockdev_info {
	char *type;
	char *uuid;
	char *partuuid;
};

/* Probe path. Returns 0, or a negative errno when it cannot be opened or
 * read (-EACCES for a non-root user: then the tags are taken from the
 * blkid cache and udev's links instead, if they are there). */
int blockdev_probe(const char *path, struct blockdev_info *info);
void blockdev_info_clear(struct blockdev_info *info);

/* A kernel name directly under /dev (/dev/sdb1, /dev/vdb, /dev/nvme0n1p2,
 * /dev/dm-3): the kernel may give it to another device on the next boot. */
bool blockdev_name_unstable(const char *path);

#endif
