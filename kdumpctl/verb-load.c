// SPDX-License-Identifier: GPL-2.0-or-later
/* start, stop, restart, rebuild: getting the crash kernel loaded. */
#include <errno.h>
#include <fcntl.h>
#include <time.h>

#include "inputs.h"
#include "kdumpctl.h"
#include "loader.h"
#include "log.h"
#include "nfs-target.h"
#include "save.h"
#include "ssh-target.h"
#include "util.h"

static int state_path(const struct kdump_ctx *ctx, char **out)
{
	return asprintf(out, "%s/kdump-snp.loaded", ctx->rundir) < 0 ? -ENOMEM : 0;
}

/* What a load is made of; equal records mean the same crash kernel. */
static int load_record(const struct kdump_ctx *ctx, const char *cmdline, char **text)
{
	struct inputs in = { 0 };
	int r = 0;

	r |= inputs_add(&in, "kernel", ctx->kernel_path);
	r |= inputs_add(&in, "initramfs", ctx->initrd_path);
	r |= inputs_add_value(&in, "cmdline", cmdline);
	if (r) {
		inputs_clear(&in);
		return -ENOMEM;
	}
	*text = in.text;
	return 0;
}

static bool already_loaded(const struct kdump_ctx *ctx, const char *record)
{
	_cleanup_free_ char *path = NULL;
	_cleanup_free_ char *old = NULL;

	if (loader_status(ctx->root, true) != 1)
		return false;
	if (state_path(ctx, &path) < 0 || read_file(path, &old) < 0)
		return false;
	return inputs_equal(old, record, NULL);
}

static void save_state(const struct kdump_ctx *ctx, const char *record)
{
	_cleanup_free_ char *path = NULL;
	_cleanup_fclose_ FILE *f = NULL;

	if (state_path(ctx, &path) < 0)
		return;
	f = fopen(path, "we");
	if (!f || fputs(record, f) < 0)
		log_warn("cannot record the load in %s: %s", path, strerror(errno));
}

static void forget_state(const struct kdump_ctx *ctx)
{
	_cleanup_free_ char *path = NULL;

	if (state_path(ctx, &path) == 0)
		unlink(path);
}

static int check_reservation(const struct kdump_ctx *ctx)
{
	uint64_t size = 0;

	if (probe_kexec_crash_size(ctx->root, &size) == 0 && size == 0) {
		log_error("no memory is reserved for the crash kernel: add crashkernel= to the "
			  "kernel command line (kdumpctl estimate suggests a size) and reboot");
		return -EADDRNOTAVAIL;
	}
	return 0;
}

/* after a failure that happened before anything was loaded */
static void say_still_loaded(const struct kdump_ctx *ctx)
{
	if (loader_status(ctx->root, true) == 1)
		log_warn("the crash kernel loaded before stays loaded: kdump keeps working with "
			 "the previous capture image and configuration");
}

static int ensure_image(struct kdump_ctx *ctx)
{
	_cleanup_free_ char *reason = NULL;
	int r = rebuild_is_stale(ctx, &reason);

	/* an image built now must have what udev is still loading: built
	 * before, it would be built again when that arrives */
	if (r > 0 && ctx->udev_busy) {
		log_info("the capture image must be built (%s); waiting for udev to load this "
			 "boot's drivers first", reason ? reason : "it is stale");
		udev_wait_drivers(ctx->root);
		ctx->udev_busy = false;
		free(reason);
		reason = NULL;
		r = rebuild_is_stale(ctx, &reason);
	}

	if (r < 0)
		return log_error_errno(r, "cannot tell whether %s is up to date", ctx->initrd_path);
	if (r == 0) {
		log_debug("capture image %s is up to date", ctx->initrd_path);
		return 0;
	}
	log_info("rebuilding the capture image: %s", reason ? reason : "it is stale");
	return rebuild_image(ctx);
}

/* a reservation below the estimate may not hold the capture: say by how much */
static void warn_reservation(const struct kdump_ctx *ctx)
{
	struct estimate e;
	uint64_t size = 0;

	if (probe_kexec_crash_size(ctx->root, &size) < 0 || size == 0 || estimate_host(ctx, &e) < 0)
		return;
	if (size >= e.total)
		return;
	log_warn("crashkernel= reserves %llu MiB, %llu MiB less than the %llu MiB that kdumpctl "
		 "estimate recommends for this host: the capture may run out of memory",
		 (unsigned long long)(size >> 20),
		 (unsigned long long)((e.total - size + (1 << 20) - 1) >> 20),
		 (unsigned long long)(e.total >> 20));
}

/* kvm_amd decides the SNP state; loaded by udev, it can come after kdump */
static void warn_snp_undecided(const struct kdump_ctx *ctx)
{
	const struct snp_state *s = &ctx->snp;

	if (!ctx_snp_undecided(ctx))
		return;
	log_warn("this host is SEV-SNP capable (from %s) but kvm_amd is not loaded yet, so "
		 "whether SNP is enabled is unknown: the crash kernel is armed without "
		 "kdump_snp=1 and without the check that it survives an SNP crash; loading "
		 "kvm_amd arms kdump again (kdump-rearm.service), KDUMP_SNP=on decides it now",
		 snp_source_name(s->capable_from));
}

/* an nfs export the capture could not mount or write to is not armed;
 * the mount waits up to link_delay for a server that is not up yet */
static int check_nfs_reachable(const struct kdump_ctx *ctx)
{
	struct nfs_probe_result res;
	char line[1024];

	nfs_probe(ctx, &res);
	nfs_describe(ctx, &res, line, sizeof(line));
	if (res.verdict == NFS_OK) {
		log_debug("nfs target %s", line);
		return 0;
	}
	if (res.verdict == NFS_NOT_ROOT) {
		/* only a dry run gets here: loading needs root */
		log_warn("nfs target %s %s", ctx->conf->target, line);
		return 0;
	}
	log_error("nfs target %s %s; kdump is not armed for it", ctx->conf->target, line);
	return -EHOSTUNREACH;
}

/* a network target the capture could not write to is not armed */
static int check_reachable(const struct kdump_ctx *ctx)
{
	_cleanup_free_ char *detail = NULL;
	struct ssh_target t;
	enum ssh_verdict v;
	char line[1024];
	time_t deadline;
	int r;

	if (ctx->conf->target_type == CONF_TARGET_NFS)
		return check_nfs_reachable(ctx);
	if (ctx->conf->target_type != CONF_TARGET_SSH)
		return 0;
	r = ssh_target_init(&t, ctx, false);
	if (r < 0)
		return r;
	/* at boot the address or route may come a little after
	 * network-online.target: an unreachable server is tried again, once a
	 * second, until link_delay has passed */
	deadline = time(NULL) + ctx->conf->link_delay;
	while ((v = ssh_probe(&t, &detail)) == SSH_UNREACHABLE && time(NULL) < deadline) {
		free(detail);
		detail = NULL;
		sleep(1);
	}
	ssh_describe_verdict(&t, v, detail, line, sizeof(line));
	ssh_target_clear(&t);
	if (v == SSH_OK) {
		log_debug("ssh target %s", line);
		return 0;
	}
	log_error("ssh target %s %s; kdump is not armed for it", ctx->conf->target, line);
	return -EHOSTUNREACH;
}

/* everything before the load: the image (rebuilt when stale), the command line */
static int prepare_load(struct kdump_ctx *ctx, char **cmdline, char **record)
{
	/* a dump the last crash left on a raw device comes first: arming
	 * over it would let the next crash overwrite it */
	int r = raw_restore(ctx);

	if (r == 0)
		r = ctx_check_kernel(ctx);
	if (r == 0)
		r = check_reservation(ctx);
	if (r == 0)
		r = check_reachable(ctx);
	if (r < 0)
		return r;
	if (access(ctx->kernel_path, R_OK) < 0)
		return log_error_errno(-errno, "crash kernel image %s", ctx->kernel_path);
	r = ctx_check_snp_fix(ctx);
	if (r < 0)
		return r;
	r = ctx_check_signature(ctx);
	if (r < 0)
		return r;
	r = ensure_image(ctx);
	if (r == 0)
		r = ctx_crash_cmdline(ctx, cmdline);
	if (r < 0)
		return r;
	warn_snp_undecided(ctx);
	warn_reservation(ctx);
	collector_cpus_check(ctx, *cmdline, NULL, 0);
	return load_record(ctx, *cmdline, record);
}

/* armed while udev was loading drivers: look again once it is done */
static void rearm_after_udev(const struct kdump_ctx *ctx)
{
	if (!ctx->udev_busy)
		return;
	log_info("udev is still loading this boot's drivers: kdump-rearm.service checks the "
		 "crash kernel again once it is done");
	(void)udev_rearm_later(ctx->root);
}

/* start, or with replace (restart, reload) load again even when the same
 * crash kernel is loaded: kexec_file_load replaces it, so it is never
 * unloaded first and a failure before the load leaves it in place */
static int load_locked(struct kdump_ctx *ctx, bool replace)
{
	_cleanup_free_ char *cmdline = NULL;
	_cleanup_free_ char *record = NULL;
	int r;

	r = prepare_load(ctx, &cmdline, &record);
	if (r < 0) {
		say_still_loaded(ctx);
		return r;
	}
	if (!replace && already_loaded(ctx, record)) {
		log_info("crash kernel already loaded");
		rearm_after_udev(ctx);
		return 0;
	}
	r = loader_load(&(struct load_request){
		.root = ctx->root,
		.kernel = ctx->kernel_path,
		.initrd = ctx->initrd_path,
		.cmdline = cmdline,
		.crash = true,
		/* the SNP decision is made once, in ctx_load */
		.snp = ctx->snp_hint ? SNP_MODE_ON : SNP_MODE_OFF,
	}, stdout, NULL);
	if (r < 0) {
		/* the kernel frees a loaded crash kernel before it loads the new one */
		if (loader_status(ctx->root, true) != 1)
			log_error("no crash kernel is loaded now; kdumpctl start loads one again");
		else
			say_still_loaded(ctx);
		return r;
	}
	save_state(ctx, record);
	rearm_after_udev(ctx);
	if (ctx->snp_hint)
		log_info("crash kernel loaded (SEV-SNP host: kdump_snp=1); it survives an SNP crash: %s",
			 ctx->snp_fix.evidence);
	else
		log_info("crash kernel loaded");
	return 0;
}

int verb_start(struct kdump_ctx *ctx, const struct global_options *o)
{
	return load_locked(ctx, false);
}

static int stop_locked(struct kdump_ctx *ctx)
{
	int r;

	if (loader_status(ctx->root, true) == 0) {
		forget_state(ctx);
		log_info("no crash kernel was loaded");
		return 0;
	}
	r = loader_unload(ctx->root, true, stdout);
	if (r < 0)
		return r;
	forget_state(ctx);
	log_info("crash kernel unloaded");
	return 0;
}

int verb_stop(struct kdump_ctx *ctx, const struct global_options *o)
{
	return stop_locked(ctx);
}

/* restart and reload: the new image is built and checked while the old
 * crash kernel stays loaded; only stop unloads */
int verb_restart(struct kdump_ctx *ctx, const struct global_options *o)
{
	return load_locked(ctx, true);
}

int verb_rebuild(struct kdump_ctx *ctx, const struct global_options *o)
{
	int r = ctx_check_kernel(ctx);

	return r < 0 ? r : rebuild_image(ctx);
}
