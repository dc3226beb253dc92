/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KDUMP_RAW_PROBE_H
#define KDUMP_RAW_PROBE_H

/*
 * What libblkid finds on path (a block device, or a file holding an image)
 * that a raw dump would overwrite: a file system, another signature (swap,
 * RAID or LVM member, crypto container) or a partition table. Returns 0
 * with *what NULL when it finds none, or with *what a newly allocated
 * description ("a file system (ext4)", "a partition table (dos)",
 * "a signature (swap)", "a raid signature (linux_raid_member)"); or a
 * negative errno when path cannot be read (-EACCES for a non-root user).
 */
int raw_probe_signature(const char *path, char **what);

#endif
