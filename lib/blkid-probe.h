/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KDUMP_BLKID_PROBE_H
#define KDUMP_BLKID_PROBE_H

#include <blkid.h>

/* A libblkid probe on the open device fd, for superblocks (with
 * superblock_flags, BLKID_SUBLKS_*) and partitions (with partition_flags,
 * BLKID_PARTS_*), ready for blkid_do_safeprobe. Returns 0 and *out (free
 * it with blkid_free_probe), -ENOMEM, or -EIO when libblkid cannot read
 * fd. The library's own part of blockdev.c and raw-probe.c. */
int blockdev_blkid_open(int fd, int superblock_flags, int partition_flags,
			blkid_probe *out);

#endif
