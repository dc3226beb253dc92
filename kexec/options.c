// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <getopt.h>
#include <stdio.h>

#include "log.h"
#include "options.h"
#include "util.h"

enum {
	OPT_INITRD = 0x100,
	OPT_APPEND,
	OPT_REUSE_CMDLINE,
	OPT_REUSE_INITRD,
	OPT_PRINT_CKR_SIZE,
	OPT_HOTPLUG,
	OPT_SNP,
	OPT_TYPE,
	OPT_UNSUPPORTED = 0x200, /* + index in unsupported[] */
};

/* kexec-tools options that have no meaning with kexec_file_load(2) on
 * x86_64, each with the reason a user gets instead of "unknown option". */
static const struct unsupported_option {
	const char *name;
	int has_arg;
	const char *why;
} unsupported[] = {
#define PLACEMENT "with kexec_file_load(2) the kernel places the new kernel itself"
#define JUMP "kexec jump (KEXEC_PRESERVE_CONTEXT) needs kexec_load(2), which this kexec does not use"
#define XEN "Xen live update works only under Xen, through kexec_load(2)"
#define CORE "with kexec_file_load(2) the kernel builds the crash kernel's ELF core headers " \
	"itself, 64-bit on x86_64"
#define PURGATORY "it configures kexec-tools' own purgatory; kexec_file_load(2) runs the kernel's " \
	"purgatory, which has no such setting"
#define ENTRY "kexec_file_load(2) enters a bzImage only at its 64-bit entry point"
#define FORMAT "it applies to ELF and multiboot images, and this kexec loads x86_64 bzImage " \
	"kernels only"
	{ "mem-min", required_argument, PLACEMENT },
	{ "mem-max", required_argument, PLACEMENT },
	{ "load-preserve-context", no_argument, JUMP },
	{ "load-jump-back-helper", no_argument, JUMP },
	{ "entry", required_argument, JUMP },
	{ "load-live-update", no_argument, XEN },
	{ "exec-live-update", no_argument, XEN },
	{ "elf32-core-headers", no_argument, CORE },
	{ "elf64-core-headers", no_argument, CORE },
	{ "console-vga", no_argument, PURGATORY },
	{ "console-serial", no_argument, PURGATORY },
	{ "serial", required_argument, PURGATORY },
	{ "serial-baud", required_argument, PURGATORY },
	{ "reset-vga", no_argument, PURGATORY },
	{ "pass-memmap-cmdline", no_argument,
	  "with kexec_file_load(2) the kernel hands the crash kernel its memory map itself" },
	{ "noefi", no_argument,
	  "kexec_file_load(2) always passes the EFI runtime map; add noefi to --append to keep "
	  "the new kernel away from EFI" },
	{ "real-mode", no_argument, ENTRY },
	{ "entry-32bit", no_argument, ENTRY },
	{ "dtb", required_argument,
	  "an x86_64 bzImage loaded by kexec_file_load(2) takes no device tree" },
	{ "force-dtb", no_argument,
	  "an x86_64 bzImage loaded by kexec_file_load(2) takes no device tree" },
	{ "args-linux", no_argument, FORMAT },
	{ "args-elf", no_argument, FORMAT },
	{ "args-none", no_argument, FORMAT },
	{ "module", required_argument, FORMAT },
#undef PLACEMENT
#undef JUMP
#undef XEN
#undef CORE
#undef PURGATORY
#undef ENTRY
#undef FORMAT
};

static const struct option known_options[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'v' },
	{ "load", no_argument, NULL, 'l' },
	{ "load-panic", no_argument, NULL, 'p' },
	{ "unload", no_argument, NULL, 'u' },
	{ "exec", no_argument, NULL, 'e' },
	{ "force", no_argument, NULL, 'f' },
	{ "status", no_argument, NULL, 'S' },
	{ "debug", no_argument, NULL, 'd' },
	{ "kexec-file-syscall", no_argument, NULL, 's' },
	{ "kexec-syscall", no_argument, NULL, 'c' },
	{ "kexec-syscall-auto", no_argument, NULL, 'a' },
	{ "no-ifdown", no_argument, NULL, 'x' },
	{ "no-sync", no_argument, NULL, 'y' },
	{ "no-checks", no_argument, NULL, 'i' },
	{ "reuse-initrd", no_argument, NULL, OPT_REUSE_INITRD },
	{ "reuseinitrd", no_argument, NULL, OPT_REUSE_INITRD }, /* kexec-tools' spelling */
	{ "print-ckr-size", no_argument, NULL, OPT_PRINT_CKR_SIZE },
	{ "hotplug", no_argument, NULL, OPT_HOTPLUG },
	{ "initrd", required_argument, NULL, OPT_INITRD },
	{ "ramdisk", required_argument, NULL, OPT_INITRD },
	{ "append", required_argument, NULL, OPT_APPEND },
	{ "command-line", required_argument, NULL, OPT_APPEND },
	{ "reuse-cmdline", no_argument, NULL, OPT_REUSE_CMDLINE },
	{ "snp", required_argument, NULL, OPT_SNP },
	{ "type", required_argument, NULL, 't' },
};

/* known_options, then unsupported[], then the terminator */
static struct option long_options[ARRAY_SIZE(known_options) + ARRAY_SIZE(unsupported) + 1];

static void build_long_options(void)
{
	size_t n = 0;

	for (size_t i = 0; i < ARRAY_SIZE(known_options); i++)
		long_options[n++] = known_options[i];
	for (size_t i = 0; i < ARRAY_SIZE(unsupported); i++)
		long_options[n++] = (struct option){ unsupported[i].name, unsupported[i].has_arg,
						     NULL, OPT_UNSUPPORTED + (int)i };
	long_options[n] = (struct option){ 0 };
}

void kexec_usage(FILE *out)
{
	fputs("Usage: kexec [OPTION]... [KERNEL]\n"
	      "Load a kernel for a later kexec reboot (-l) or as the crash kernel (-p),\n"
	      "through kexec_file_load(2).\n"
	      "\n"
	      "Actions:\n"
	      "  -l, --load               load KERNEL for `kexec -e`\n"
	      "  -p, --load-panic         load KERNEL as the crash (kdump) kernel\n"
	      "  -u, --unload             unload the kexec kernel (with -p: the crash kernel)\n"
	      "  -e, --exec               boot the loaded kernel now (no shutdown)\n"
	      "  -f, --force              with a KERNEL: load it and boot it at once\n"
	      "  -S, --status             exit 1 if a kernel is loaded, 0 if not, as kexec-tools\n"
	      "                           does (the crash kernel by default, -l for kexec)\n"
	      "      --print-ckr-size     print the size in bytes of the crash kernel\n"
	      "                           reservation the crash kernel is loaded into\n"
	      "\n"
	      "Load options:\n"
	      "      --initrd=FILE        initial ramdisk to pass (also --ramdisk)\n"
	      "      --reuse-initrd       pass the initrd the running kernel kept (it needs\n"
	      "                           retain_initrd; also --reuseinitrd)\n"
	      "      --append=STRING      add STRING to the kernel command line\n"
	      "      --command-line=STRING  the same as --append\n"
	      "      --reuse-cmdline      start from the running kernel's /proc/cmdline\n"
	      "      --snp=auto|on|off    SEV-SNP hand-over for crash kernels (default auto):\n"
	      "                           on an SNP host add kdump_snp=1 and refuse\n"
	      "                           iommu=off, amd_iommu=off and intremap=off\n"
	      "  -t, --type=bzImage64     kernel format; only x86_64 bzImage is supported\n"
	      "  -s, --kexec-file-syscall use kexec_file_load(2) (the default)\n"
	      "  -a, --kexec-syscall-auto the same: there is no kexec_load(2) to fall back to\n"
	      "  -c, --kexec-syscall      use kexec_load(2) (not supported)\n"
	      "  -i, --no-checks          accepted; the kernel's purgatory always checks\n"
	      "      --hotplug            accepted; the kernel updates a crash kernel loaded\n"
	      "                           by kexec_file_load(2) on CPU and memory hotplug\n"
	      "\n"
	      "Boot options (-e, -f):\n"
	      "  -y, --no-sync            do not sync file systems before booting\n"
	      "  -x, --no-ifdown          accepted; network interfaces are never brought down\n"
	      "\n"
	      "  -d, --debug              print what is checked and decided\n"
	      "  -v, --version            print the version\n"
	      "  -h, --help               print this help\n"
	      "\n"
	      "Other kexec-tools options (--mem-min, --load-preserve-context, ...) are refused\n"
	      "with the reason. Usage errors exit 1, as in kexec-tools.\n"
	      "\n"
	      "Environment: KDUMP_SNP_SYSROOT=DIR reads /proc and /sys below DIR;\n"
	      "KDUMP_SNP_DRY_RUN=1 prints the system call instead of making it.\n", out);
}

static int add_append(struct kexec_options *o, const char *s)
{
	char *joined;

	if (!o->append) {
		o->append = strdup(s);
		return o->append ? 0 : -ENOMEM;
	}
	if (asprintf(&joined, "%s %s", o->append, s) < 0)
		return -ENOMEM;
	free(o->append);
	o->append = joined;
	return 0;
}

static int parse_one(struct kexec_options *o, int c)
{
	switch (c) {
	case 'h':
		o->help = true;
		return 0;
	case 'v':
		o->version = true;
		return 0;
	case 'l':
		o->load = true;
		return 0;
	case 'p':
		o->crash = true;
		return 0;
	case 'u':
		o->unload = true;
		return 0;
	case 'e':
		o->exec = true;
		return 0;
	case 'S':
		o->status = true;
		return 0;
	case 'f':
		o->force = true;
		return 0;
	case 'd':
		o->debug = true;
		return 0;
	case 's':
	case 'a': /* kexec_file_load(2) is the only loader: nothing to fall back to */
	case 'x': /* kexec-tools brings interfaces down only with its own -e; we never do */
	case 'i': /* the kernel's purgatory always verifies the loaded segments */
	case OPT_HOTPLUG: /* the kernel updates kexec_file_load(2) crash kernels on hotplug */
		return 0;
	case 'y':
		o->no_sync = true;
		return 0;
	case OPT_REUSE_INITRD:
		o->reuse_initrd = true;
		return 0;
	case OPT_PRINT_CKR_SIZE:
		o->print_ckr_size = true;
		return 0;
	case 'c':
		log_error("the legacy kexec_load(2) syscall (-c) is not supported yet; "
			  "this kexec loads through kexec_file_load(2) (-s), which needs "
			  "CONFIG_KEXEC_FILE");
		return -EINVAL;
	case 't':
		if (!streq(optarg, "bzImage64") && !streq(optarg, "bzImage")) {
			log_error("unsupported kernel type \"%s\": only bzImage64 (x86_64 bzImage) "
				  "can be loaded", optarg);
			return -EINVAL;
		}
		return 0;
	case OPT_INITRD:
		o->initrd = optarg;
		return 0;
	case OPT_APPEND:
		return add_append(o, optarg);
	case OPT_REUSE_CMDLINE:
		o->reuse_cmdline = true;
		return 0;
	case OPT_SNP:
		if (snp_mode_parse(optarg, &o->snp) < 0) {
			log_error("invalid --snp value \"%s\": use auto, on or off", optarg);
			return -EINVAL;
		}
		return 0;
	default:
		if (c >= OPT_UNSUPPORTED && c < OPT_UNSUPPORTED + (int)ARRAY_SIZE(unsupported)) {
			log_error("--%s is not supported: %s", unsupported[c - OPT_UNSUPPORTED].name,
				  unsupported[c - OPT_UNSUPPORTED].why);
			return -EINVAL;
		}
		log_error("try 'kexec --help' for the list of options");
		return -EINVAL;
	}
}

static int pick_action(struct kexec_options *o)
{
	int actions = o->status + o->unload + o->exec + o->print_ckr_size;

	if (actions > 1 || (actions && o->force)) {
		log_error("-S, -u, -e, -f and --print-ckr-size are separate actions; give one of them");
		return -EINVAL;
	}
	if (o->print_ckr_size) {
		o->action = ACTION_PRINT_CKR_SIZE;
		return 0;
	}
	if (o->load && o->crash) {
		log_error("-l and -p cannot be combined: load either a kexec kernel or a crash kernel");
		return -EINVAL;
	}
	if (o->status) {
		/* like kexec-tools: the crash kernel unless -l asks for the kexec one */
		o->crash = !o->load;
		o->action = ACTION_STATUS;
	} else if (o->unload) {
		o->action = ACTION_UNLOAD;
	} else if (o->exec) {
		if (o->crash) {
			log_error("-e boots the kexec kernel; a crash kernel boots only on a panic");
			return -EINVAL;
		}
		o->action = ACTION_EXEC;
	} else if (o->crash) {
		if (o->force) {
			log_error("-f boots a kernel now; it cannot be combined with -p");
			return -EINVAL;
		}
		o->action = ACTION_LOAD_PANIC;
	} else if (o->load || o->force) {
		o->action = ACTION_LOAD;
	} else if (o->kernel) {
		log_error("no action given for %s: use -l to load it for kexec -e, -p to load "
			  "it as the crash kernel, or -f to load and boot it now", o->kernel);
		return -EINVAL;
	} else {
		log_error("nothing to do; try 'kexec --help'");
		return -EINVAL;
	}
	return 0;
}

static int check_combination(struct kexec_options *o)
{
	bool loads;
	int r;

	r = pick_action(o);
	if (r < 0)
		return r;
	loads = o->action == ACTION_LOAD || o->action == ACTION_LOAD_PANIC;
	if (loads && !o->kernel) {
		log_error("%s needs a kernel image", o->crash ? "-p" : "-l");
		return -EINVAL;
	}
	if (!loads && o->kernel) {
		log_error("unexpected argument \"%s\" for this action", o->kernel);
		return -EINVAL;
	}
	if (!loads && (o->initrd || o->append || o->reuse_cmdline || o->reuse_initrd)) {
		log_error("--initrd, --append, --reuse-cmdline and --reuse-initrd only apply "
			  "when loading a kernel");
		return -EINVAL;
	}
	if (o->reuse_initrd && o->initrd) {
		log_error("--reuse-initrd and --initrd cannot be combined: give one initrd");
		return -EINVAL;
	}
	return 0;
}

int kexec_parse_options(int argc, char **argv, struct kexec_options *o)
{
	int c, r;

	*o = (struct kexec_options){ .action = ACTION_NONE, .snp = SNP_MODE_AUTO };
	build_long_options();
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":hvlpuefSdsacxyit:", long_options, NULL)) != -1) {
		if (c == '?') {
			if (optopt)
				log_error("unknown option -%c", optopt);
			else
				log_error("unknown option %s", argv[optind - 1]);
			c = 0;
		} else if (c == ':' && optopt >= OPT_UNSUPPORTED) {
			c = optopt; /* say why it is refused, not that it lacks a value */
		} else if (c == ':') {
			log_error("option %s needs a value", argv[optind - 1]);
			c = 0;
		}
		r = parse_one(o, c);
		if (r < 0)
			return r;
	}
	if (o->help || o->version)
		return 0;
	if (optind < argc)
		o->kernel = argv[optind++];
	if (optind < argc) {
		log_error("unexpected argument \"%s\": give one kernel image", argv[optind]);
		return -EINVAL;
	}
	return check_combination(o);
}

void kexec_options_free(struct kexec_options *o)
{
	free(o->append);
	o->append = NULL;
}
