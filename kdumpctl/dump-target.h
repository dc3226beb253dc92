/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KDUMPCTL_DUMP_TARGET_H
#define KDUMPCTL_DUMP_TARGET_H

#include "kdumpctl.h"
#include "rootfs.h"

/*
 * Where the dump goes, decided at rebuild and baked into the capture image
 * (/etc/kdump-snp/target, and /etc/kdump-snp/rootfs for failure_action
 * dump_to_rootfs):
 *  - no target directive: the host's file system that holds `path`
 *    (rootfs_locate), mounted by UUID and with its btrfs subvolume;
 *  - <fstype> <device>: that device, by UUID= when it was named by a kernel
 *    name (/dev/sdb1) that can change between boots; dir is `path`;
 *  - nfs host:/export: spec host:/export (an IPv6 host in brackets),
 *    fstype nfs4, options the kdump.conf `options`, dir `path` inside the
 *    export; no device;
 *  - raw <device>: fstype "raw", the device by PARTUUID= when it was named
 *    by a kernel name and is a partition that has one; dir is `path`,
 *    where kdumpctl start restores the dump.
 */
struct dump_target {
	struct fs_location target;
	struct fs_location rootfs;  /* dump_to_rootfs only, else all NULL */
	bool by_uuid;               /* a kernel name in kdump.conf stored as UUID= (raw: PARTUUID=) */
};

/* Returns 0 or a negative errno; logs why unless quiet. */
int dump_target_resolve(const struct kdump_ctx *ctx, bool quiet, struct dump_target *t);
void dump_target_clear(struct dump_target *t);

/* Image paths of the records, read by save in the capture image. */
#define DUMP_TARGET_FILE "/etc/kdump-snp/target"
#define DUMP_ROOTFS_FILE "/etc/kdump-snp/rootfs"
/* The fstype of an nfs target's record. */
#define DUMP_TARGET_NFS_FSTYPE "nfs4"

#endif
