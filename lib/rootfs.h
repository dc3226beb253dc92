/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KDUMP_ROOTFS_H
#define KDUMP_ROOTFS_H

/*
 * The root file system as the capture image must find it again: the
 * source and type of "/" in <root>/proc/self/mountinfo (libmount), and the
 * source's UUID (libblkid) so that a renamed device does not matter.
 * *spec is "UUID=..." when the UUID can be read, else the device path.
 */
int rootfs_find(const char *root, char **spec, char **fstype, char **devnode);

#endif
