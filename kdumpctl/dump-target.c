// SPDX-License-Identifier: GPL-2.0-or-later
/* Where the dump goes: the file system and directory the image mounts. */
#include <errno.h>

#include "blockdev.h"
#include "dump-target.h"
#include "log.h"
#include "nfs-target.h"
#include "sysroot.h"
#include "util.h"

static int locate_path(const struct kdump_ctx *ctx, bool quiet, struct fs_location *loc)
{
	const char *path = ctx->conf->path;
	int r = rootfs_locate(ctx->root, path, loc);

	if (r == 0 || quiet) {
		if (r < 0)
			fs_location_clear(loc);
		return r;
	}
	if (r == -ENOTBLK)
		log_error("path %s is on %s \"%s\" (mounted at %s), not on a block device: a dump "
			  "there would not outlive the reboot; give a file system target in kdump.conf",
			  path, loc->fstype, loc->device, loc->mountpoint);
	else if (r == -ELOOP || r == -ENAMETOOLONG || r == -EACCES)
		log_error_errno(r, "cannot resolve path %s", path);
	else
		log_error_errno(r, "cannot find the file system that holds %s in the mount table",
				path);
	fs_location_clear(loc);
	return r;
}

/* <fstype> <device>: the device as kdump.conf names it, its UUID read now */
static int explicit_target(const struct kdump_ctx *ctx, struct dump_target *t)
{
	const struct kdump_conf *c = ctx->conf;
	struct fs_location *loc = &t->target;
	_cleanup_free_ char *node = NULL;
	struct blockdev_info bi = { 0 };

	loc->device = strdup(c->target_device ? c->target_device : c->target);
	loc->fstype = strdup(c->fstype);
	loc->dir = strdup(c->path);
	if (!loc->device || !loc->fstype || !loc->dir || sysroot_path(ctx->root, loc->device, &node) < 0)
		return -ENOMEM;
	if (blockdev_probe(node, &bi) == 0 && bi.uuid) {
		loc->uuid = bi.uuid;
		bi.uuid = NULL;
	}
	blockdev_info_clear(&bi);
	/* a tag is kept as written; a kernel name becomes the UUID */
	if (loc->uuid && blockdev_name_unstable(c->target)) {
		t->by_uuid = true;
		if (asprintf(&loc->spec, "UUID=%s", loc->uuid) < 0)
			loc->spec = NULL;
	} else {
		loc->spec = strdup(c->target);
	}
	return loc->spec ? 0 : -ENOMEM;
}

/* nfs host:/export: what the capture mounts with the kernel's client */
static int nfs_target(const struct kdump_ctx *ctx, bool quiet, struct fs_location *loc)
{
	const struct kdump_conf *c = ctx->conf;
	_cleanup_free_ char *msg = NULL;
	struct nfs_host_options o;
	int r;

	if (nfs_target_source(&c->remote, &loc->spec) < 0)
		return -ENOMEM;
	loc->fstype = strdup(DUMP_TARGET_NFS_FSTYPE);
	loc->dir = strdup(c->path);
	if (!loc->fstype || !loc->dir)
		return -ENOMEM;
	/* the options the host mounts it with, as kdump-utils' mkdumprd */
	r = nfs_host_options_find(ctx->root, loc->spec, &o, &msg);
	if (r == -EINVAL && !quiet)
		log_error("%s", msg);
	if (r < 0)
		return r;
	loc->options = o.options;
	o.options = NULL;
	nfs_host_options_clear(&o);
	return 0;
}

/* raw <device>: a raw device has no file system UUID. A kernel name is
 * kept, or becomes PARTUUID= for a partition that has one; a tag is kept;
 * another /dev path (a udev link: /dev/disk/by-id/...) becomes the node it
 * names now, which the minimal image (no udev) can find: the staleness
 * record holds that node, so the image is rebuilt when the link moves. */
static int raw_target(const struct kdump_ctx *ctx, struct dump_target *t)
{
	const struct kdump_conf *c = ctx->conf;
	struct fs_location *loc = &t->target;
	_cleanup_free_ char *node = NULL;
	struct blockdev_info bi = { 0 };

	loc->device = strdup(c->target_device ? c->target_device : c->target);
	loc->fstype = strdup("raw");
	loc->dir = strdup(c->path);
	if (!loc->device || !loc->fstype || !loc->dir || sysroot_path(ctx->root, loc->device, &node) < 0)
		return -ENOMEM;
	if (blockdev_name_unstable(c->target) && blockdev_probe(node, &bi) == 0 && bi.partuuid) {
		t->by_uuid = true;
		if (asprintf(&loc->spec, "PARTUUID=%s", bi.partuuid) < 0)
			loc->spec = NULL;
	} else if (strncmp(c->target, "/dev/", 5) == 0 && !blockdev_name_unstable(c->target)) {
		loc->spec = strdup(loc->device);
	} else {
		loc->spec = strdup(c->target);
	}
	blockdev_info_clear(&bi);
	return loc->spec ? 0 : -ENOMEM;
}

int dump_target_resolve(const struct kdump_ctx *ctx, bool quiet, struct dump_target *t)
{
	const struct kdump_conf *c = ctx->conf;
	int r;

	*t = (struct dump_target){ 0 };
	if (c->target_type == CONF_TARGET_ROOTFS)
		r = locate_path(ctx, quiet, &t->target);
	else if (c->target_type == CONF_TARGET_FS)
		r = explicit_target(ctx, t);
	else if (c->target_type == CONF_TARGET_NFS)
		r = nfs_target(ctx, quiet, &t->target);
	else if (c->target_type == CONF_TARGET_RAW)
		r = raw_target(ctx, t);
	else
		r = 0;
	if (r == 0 && c->failure_action == CONF_ACTION_DUMP_TO_ROOTFS &&
	    c->target_type != CONF_TARGET_ROOTFS) {
		r = locate_path(ctx, quiet, &t->rootfs);
		if (r < 0 && !quiet)
			log_error("failure_action dump_to_rootfs needs that file system");
	}
	if (r < 0)
		dump_target_clear(t);
	return r;
}

void dump_target_clear(struct dump_target *t)
{
	fs_location_clear(&t->target);
	fs_location_clear(&t->rootfs);
	t->by_uuid = false;
}
