/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KDUMP_NFS_MOUNT_H
#define KDUMP_NFS_MOUNT_H

#include <stdbool.h>

/*
 * An NFS export mounted by the kernel's own NFS client: libmount with its
 * helpers disabled, so mount(2) gets type nfs4 and the kernel's string
 * options ("vers=4.2,addr=192.0.2.1,..."). NFSv4 needs no mount.nfs, no
 * rpcbind and no lockd, which the capture image does not have; the one
 * thing mount.nfs would add, the server's address, comes from the caller
 * (the address recorded in the image, or resolved on the host).
 *
 * With no version in the options, the versions are tried as mount.nfs
 * negotiates them: 4.2, then 4.1, then 4.0 while the server answers that it
 * does not speak the one asked for (EPROTONOSUPPORT). A server that is not
 * there yet (refused, unreachable, timed out) is tried again once a second
 * until the deadline, each try in a child process that is killed when the
 * deadline passes: a mount(2) of a dead server is not bounded otherwise.
 */

/* The kernel's options: "vers=<vers>,addr=<addr>[,<extra>]" (no vers= when
 * vers is NULL). Returns 0 or -ENOMEM. */
int nfs_mount_options(const char *vers, const char *addr, const char *extra, char **out);

/* Whether the options (or NULL) choose the NFS version themselves. */
bool nfs_options_name_version(const char *extra);

/* Whether mount(2) failing with -err may succeed a moment later (the
 * server, its route or its nfsd not up yet). */
bool nfs_error_transient(int err);

/* One mount(2) of source with options at mountpoint; returns 0 or -errno. */
typedef int (*nfs_mount_fn)(const char *source, const char *options, const char *mountpoint,
			    unsigned int timeout_ms, void *data);

/* The default nfs_mount_fn: libmount in a child, killed after timeout_ms
 * (-ETIMEDOUT). */
int nfs_mount_once(const char *source, const char *options, const char *mountpoint,
		   unsigned int timeout_ms, void *data);

/*
 * Mount source (host:/export, an IPv6 host in brackets) at mountpoint
 * (created, 0700) within timeout_ms, connecting to addr. *vers gets the
 * version that mounted (a static string), or NULL when extra chose it.
 * Returns 0, -ETIMEDOUT (the last error was transient; *last_err has it),
 * or the first error that is not transient.
 */
int nfs_mount(const char *source, const char *addr, const char *extra, const char *mountpoint,
	      unsigned int timeout_ms, const char **vers, int *last_err);
/* The same with another mount function (tests). */
int nfs_mount_with(nfs_mount_fn fn, void *data, const char *source, const char *addr,
		   const char *extra, const char *mountpoint, unsigned int timeout_ms,
		   const char **vers, int *last_err);

#endif
