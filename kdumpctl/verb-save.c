// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * save: the capture step. In the crash kernel's initramfs it mounts the
 * dump target, saves /proc/vmcore and ends in final_action, or on any
 * failure in failure_action. With --vmcore/--target it does the same with
 * explicit inputs and reports the action instead of taking it.
 */
#include <errno.h>
#include <sys/stat.h>

#include "dump-target.h"
#include "log.h"
#include "net-config.h"
#include "nfs-mount.h"
#include "nfs-target.h"
#include "save.h"
#include "spawn.h"
#include "ssh-target.h"
#include "strv.h"
#include "sysroot.h"
#include "target-mount.h"
#include "util.h"

/* overrides kdump.conf disk_timeout, in seconds (tests) */
#define DEVICE_TIMEOUT_ENV "KDUMP_SNP_DEVICE_TIMEOUT"
#define TARGET_MNT "/kdump-target"
#define ROOTFS_MNT "/kdump-root"

static unsigned int device_timeout_ms(const struct save_job *job)
{
	const char *env = getenv(DEVICE_TIMEOUT_ENV);

	return (env ? (unsigned int)strtoul(env, NULL, 10) : job->conf->disk_timeout) * 1000;
}

static int mount_nfs(struct save_job *job, const struct fs_location *loc, const char *mnt);

/* Wait for spec, mount it at mnt and open dir inside it: the base. */
static int mount_base(struct save_job *job, const struct fs_location *loc, const char *mnt)
{
	_cleanup_free_ char *dev = NULL;
	int r;

	if (streq(loc->fstype, DUMP_TARGET_NFS_FSTYPE)) {
		r = mount_nfs(job, loc, mnt);
	} else {
		capture_progress_set(job->progress, "waiting for the dump device", NULL);
		r = target_wait_device(loc->spec, device_timeout_ms(job), &dev);
		if (r < 0)
			return r;
		capture_progress_set(job->progress, "mounting the dump target", NULL);
		r = target_mount(dev, loc->fstype, loc->options, mnt);
	}
	if (r < 0)
		return r;
	job->mounted = strdup(mnt);
	if (!job->mounted)
		return -ENOMEM;
	free(job->base);
	job->base = NULL;
	r = target_open_dir(mnt, loc->dir, &job->base);
	return r < 0 ? log_error_errno(r, "cannot open or create %s inside %s (mounted at %s)",
				       loc->dir, loc->spec, mnt) : 0;
}

/* The record the image was built with (dump-target.c). */
static int read_location(const char *file, struct fs_location *loc)
{
	_cleanup_free_ char *text = NULL;
	int r = (int)read_file(file, &text);

	if (r < 0)
		return log_error_errno(r, "cannot read %s (where the dump goes)", file);
	r = fs_location_parse(text, loc);
	return r < 0 ? log_error_errno(r, "%s is not a dump target record", file) : 0;
}

static int prepare_target(struct save_job *job, bool rootfs)
{
	const struct kdump_conf *c = job->conf;
	struct fs_location loc = { 0 };
	int r;

	if (access(DUMP_TARGET_FILE, F_OK) == 0) {
		r = read_location(rootfs ? DUMP_ROOTFS_FILE : DUMP_TARGET_FILE, &loc);
		if (r == 0)
			r = mount_base(job, &loc, rootfs ? ROOTFS_MNT : TARGET_MNT);
		fs_location_clear(&loc);
		return r;
	}
	/* not in a capture image: the target as kdump.conf names it, or the
	 * running system's path */
	if (!rootfs && c->target_type == CONF_TARGET_FS) {
		loc = (struct fs_location){ .spec = c->target, .fstype = c->fstype, .dir = c->path };
		return mount_base(job, &loc, TARGET_MNT);
	}
	if (!rootfs && c->target_type == CONF_TARGET_NFS) {
		_cleanup_free_ char *spec = NULL, *msg = NULL;
		struct nfs_host_options o;

		if (nfs_target_source(&c->remote, &spec) < 0)
			return -ENOMEM;
		/* the options the host mounts it with, as for the image */
		r = nfs_host_options_find(sysroot_get(), spec, &o, &msg);
		if (r == -EINVAL)
			return save_failed(job, "%s", msg);
		if (r < 0)
			return r;
		loc = (struct fs_location){ .spec = spec, .fstype = DUMP_TARGET_NFS_FSTYPE,
					    .options = o.options, .dir = c->path };
		r = mount_base(job, &loc, TARGET_MNT);
		nfs_host_options_clear(&o);
		return r;
	}
	job->base = strdup(c->path);
	if (!job->base)
		return -ENOMEM;
	r = mkdir_p(job->base, 0700);
	return r < 0 ? log_error_errno(r, "cannot create %s", job->base) : 0;
}

static int run_hook(const char *hook, const char *dir, int status)
{
	char st[16];
	char *argv[] = { (char *)hook, (char *)dir, st, NULL };
	int r;

	snprintf(st, sizeof(st), "%d", status);
	if (!dir)
		argv[1] = NULL;
	r = spawn_wait(argv, -1, NULL);
	if (r != 0)
		log_warn("%s exited with status %d", hook, r);
	return r;
}

static void finish_target(struct save_job *job)
{
	if (job->mounted)
		target_umount(job->mounted);
	free(job->mounted);
	job->mounted = NULL;
}

static void job_reset(struct save_job *job)
{
	free(job->base);
	free(job->dir);
	strv_free(job->collector);
	free(job->failure);
	job->base = job->dir = job->failure = NULL;
	job->collector = NULL;
	job->bytes = 0;
}

/* a DHCP record (KDUMP_NET=dhcp): the link as for a static one, then a
 * lease, all within link_delay */
static int network_up_dhcp(const struct kdump_conf *c, const struct net_config *nc)
{
	const char *why = NULL;
	int r;

	log_info("bringing up the interface with MAC address of %s, its address from DHCP, "
		 "within %u s", nc->ifname, c->link_delay);
	r = net_config_apply(nc, c->link_delay * 1000, &why);
	if (r < 0)
		return log_error_errno(r, "the network to %s is not up: %s", nc->server, why);
	return 0;
}

/* in the capture image, with the key and host key it holds; on the host
 * (save --vmcore), with the configured key and the recorded host key */
/* the image's network record, applied within link_delay */
static int network_up(const struct kdump_conf *c, struct net_config *nc)
{
	_cleanup_free_ char *text = NULL;
	const char *why = NULL;
	int r = (int)read_file(NET_IMAGE_FILE, &text);

	if (r < 0)
		return log_error_errno(r, "cannot read %s (the network the dump needs)", NET_IMAGE_FILE);
	r = net_config_parse(text, nc);
	if (r == 0 && nc->dhcp)
		return network_up_dhcp(c, nc);
	if (r < 0)
		return log_error_errno(r, "%s is not a network record", NET_IMAGE_FILE);
	if (nc->vlan_id)
		log_info("bringing up VLAN %u (%s) on the interface with MAC address of %s "
			 "(%s/%u%s%s) within %u s", nc->vlan_id, nc->vlan_ifname, nc->ifname, nc->address,
			 nc->prefix, *nc->gateway ? ", gateway " : "", nc->gateway, c->link_delay);
	else
		log_info("bringing up the interface with MAC address of %s (%s/%u%s%s) within %u s",
			 nc->ifname, nc->address, nc->prefix, *nc->gateway ? ", gateway " : "",
			 nc->gateway, c->link_delay);
	r = net_config_apply(nc, c->link_delay * 1000, &why);
	if (r < 0)
		return log_error_errno(r, "the network to %s is not up: %s", nc->server, why);
	return 0;
}

/* An nfs export at mnt: in the image, at the recorded address once the
 * network is up; on the host, at the address the name resolves to. The
 * server gets link_delay to answer. */
static int mount_nfs(struct save_job *job, const struct fs_location *loc, const char *mnt)
{
	const struct kdump_conf *c = job->conf;
	char addr[INET6_ADDRSTRLEN];
	const char *vers = NULL, *why = NULL;
	struct net_config nc;
	int r, last = 0;

	if (access(NET_IMAGE_FILE, F_OK) == 0) {
		capture_progress_set(job->progress, "bringing up the network", NULL);
		r = network_up(c, &nc);
		if (r < 0)
			return save_failed(job, "the network to the nfs server did not come up");
		snprintf(addr, sizeof(addr), "%s", nc.server);
	} else if (nfs_target_address(&c->remote, addr, sizeof(addr), &why) < 0) {
		return save_failed(job, "the nfs server %s does not resolve: %s", c->remote.host, why);
	}
	capture_progress_set(job->progress, "mounting the nfs export", NULL);
	log_info("mounting %s (at %s%s%s) within %u s", loc->spec, addr,
		 loc->options ? ", options " : "", loc->options ? loc->options : "", c->link_delay);
	r = nfs_mount(loc->spec, addr, loc->options, mnt, c->link_delay * 1000, &vers, &last);
	if (r == -ETIMEDOUT)
		return save_failed(job, "no nfs server answered at %s within %u s (link_delay): %s",
				   addr, c->link_delay, strerror(last ? last : ETIMEDOUT));
	if (r < 0)
		return save_failed(job, "cannot mount %s: %s", loc->spec, strerror(-r));
	if (vers)
		log_info("mounted %s with NFS %s", loc->spec, vers);
	return 0;
}

static int capture_ssh(struct save_job *job, const struct kdump_ctx *ctx)
{
	bool in_image = access(SSH_IMAGE_KEY, F_OK) == 0;
	struct net_config nc;
	struct ssh_target t;
	int r = in_image && access(NET_IMAGE_FILE, F_OK) == 0 ? network_up(ctx->conf, &nc) : 1;

	if (r < 0) {
		free(job->failure);
		job->failure = strdup("the network did not come up");
		return r;
	}
	r = ssh_target_init(&t, ctx, in_image);
	if (r < 0)
		return r;
	if (in_image && access(NET_IMAGE_FILE, F_OK) == 0)
		t.address = nc.server;
	r = save_capture_ssh(job, &t);
	ssh_target_clear(&t);
	return r;
}

/* the device the image recorded, or kdump.conf's outside an image */
static int capture_raw(struct save_job *job, const struct kdump_ctx *ctx)
{
	const struct kdump_conf *c = job->conf;
	struct fs_location loc = { 0 };
	int r;

	if (access(DUMP_TARGET_FILE, F_OK) < 0)
		return save_capture_raw(job, ctx->root, c->target_device ? c->target_device : c->target,
					device_timeout_ms(job));
	r = read_location(DUMP_TARGET_FILE, &loc);
	if (r == 0)
		r = save_capture_raw(job, "/", loc.spec, device_timeout_ms(job));
	fs_location_clear(&loc);
	return r;
}

static int capture(struct save_job *job, const struct kdump_ctx *ctx,
		   const struct global_options *o, bool rootfs)
{
	int r;

	if (!rootfs && !o->target && job->conf->target_type == CONF_TARGET_SSH)
		return capture_ssh(job, ctx);
	if (!rootfs && !o->target && job->conf->target_type == CONF_TARGET_RAW) {
		r = capture_raw(job, ctx);
		if (job->conf->kdump_post)
			run_hook(job->conf->kdump_post, NULL, job->collector_status);
		return r;
	}
	if (o->target) {
		job->base = strdup(o->target);
		if (!job->base)
			return -ENOMEM;
	} else {
		r = prepare_target(job, rootfs);
		if (r < 0) {
			/* it may have mounted the target before it failed */
			finish_target(job);
			return r;
		}
	}
	r = save_capture(job);
	if (job->conf->kdump_post && job->dir)
		run_hook(job->conf->kdump_post, job->dir, job->collector_status);
	finish_target(job);
	return r;
}

/* The capture and the action it ends in: final_action on success, else
 * failure_action (reboot in place of a dump_to_rootfs already tried);
 * *why is NULL when there is nothing to act on (no crash dump). */
int save_run(struct kdump_ctx *ctx, const struct global_options *o,
	     struct capture_progress *progress, enum conf_action *action, const char **why)
{
	const struct kdump_conf *c = ctx->conf;
	bool manual = o->vmcore || o->target;
	struct save_job job = { .conf = c, .vmcore = o->vmcore ? o->vmcore : "/proc/vmcore",
				.progress = progress };
	int r;

	*action = c->failure_action == CONF_ACTION_DUMP_TO_ROOTFS ? CONF_ACTION_REBOOT
								   : c->failure_action;
	*why = "failure_action";
	if (!manual && access("/proc/vmcore", F_OK) < 0) {
		log_error("there is no /proc/vmcore: kdumpctl save runs in the crash kernel; "
			  "to save a dump file give --vmcore FILE --target DIR");
		*why = NULL;	/* not in a crash kernel: no action */
		return -ENOENT;
	}
	if (c->target_type != CONF_TARGET_ROOTFS && c->target_type != CONF_TARGET_FS &&
	    c->target_type != CONF_TARGET_SSH && c->target_type != CONF_TARGET_NFS &&
	    c->target_type != CONF_TARGET_RAW && !o->target) {
		log_error("kdumpctl save cannot write to a %s target", conf_target_type_name(c->target_type));
		*action = c->failure_action;
		return -EOPNOTSUPP;
	}
	umask(077);
	if (c->kdump_pre) {
		capture_progress_set(progress, "running kdump_pre", NULL);
		r = run_hook(c->kdump_pre, NULL, 0);
		if (r != 0) {
			log_error("kdump_pre %s failed (%d): no dump is saved", c->kdump_pre, r);
			return -ECANCELED;
		}
	}
	r = capture(&job, ctx, o, false);
	if (r < 0 && c->failure_action == CONF_ACTION_DUMP_TO_ROOTFS && !manual &&
	    c->target_type != CONF_TARGET_ROOTFS) {
		log_info("failure_action dump_to_rootfs: saving to the root file system instead");
		job_reset(&job);
		r = capture(&job, ctx, o, true);
	}
	job_reset(&job);
	if (r < 0)
		return r;
	*action = c->final_action;
	*why = "final_action";
	return 0;
}

int verb_save(struct kdump_ctx *ctx, const struct global_options *o)
{
	bool manual = o->vmcore || o->target;
	enum conf_action action;
	const char *why;
	int r = save_run(ctx, o, NULL, &action, &why);

	if (why)
		save_action(action, manual, why);
	return r;
}
