/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KDUMP_TARGET_MOUNT_H
#define KDUMP_TARGET_MOUNT_H

/*
 * Mounting a dump target in the capture environment: wait for the device
 * named by spec (/dev path, UUID=, LABEL=) to appear (libblkid), then mount
 * it read-write at mountpoint (libmount). Errors are logged with the spec.
 */

/* Wait up to timeout_ms for spec to resolve to an existing device node;
 * returns 0 and *devnode, or -ENODEV on timeout. */
int target_wait_device(const char *spec, unsigned int timeout_ms, char **devnode);

/* Mount devnode (of type fstype, or probed when NULL) at mountpoint with
 * the extra options (btrfs: "subvol=/@", or NULL), creating the directory.
 * Returns 0 or a negative errno. */
int target_mount(const char *devnode, const char *fstype, const char *options,
		 const char *mountpoint);

/* Open dir (absolute, inside the file system mounted at mountpoint),
 * creating missing components with mode 0700, without leaving that file
 * system: symbolic links resolve as if mountpoint were "/" and no mount
 * point is crossed (openat2 RESOLVE_IN_ROOT | RESOLVE_NO_XDEV). *real gets
 * the directory's path as the kernel names it. Returns 0 or -errno. */
int target_open_dir(const char *mountpoint, const char *dir, char **real);

/* Unmount, after syncing; errors are logged and returned. */
int target_umount(const char *mountpoint);

#endif
