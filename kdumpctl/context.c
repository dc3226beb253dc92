// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>

#include "crash-cmdline.h"
#include "kdumpctl.h"
#include "lock.h"
#include "log.h"
#include "sysroot.h"
#include "util.h"

#define LOCK_TIMEOUT_MS (60 * 1000)

static void print_errors(const struct conf_errors *errs)
{
	for (size_t i = 0; i < errs->n; i++) {
		_cleanup_free_ char *s = conf_error_format(&errs->v[i]);

		fprintf(stderr, "%s\n", s ? s : errs->v[i].message);
	}
}

/* In the capture environment a device may appear only after a while:
 * save waits for it (target-mount.c), so the parse only checks the spec. */
static int resolve_later(const char *spec, char **devnode, void *data)
{
	*devnode = strdup(spec);
	return *devnode ? 0 : -ENOMEM;
}

static int load_files(struct kdump_ctx *ctx, const struct global_options *o)
{
	struct conf_errors errs = { 0 };
	struct conf_env env = { .root = ctx->root, .resolve = o->devices_later ? resolve_later : NULL };
	int r, r2;

	if (o->config)
		ctx->config_path = strdup(o->config);
	else if (sysroot_path(ctx->root, KDUMP_CONF_PATH, &ctx->config_path) < 0)
		return -ENOMEM;
	if (o->defaults)
		ctx->defaults_path = strdup(o->defaults);
	else if (sysroot_path(ctx->root, KDUMP_DEFAULTS_PATH, &ctx->defaults_path) < 0)
		return -ENOMEM;
	if (!ctx->config_path || !ctx->defaults_path)
		return -ENOMEM;

	/* both files are checked, so that one run shows every error */
	r = conf_parse_file(ctx->config_path, &env, &ctx->conf, &errs);
	r2 = defaults_parse_file(ctx->defaults_path, !o->defaults, &ctx->defaults, &errs);
	print_errors(&errs);
	conf_errors_free(&errs);
	return r < 0 ? r : r2;
}

static int image_paths(struct kdump_ctx *ctx)
{
	const struct kdump_defaults *d = ctx->defaults;
	_cleanup_free_ char *kernel = NULL;
	_cleanup_free_ char *initrd = NULL;
	int r;

	if (d->kernelver && *d->kernelver) {
		ctx->kver = strdup(d->kernelver);
		if (!ctx->kver)
			return -ENOMEM;
	} else {
		r = probe_kernel_release(ctx->root, &ctx->kver);
		if (r < 0)
			return log_error_errno(r, "cannot tell the running kernel's release");
	}
	if (asprintf(&kernel, "/boot/%s-%s", d->img, ctx->kver) < 0 ||
	    asprintf(&initrd, "%s/initramfs-%s-kdump.img", d->initrd_dir, ctx->kver) < 0)
		return -ENOMEM;
	if (sysroot_path(ctx->root, kernel, &ctx->kernel_path) < 0 ||
	    sysroot_path(ctx->root, initrd, &ctx->initrd_path) < 0 ||
	    asprintf(&ctx->inputs_path, "%s.inputs", ctx->initrd_path) < 0 ||
	    sysroot_path(ctx->root, "/run", &ctx->rundir) < 0)
		return -ENOMEM;
	return 0;
}

static void probe_snp(struct kdump_ctx *ctx)
{
	int r = probe_snp_state(ctx->root, &ctx->snp);

	if (r < 0)
		log_debug("SEV-SNP state unknown (%s); treating SNP as off", strerror(-r));
	ctx->snp_hint = snp_hint_wanted(ctx->defaults->snp, r < 0 ? NULL : &ctx->snp);
}

int ctx_load(struct kdump_ctx *ctx, const struct global_options *o)
{
	int r;

	ctx->root = sysroot_get();
	r = load_files(ctx, o);
	if (r < 0)
		return r;
	if (ctx->defaults->debug)
		log_set_level(LOG_LVL_DEBUG);
	r = image_paths(ctx);
	if (r < 0)
		return r;
	probe_snp(ctx);
	return 0;
}

void ctx_free(struct kdump_ctx *ctx)
{
	free(ctx->config_path);
	free(ctx->defaults_path);
	conf_free(ctx->conf);
	defaults_free(ctx->defaults);
	free(ctx->kver);
	free(ctx->kernel_path);
	free(ctx->initrd_path);
	free(ctx->inputs_path);
	free(ctx->rundir);
	*ctx = (struct kdump_ctx){ 0 };
}

int ctx_crash_cmdline(const struct kdump_ctx *ctx, char **out)
{
	const struct kdump_defaults *d = ctx->defaults;
	_cleanup_free_ char *proc = NULL;
	char err[512];
	int r;

	if (!d->commandline || !*d->commandline) {
		r = probe_cmdline(ctx->root, &proc);
		if (r < 0)
			return log_error_errno(r, "cannot read the running kernel's command line");
	}
	r = crash_cmdline_compose(&(struct crash_cmdline_input){
		.base = proc ? proc : d->commandline,
		.remove = d->commandline_remove,
		.append = d->commandline_append,
		.snp = ctx->snp_hint,
	}, out, err, sizeof(err));
	if (r == -EINVAL)
		log_error("%s", err);
	else if (r < 0)
		log_error_errno(r, "cannot compose the crash command line");
	return r;
}

int ctx_lock(const struct kdump_ctx *ctx)
{
	_cleanup_free_ char *path = NULL;
	const char *env = getenv("KDUMP_SNP_LOCK_TIMEOUT_MS");
	unsigned int timeout = env ? (unsigned int)strtoul(env, NULL, 10) : LOCK_TIMEOUT_MS;
	int fd;

	if (asprintf(&path, "%s/kdump-snp.lock", ctx->rundir) < 0)
		return -ENOMEM;
	fd = lock_acquire(path, timeout);
	if (fd == -ETIMEDOUT)
		log_error("another kdumpctl still holds %s after %u ms; giving up", path, timeout);
	else if (fd < 0)
		log_error_errno(fd, "cannot lock %s", path);
	return fd;
}
