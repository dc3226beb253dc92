/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KDUMP_ROOTFS_H
#define KDUMP_ROOTFS_H

/*
 * The file system that holds a path on the running host, as the capture
 * image must find it again. rootfs_locate() resolves the path below a root
 * directory (symbolic links included, absolute ones relative to that
 * root), finds the mount that holds it in <root>/proc/self/mountinfo
 * (libmount; the longest mount point that is a prefix, the last such
 * mount when several are stacked), and reads the device's UUID with
 * libblkid (the device node is probed below the same root).
 *
 * The capture mounts spec (UUID=, else PARTUUID=, else the device) with
 * fstype and options (btrfs: subvol=) and saves in dir, a directory
 * inside that mount.
 */
struct fs_location {
	char *device;     /* the mount's source: /dev/vdb1 */
	char *uuid;       /* the file system's UUID, NULL when unknown */
	char *spec;       /* what the capture waits for and mounts */
	char *fstype;
	char *subvol;     /* btrfs: the subvolume mounted (subvol=), else NULL */
	char *options;    /* mount options the capture needs, else NULL */
	char *mountpoint; /* where the host mounts it */
	char *dir;        /* the dump's directory inside the capture's mount */
};

/* Resolve path below root into *out, an absolute path without symbolic
 * links, "." or ".." components; components that do not exist are kept as
 * written. Returns 0, -ELOOP, -ENAMETOOLONG, -ENOMEM or another errno. */
int rootfs_resolve_path(const char *root, const char *path, char **out);

/* Locate the file system that holds path. Returns 0, or -ENOENT (no
 * mountinfo), -ENODEV (no mount holds it), -ENOTBLK (the file system has
 * no block device: tmpfs, nfs; loc->fstype, loc->device and
 * loc->mountpoint are still set), -ELOOP, -ENOMEM. */
int rootfs_locate(const char *root, const char *path, struct fs_location *loc);

/* "key=value" lines for the capture image and the staleness record; empty
 * fields are left out. */
int fs_location_format(const struct fs_location *loc, char **text);
/* Read what fs_location_format wrote; spec, fstype and dir are required
 * (-EINVAL without them). */
int fs_location_parse(const char *text, struct fs_location *loc);

void fs_location_clear(struct fs_location *loc);

#endif
