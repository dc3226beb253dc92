// SPDX-License-Identifier: GPL-2.0-or-later
/* kdumpctl(8): set up kdump on the running host. */
#include <errno.h>
#include <getopt.h>
#include <string.h>

#include "kdumpctl.h"
#include "log.h"
#include "spawn.h"
#include "sysroot.h"
#include "util.h"

enum verb_flags {
	VERB_CONFIG_REQUIRED = 1 << 0, /* fail when kdump.conf has errors */
	VERB_JSON = 1 << 1,            /* accepts --json */
	VERB_YES = 1 << 2,             /* accepts --yes */
	VERB_SAVE = 1 << 3,            /* accepts --vmcore and --target */
	VERB_INIT = 1 << 4,            /* the capture image's /init: prepares the system first */
	VERB_LOCK = 1 << 5,            /* changes the host: one at a time (ctx_lock) */
	VERB_SIZE = 1 << 6,            /* accepts --size */
	VERB_KVER = 1 << 7,            /* accepts --kernel-version */
	VERB_SETTLE = 1 << 8,          /* arms: waits for udev's queue first */
};

static const struct verb {
	const char *name;
	verb_fn fn;
	unsigned int flags;
	const char *help;
} verbs[] = {
	{ "start", verb_start, VERB_CONFIG_REQUIRED | VERB_LOCK | VERB_SETTLE, "check the config, rebuild the capture image if stale, load the crash kernel" },
	{ "stop", verb_stop, VERB_LOCK, "unload the crash kernel" },
	{ "restart", verb_restart, VERB_CONFIG_REQUIRED | VERB_LOCK | VERB_SETTLE, "rebuild if stale, then load again; the loaded crash kernel stays until the new one replaces it" },
	{ "reload", verb_restart, VERB_CONFIG_REQUIRED | VERB_LOCK | VERB_SETTLE, "the same as restart" },
	{ "rebuild", verb_rebuild, VERB_CONFIG_REQUIRED | VERB_LOCK | VERB_KVER,
	  "rebuild the capture image now (--kernel-version: for that kernel)" },
	{ "propagate", verb_propagate, VERB_CONFIG_REQUIRED, "ssh target: make the key, install it on the server, record the host key, prove a login" },
	{ "check", verb_check, VERB_CONFIG_REQUIRED, "validate the config and show what start would use" },
	{ "status", verb_status, VERB_JSON, "exit 0 when kdump is operational, 3 when not (--json)" },
	{ "showmem", verb_showmem, 0, "show the memory reserved for the crash kernel" },
	{ "estimate", verb_estimate, 0, "recommend a crashkernel= size for this host" },
	{ "reset-crashkernel", verb_reset_crashkernel, VERB_LOCK | VERB_SIZE,
	  "set crashkernel= in GRUB's configuration: the estimate, or --size" },
	{ "test", verb_test, VERB_YES, "panic the machine to test kdump (asks unless --yes)" },
	{ "save", verb_save, VERB_CONFIG_REQUIRED | VERB_SAVE, "save the dump (in the crash kernel, or --vmcore FILE --target DIR)" },
	{ "capture", verb_capture, VERB_CONFIG_REQUIRED | VERB_INIT, "the minimal capture image's /init: set up, then save (PID 1 only)" },
};

static void usage(FILE *out)
{
	fprintf(out, "Usage: kdumpctl [OPTION]... COMMAND\n"
		     "Set up kernel crash dumps (kdump) on this host.\n\nCommands:\n");
	for (size_t i = 0; i < ARRAY_SIZE(verbs); i++)
		fprintf(out, "  %-10s %s\n", verbs[i].name, verbs[i].help);
	fprintf(out, "\nOptions:\n"
		     "  -c, --config=FILE    kdump.conf to use (default %s)\n"
		     "      --defaults=FILE  defaults file to use (default %s)\n"
		     "      --json           status: print JSON\n"
		     "  -y, --yes            test: do not ask for confirmation\n"
		     "      --vmcore=FILE    save: the dump to save (default /proc/vmcore)\n"
		     "      --target=DIR     save: the directory to save it in\n"
		     "      --size=SIZE      reset-crashkernel: crashkernel= to set (auto: the estimate)\n"
		     "      --kernel-version=RELEASE  rebuild: for that kernel, not the running one\n"
		     "      --settle         start, restart: wait for udev to load this boot's drivers\n"
		     "                       first (kdump-rearm.service)\n"
		     "  -d, --debug          print what is checked and decided\n"
		     "  -h, --help           print this help\n"
		     "  -V, --version        print the version\n",
		KDUMP_CONF_PATH, KDUMP_DEFAULTS_PATH);
}

/*
 * start and restart read the host before udev has loaded this boot's
 * drivers when it is still busy, so that an image that is up to date is
 * loaded at once (verb-load.c builds only after waiting for it). Whether
 * SNP is enabled is not known before kvm_amd is loaded, and it decides the
 * crash kernel: then they wait first. Returns true when the host must be
 * read again.
 */
static bool settle_for_arming(struct kdump_ctx *ctx)
{
	ctx->udev_busy = udev_loading(ctx->root);
	if (!ctx->udev_busy || !ctx_snp_undecided(ctx))
		return false;
	log_info("this host is SEV-SNP capable and kvm_amd is not loaded yet: waiting for udev "
		 "to load it before choosing the crash kernel");
	udev_wait_drivers(ctx->root);
	return true;
}

static const struct verb *find_verb(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(verbs); i++)
		if (streq(verbs[i].name, name))
			return &verbs[i];
	return NULL;
}

enum { OPT_DEFAULTS = 0x100, OPT_JSON, OPT_VMCORE, OPT_TARGET, OPT_SIZE, OPT_KVER, OPT_SETTLE };

static int parse_options(int argc, char **argv, struct global_options *o, const char **verb)
{
	static const struct option options[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "defaults", required_argument, NULL, OPT_DEFAULTS },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "yes", no_argument, NULL, 'y' },
		{ "vmcore", required_argument, NULL, OPT_VMCORE },
		{ "target", required_argument, NULL, OPT_TARGET },
		{ "size", required_argument, NULL, OPT_SIZE },
		{ "kernel-version", required_argument, NULL, OPT_KVER },
		{ "settle", no_argument, NULL, OPT_SETTLE },
		{ "debug", no_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 }
	};
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":c:ydhV", options, NULL)) != -1) {
		switch (c) {
		case 'c':
			o->config = optarg;
			break;
		case OPT_DEFAULTS:
			o->defaults = optarg;
			break;
		case OPT_JSON:
			o->json = true;
			break;
		case 'y':
			o->yes = true;
			break;
		case OPT_VMCORE:
			o->vmcore = optarg;
			break;
		case OPT_TARGET:
			o->target = optarg;
			break;
		case OPT_SIZE:
			o->size = optarg;
			break;
		case OPT_KVER:
			/* a file name component, as KDUMP_KERNELVER */
			if (!*optarg || optarg[0] == '-' || strchr(optarg, '/') || strstr(optarg, "..")) {
				log_error("--kernel-version=%s: not a kernel release", optarg);
				return -1;
			}
			o->kernel_version = optarg;
			break;
		case OPT_SETTLE:
			o->settle = true;
			break;
		case 'd':
			o->debug = true;
			break;
		case 'h':
			usage(stdout);
			return 1;
		case 'V':
			printf("kdumpctl (%s) %s\n", PACKAGE_NAME, PACKAGE_VERSION);
			return 1;
		case ':':
			log_error("option %s needs a value", argv[optind - 1]);
			return -1;
		default:
			log_error("unknown option %s; try 'kdumpctl --help'", argv[optind - 1]);
			return -1;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return -1;
	}
	*verb = argv[optind];
	if (optind + 1 < argc) {
		log_error("unexpected argument \"%s\" after %s", argv[optind + 1], *verb);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct global_options o = { 0 };
	struct kdump_ctx ctx = { 0 };
	_cleanup_close_ int lock = -1;
	const struct verb *v;
	const char *name = NULL;
	int r;

	/* before anything is opened; as /init, capture_prepare() retries once
	 * /dev is mounted */
	spawn_ensure_stdio();
	log_set_program("kdumpctl");
	r = parse_options(argc, argv, &o, &name);
	if (r != 0)
		return r > 0 ? 0 : EXIT_USAGE;
	if (o.debug)
		log_set_level(LOG_LVL_DEBUG);
	v = find_verb(name);
	if (!v) {
		log_error("unknown command \"%s\"; try 'kdumpctl --help'", name);
		return EXIT_USAGE;
	}
	if ((o.json && !(v->flags & VERB_JSON)) || (o.yes && !(v->flags & VERB_YES)) ||
	    ((o.vmcore || o.target) && !(v->flags & VERB_SAVE)) || (o.size && !(v->flags & VERB_SIZE)) ||
	    (o.kernel_version && !(v->flags & VERB_KVER)) || (o.settle && !(v->flags & VERB_SETTLE))) {
		log_error("%s does not apply to %s",
			  o.json ? "--json" : o.yes ? "--yes" : o.vmcore ? "--vmcore" :
			  o.target ? "--target" : o.size ? "--size" :
			  o.kernel_version ? "--kernel-version" : "--settle", name);
		return EXIT_USAGE;
	}
	if (v->flags & VERB_INIT && capture_prepare() < 0)
		return 1;
	o.devices_later = v->flags & (VERB_SAVE | VERB_INIT);
	/* before anything is read: a second start works from what the first left */
	if (v->flags & VERB_LOCK) {
		lock = ctx_lock(sysroot_get(), name);
		if (lock < 0)
			return 1;
	}
	if (v->flags & VERB_SETTLE && o.settle)
		udev_wait_drivers(sysroot_get());
	r = ctx_load(&ctx, &o);
	if (r == 0 && v->flags & VERB_SETTLE && !o.settle && settle_for_arming(&ctx)) {
		ctx_free(&ctx);
		r = ctx_load(&ctx, &o);
	}
	if (r < 0) {
		/* status still prints its one answer */
		if (streq(name, "status"))
			r = status_unavailable(&ctx, &o, r);
		else
			ctx_print_errors(&ctx, stderr, "");
		if (v->flags & VERB_INIT)
			capture_give_up("the capture image cannot describe this host");
		ctx_free(&ctx);
		return streq(name, "status") ? r : 1;
	}
	if (ctx.errs.n && v->flags & VERB_CONFIG_REQUIRED) {
		ctx_print_errors(&ctx, stderr, "");
		if (v->flags & VERB_INIT)
			capture_give_up("the capture image's kdump.conf cannot be used");
		ctx_free(&ctx);
		return 1;
	}
	/* status reports them itself; the others say where to look */
	if (ctx.errs.n && !streq(name, "status"))
		log_warn("the configuration has %zu error%s (kdumpctl check lists them); "
			 "%s does not need it", ctx.errs.n, ctx.errs.n == 1 ? "" : "s", name);
	r = v->fn(&ctx, &o);
	ctx_free(&ctx);
	if (r < 0)
		return 1;
	return r;
}
