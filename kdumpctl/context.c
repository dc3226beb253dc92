// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>

#include "crash-cmdline.h"
#include "crash-kernel.h"
#include "kdumpctl.h"
#include "lock.h"
#include "log.h"
#include "sysroot.h"
#include "util.h"

/*
 * A waiting kdumpctl must outlast the holder's rebuild. Measured with
 * dracut 059 (Debian 12) on a loaded 2-core host: 12-14 s for the minimal image,
 * 56-57 s for the systemd one. kdump.service gives start 10 min
 * (TimeoutStartSec), so a rebuild that takes longer is killed anyway.
 */
#define LOCK_TIMEOUT_MS (10 * 60 * 1000)

void ctx_print_errors(const struct kdump_ctx *ctx, FILE *f, const char *indent)
{
	const struct conf_errors *errs = &ctx->errs;

	for (size_t i = 0; i < errs->n && i < CTX_ERRORS_SHOWN; i++) {
		_cleanup_free_ char *s = conf_error_format(&errs->v[i]);

		fprintf(f, "%s%s\n", indent, s ? s : errs->v[i].message);
	}
	if (errs->n > CTX_ERRORS_SHOWN)
		fprintf(f, "%s... and %zu more\n", indent, errs->n - CTX_ERRORS_SHOWN);
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
	r = conf_parse_file(ctx->config_path, &env, &ctx->conf, &ctx->errs);
	r2 = defaults_parse_file(ctx->defaults_path, !o->defaults, &ctx->defaults, &ctx->errs);
	if (r == -ENOMEM || r2 == -ENOMEM)
		return -ENOMEM;
	/* the built-in defaults still tell where the kernel and image are */
	if (!ctx->defaults)
		return defaults_parse_buffer("built-in defaults", "", 0, &ctx->defaults, &ctx->errs);
	return 0;
}

/* The crash kernel (crash-kernel.h) and the paths of its image. */
/* Only an SEV-SNP host needs the crash kernel's SNP fix: the probe may
 * read all of /proc/kallsyms, which took most of kdump.service's start at
 * boot in a TCG guest. */
static bool snp_probe_wanted(const struct kdump_ctx *ctx)
{
	return ctx->snp.capable || ctx->snp.enabled || ctx->snp_hint;
}

static void snp_fix_not_probed(struct snp_fix_info *f)
{
	*f = (struct snp_fix_info){ .fix = SNP_FIX_UNKNOWN };
	snprintf(f->evidence, sizeof(f->evidence), "not probed: this host is not SEV-SNP capable");
}

/* kver: rebuild --kernel-version (it wins as KDUMP_KERNELVER does), else NULL */
static int image_paths(struct kdump_ctx *ctx, const char *kver)
{
	const struct kdump_defaults *d = ctx->defaults;
	_cleanup_free_ char *running = NULL, *initrd = NULL;
	struct snp_fix_info running_fix;
	struct crash_kernel_choice choice;
	int r;

	struct crash_kernel_input in = {
		.root = ctx->root,
		.setting = d->kernel,
		.kernelver = kver ? kver : d->kernelver,
		.img = d->img,
		.snp = ctx->snp_known ? &ctx->snp : NULL,
		.snp_hint = ctx->snp_hint,
		.running_fix = &running_fix,
	};

	r = probe_kernel_release(ctx->root, &running);
	if (r < 0)
		return log_error_errno(r, "cannot tell the running kernel's release");
	in.running = running;
	/* only auto looks at the running kernel's fix */
	if (streq(d->kernel, "auto") && !*in.kernelver && snp_probe_wanted(ctx))
		probe_snp_fix(ctx->root, running, &running_fix);
	else
		running_fix = (struct snp_fix_info){ .fix = SNP_FIX_UNKNOWN };
	r = crash_kernel_choose(&in, &choice);
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		/* kept for the verbs that load a kernel (ctx_check_kernel); the
		 * others, and the capture image, describe the running one */
		if (asprintf(&ctx->kernel_error, "%s (in %s)", choice.why, ctx->defaults_path) < 0) {
			ctx->kernel_error = NULL;
			return -ENOMEM;
		}
		in.setting = "running";
		in.kernelver = "";
		r = crash_kernel_choose(&in, &choice);
		if (r < 0)
			return r;
	}
	ctx->kver = choice.release;
	ctx->kernel_dedicated = choice.dedicated;
	ctx->kernel_why = strdup(choice.why);
	choice.release = NULL;
	r = sysroot_path(ctx->root, choice.path, &ctx->kernel_path);
	/* the SNP verdict is about the crash kernel, read next to its image */
	if (snp_probe_wanted(ctx))
		probe_snp_fix_image(ctx->root, ctx->kver, choice.path, &ctx->snp_fix);
	else
		snp_fix_not_probed(&ctx->snp_fix);
	crash_kernel_choice_clear(&choice);
	if (r < 0 || !ctx->kernel_why)
		return -ENOMEM;
	if (asprintf(&initrd, "%s/initramfs-%s-kdump.img", d->initrd_dir, ctx->kver) < 0)
		return -ENOMEM;
	if (sysroot_path(ctx->root, initrd, &ctx->initrd_path) < 0 ||
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
	ctx->snp_known = r >= 0;
	ctx->snp_hint = snp_hint_wanted(ctx->defaults->snp, r < 0 ? NULL : &ctx->snp);
}

static bool snp_fixed(const struct snp_fix_info *f)
{
	return f->fix == SNP_FIX_SERIES || f->fix == SNP_FIX_UPSTREAM;
}

int ctx_check_kernel(const struct kdump_ctx *ctx)
{
	if (!ctx->kernel_error)
		return 0;
	log_error("%s", ctx->kernel_error);
	return -ENOENT;
}

int ctx_check_snp_fix(const struct kdump_ctx *ctx)
{
	const struct snp_fix_info *f = &ctx->snp_fix;

	if (snp_fixed(f))
		return 0;
	if (!ctx->snp_hint) {
		if (ctx->snp.enabled)
			log_warn("KDUMP_SNP=off: crash kernel %s is armed on an SEV-SNP host; a crash "
				 "with SNP guests running will hang it (%s)", ctx->kver, f->evidence);
		return 0;
	}
	log_error("refusing crash kernel %s on this SEV-SNP host: %s (%s). After a crash with "
		  "SNP guests running, the IOMMU stays locked to the crashed kernel, and a crash "
		  "kernel without the fix hangs (\"Completion-Wait loop timed out\") before it "
		  "saves anything. Install the dedicated crash kernel (kdump-snp-crash-kernel, "
		  "built by kernel/build-crash-kernel --deb; KDUMP_KERNEL=auto picks it), or name a "
		  "kernel with the kdump-snp series or Linux 6.17.8, 6.18 or later (KDUMP_KERNEL), "
		  "or set KDUMP_SNP=off in %s to arm this one anyway", ctx->kver,
		  f->fix == SNP_FIX_ABSENT ? "it has no fix for crashes with SNP guests running"
					   : "nothing shows that it has the fix for crashes with "
					     "SNP guests running",
		  f->evidence, ctx->defaults_path);
	return -ENOEXEC;
}

int ctx_load(struct kdump_ctx *ctx, const struct global_options *o)
{
	int r;

	ctx->root = sysroot_get();
	r = load_files(ctx, o);
	if (r < 0)
		return log_error_errno(r, "cannot load the configuration");
	if (ctx->defaults->debug)
		log_set_level(LOG_LVL_DEBUG);
	/* the SNP state decides which kernel KDUMP_KERNEL=auto picks */
	probe_snp(ctx);
	return image_paths(ctx, o->kernel_version);
}

bool ctx_snp_undecided(const struct kdump_ctx *ctx)
{
	return ctx->defaults->snp == SNP_MODE_AUTO && ctx->snp.capable && !ctx->snp.kvm_amd_loaded;
}

void ctx_free(struct kdump_ctx *ctx)
{
	free(ctx->config_path);
	free(ctx->defaults_path);
	conf_free(ctx->conf);
	defaults_free(ctx->defaults);
	free(ctx->kver);
	free(ctx->kernel_path);
	free(ctx->kernel_why);
	free(ctx->kernel_error);
	free(ctx->initrd_path);
	free(ctx->inputs_path);
	free(ctx->rundir);
	conf_errors_free(&ctx->errs);
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

int ctx_lock(const char *root, const char *verb)
{
	_cleanup_free_ char *path = NULL;
	const char *env = getenv("KDUMP_SNP_LOCK_TIMEOUT_MS");
	unsigned int timeout = env ? (unsigned int)strtoul(env, NULL, 10) : LOCK_TIMEOUT_MS;
	int fd;

	if (sysroot_path(root, "/run/kdump-snp.lock", &path) < 0)
		return -ENOMEM;
	fd = lock_acquire(path, timeout);
	if (fd == -ETIMEDOUT)
		log_error("another kdumpctl still holds %s after %u %s; giving up", path,
			  timeout % 1000 ? timeout : timeout / 1000, timeout % 1000 ? "ms" : "s");
	else if ((fd == -EACCES || fd == -EPERM || fd == -EROFS) && geteuid() != 0)
		log_error("kdumpctl %s must be run as root", verb);
	else if (fd < 0)
		log_error_errno(fd, "cannot lock %s", path);
	return fd;
}
