/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KDUMPCTL_NFS_TARGET_H
#define KDUMPCTL_NFS_TARGET_H

#include <netinet/in.h>

#include "kdumpctl.h"
#include "nfs-host-options.h"

/*
 * An nfs dump target as `check`, `start` and the capture reach it: the
 * export mounted by the kernel's NFS client (nfs-mount.h) at the server's
 * address, `path` inside the export (kdump-utils: <export>/<path>/<host>-
 * <date>/), waits bounded by link_delay.
 */
struct nfs_target {
	char *source;			/* host:/export, an IPv6 host in brackets */
	char addr[INET6_ADDRSTRLEN];	/* the server's address */
	const char *options;		/* host.options */
	struct nfs_host_options host;	/* the host's mount options for it */
	char *why;			/* why the host's options are refused */
	const char *dir;		/* `path`, inside the export */
	unsigned int timeout;		/* seconds: link_delay */
};

/* For this configuration; the host resolved here (getaddrinfo) unless
 * addr is given (the capture image's record). -ENOENT when it does not
 * resolve (*why: the resolver's words); -EINVAL when the host's mount
 * options for the export are refused (*why: which, where). */
int nfs_target_init(struct nfs_target *t, const struct kdump_ctx *ctx, const char *addr,
		    const char **why);
void nfs_target_clear(struct nfs_target *t);

/* The export as mount(8) and the host's mount table name it: host:/export,
 * an IPv6 host in brackets. 0 and *out, or -ENOMEM. */
int nfs_target_source(const struct conf_remote *remote, char **out);
/* The address of remote's host: a literal as written, a name resolved
 * (getaddrinfo, the first answer). 0, or -ENOENT with *why. */
int nfs_target_address(const struct conf_remote *remote, char *out, size_t len, const char **why);

enum nfs_verdict {
	NFS_OK,
	NFS_NOT_ROOT,		/* not checked: mounting needs root */
	NFS_UNRESOLVED,		/* the host name does not resolve */
	NFS_UNREACHABLE,	/* no NFS server answered within link_delay */
	NFS_DENIED,		/* the server does not export it to this host */
	NFS_NO_EXPORT,		/* the server has no such export */
	NFS_MOUNT_FAILED,	/* another mount error (options, no NFS client) */
	NFS_BAD_OPTIONS,	/* the host's mount options for it are refused */
	NFS_NOT_WRITABLE,	/* mounted; `path` cannot be created or written */
};

struct nfs_probe_result {
	enum nfs_verdict verdict;
	int err;		/* the errno behind it, 0 for none */
	const char *vers;	/* the NFS version that mounted, NULL when options chose */
	const char *why;	/* NFS_UNRESOLVED: the resolver's words */
	char options[512];	/* the options mounted with, "" for the defaults */
	char detail[768];	/* NFS_BAD_OPTIONS: which option, where */
};

/* Try what the capture will do, in a mount namespace of its own (nothing
 * stays mounted): mount the export, create `path` in it, write a file
 * there and remove it. */
void nfs_probe(const struct kdump_ctx *ctx, struct nfs_probe_result *res);

/* One line for people: "reachable: ..." or what is wrong. */
void nfs_describe(const struct kdump_ctx *ctx, const struct nfs_probe_result *res, char *buf,
		  size_t len);

#endif
