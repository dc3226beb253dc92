// SPDX-License-Identifier: GPL-2.0-or-later
/* kexec(8): a kexec-tools compatible loader built on kexec_file_load(2). */
#include <errno.h>
#include <inttypes.h>

#include "cmdline.h"
#include "kexec-file.h"
#include "loader.h"
#include "log.h"
#include "options.h"
#include "probe.h"
#include "spawn.h"
#include "sysroot.h"
#include "util.h"

/* kexec -S: the exit status is the answer, as in kexec-tools */
#define EXIT_STATUS_LOADED 1
#define EXIT_STATUS_UNKNOWN 255

/* --reuse-cmdline: the running kernel's line without what must not carry
 * over (the boot loader's image name; a crash kernel's own reservation). */
static int reused_cmdline(const char *root, bool crash, char **out)
{
	static const char *const drop[] = { "BOOT_IMAGE", "crashkernel" };
	_cleanup_free_ char *line = NULL;
	int r;

	r = probe_cmdline(root, &line);
	if (r < 0)
		return log_error_errno(r, "cannot read the running kernel's command line");
	for (size_t i = 0; i < ARRAY_SIZE(drop); i++) {
		char *next = NULL;

		if (i == 1 && !crash)
			break;
		r = cmdline_remove_param(line, drop[i], &next);
		if (r < 0)
			return r;
		free(line);
		line = next;
	}
	*out = line;
	line = NULL;
	return 0;
}

static int compose_cmdline(const struct kexec_options *o, const char *root, char **out)
{
	_cleanup_free_ char *base = NULL;

	if (o->reuse_cmdline) {
		int r = reused_cmdline(root, o->crash, &base);

		if (r < 0)
			return r;
	}
	if (base && *base && o->append) {
		if (asprintf(out, "%s %s", base, o->append) < 0)
			return -ENOMEM;
		return 0;
	}
	*out = strdup(base && *base ? base : o->append ? o->append : "");
	return *out ? 0 : -ENOMEM;
}

/*
 * --reuse-initrd: kexec-tools reuses the initrd the running kernel kept in
 * memory (retain_initrd) through kexec_load(2) segments. kexec_file_load(2)
 * takes an initrd only as a file, which Linux offers for a kept initrd as
 * /sys/firmware/initrd.
 */
static int retained_initrd(const char *root, char **out)
{
	_cleanup_free_ char *line = NULL;
	_cleanup_free_ char *path = NULL;
	int r;

	r = probe_cmdline(root, &line);
	if (r < 0)
		return log_error_errno(r, "cannot read the running kernel's command line");
	r = cmdline_get_param(line, "retain_initrd", NULL);
	if (r < 0)
		return r;
	if (r == 0) {
		log_error("--reuse-initrd: the running kernel did not keep its initrd; boot it "
			  "with retain_initrd on its command line, or give --initrd=FILE");
		return -ENOENT;
	}
	r = sysroot_path(root, "/sys/firmware/initrd", &path);
	if (r < 0)
		return r;
	if (access(path, R_OK) < 0) {
		r = -errno;
		log_error("--reuse-initrd: %s: %s; kexec_file_load(2) can only pass an initrd it "
			  "can open as a file, and this kernel does not offer the kept one there "
			  "(Linux 6.8 and later do)", path, strerror(-r));
		return r;
	}
	*out = path;
	path = NULL;
	return 0;
}

static int do_load(const struct kexec_options *o, const char *root)
{
	_cleanup_free_ char *cmdline = NULL;
	_cleanup_free_ char *kept_initrd = NULL;
	int r;

	r = compose_cmdline(o, root, &cmdline);
	if (r < 0)
		return r;
	if (o->reuse_initrd) {
		r = retained_initrd(root, &kept_initrd);
		if (r < 0)
			return r;
	}
	return loader_load(&(struct load_request){
		.root = root,
		.kernel = o->kernel,
		.initrd = kept_initrd ? kept_initrd : o->initrd,
		.cmdline = cmdline,
		.crash = o->crash,
		.snp = o->snp,
	}, stdout, NULL);
}

/*
 * Boot the kexec kernel. Like kexec-tools ("Nothing has been loaded!"),
 * refuse when none is loaded; an unreadable state is an error, never taken
 * as loaded. The dry run checks the same; only right after its own
 * (printed, not made) load of -f is there nothing to check.
 */
static int do_exec(const char *root, bool sync_first, bool just_loaded)
{
	int r;

	if (!(just_loaded && kexec_dry_run())) {
		r = loader_status(root, false);
		if (r < 0)
			return log_error_errno(r, "cannot read the kexec kernel state");
		if (r == 0) {
			log_error("no kernel is loaded for kexec; load one first with kexec -l KERNEL");
			return -ENOENT;
		}
	}
	r = kexec_reboot(sync_first, stdout);
	if (r < 0)
		return log_error_errno(r, "kexec reboot failed");
	return 0;
}

/*
 * --print-ckr-size as kexec-tools prints it on x86: the size of the
 * highest "Crash kernel" range of /proc/iomem, the one kexec loads into
 * (with crashkernel=X,high the low range only holds DMA buffers), and 0
 * when nothing is reserved.
 */
static int print_ckr_size(const char *root)
{
	struct crash_reservation res;
	int r = probe_crash_reservation(root, &res);

	if (r == -ENOENT) {
		printf("0\n");
		return 0;
	}
	if (r == -EACCES) {
		log_error("cannot read the crash kernel reservation: /proc/iomem shows every "
			  "address as 0 to users without CAP_SYS_ADMIN; run as root");
		return r;
	}
	if (r < 0)
		return log_error_errno(r, "cannot read the crash kernel reservation from /proc/iomem");
	printf("%" PRIu64 "\n", crash_range_size(res.high.end ? &res.high : &res.low));
	return 0;
}

static int run(const struct kexec_options *o, const char *root)
{
	int r;

	switch (o->action) {
	case ACTION_LOAD:
		r = do_load(o, root);
		if (r == 0 && o->force)
			r = do_exec(root, !o->no_sync, true);
		return r;
	case ACTION_LOAD_PANIC:
		return do_load(o, root);
	case ACTION_UNLOAD:
		return loader_unload(root, o->crash, stdout);
	case ACTION_EXEC:
		return do_exec(root, !o->no_sync, false);
	case ACTION_STATUS:
		/* as kexec-tools' k_status(): the exit status is what
		 * kexec_crash_loaded (or kexec_loaded) reads, 1 when loaded and
		 * 0 when not; -1 (255) when it cannot be read */
		r = loader_status(root, o->crash);
		if (r < 0) {
			log_error_errno(r, "cannot read the %s kernel state",
					o->crash ? "crash" : "kexec");
			return EXIT_STATUS_UNKNOWN;
		}
		return r == 1 ? EXIT_STATUS_LOADED : 0;
	case ACTION_PRINT_CKR_SIZE:
		return print_ckr_size(root);
	case ACTION_NONE:
		break;
	}
	return -EINVAL;
}

int main(int argc, char **argv)
{
	struct kexec_options o;
	int r;

	spawn_ensure_stdio(); /* before anything is opened */
	log_set_program("kexec");
	r = kexec_parse_options(argc, argv, &o);
	if (r < 0) {
		/* kexec-tools exits 1 on usage errors */
		kexec_options_free(&o);
		return 1;
	}
	if (o.help) {
		kexec_usage(stdout);
		kexec_options_free(&o);
		return 0;
	}
	if (o.version) {
		printf("kexec (%s) %s\n", PACKAGE_NAME, PACKAGE_VERSION);
		kexec_options_free(&o);
		return 0;
	}
	if (o.debug)
		log_set_level(LOG_LVL_DEBUG);
	r = run(&o, sysroot_get());
	kexec_options_free(&o);
	if (r > 0)
		return r;
	return r < 0 ? 1 : 0;
}
