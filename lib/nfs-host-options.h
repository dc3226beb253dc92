/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KDUMP_NFS_HOST_OPTIONS_H
#define KDUMP_NFS_HOST_OPTIONS_H

/*
 * The NFS mount options of an nfs dump target, taken as kdump-utils'
 * mkdumprd takes them (get_mntopt_from_target, to_mount): the options the
 * host mounts that export with (<root>/proc/self/mountinfo, the first
 * mount of it), else those of its line in <root>/etc/fstab, else none
 * (the kernel's defaults).
 *
 * What is taken is filtered as mkdumprd filters it: addr=, mountaddr=,
 * clientaddr=, proto= and mountproto= are the host's connection (the
 * capture sets addr= itself), ro becomes rw (the dump is written), and
 * the options of mount(8) rather than of the file system (noauto, nofail,
 * _netdev, x-*, defaults, ...: libmount's userspace options) are dropped.
 * The rest must pass conf_nfs_options_check (NFS version 4 only, plain
 * option words).
 */

struct nfs_host_options {
	char *options;	/* what the capture mounts with, or NULL (the defaults) */
	char *origin;	/* "/etc/fstab:12", "/proc/self/mountinfo (/mnt)", or NULL */
};

/*
 * Filter one option string as above. Returns 0 and *out ("" when nothing
 * is left), -ENOMEM, or -EINVAL with *why and *bad (the option refused).
 */
int nfs_host_options_filter(const char *raw, char **out, const char **why, char **bad);

/*
 * Find the options for source ("host:/export", as kdump.conf's nfs
 * line). Returns 0 (o->options NULL when neither file names the export),
 * -ENOMEM, or -EINVAL with *msg ("<file>:<line>: ...") saying which
 * option of which file is refused.
 */
int nfs_host_options_find(const char *root, const char *source, struct nfs_host_options *o,
			  char **msg);

void nfs_host_options_clear(struct nfs_host_options *o);

#endif
