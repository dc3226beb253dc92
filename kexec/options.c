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
	OPT_SNP,
	OPT_TYPE,
};

static const struct option long_options[] = {
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
	{ "initrd", required_argument, NULL, OPT_INITRD },
	{ "ramdisk", required_argument, NULL, OPT_INITRD },
	{ "append", required_argument, NULL, OPT_APPEND },
	{ "command-line", required_argument, NULL, OPT_APPEND },
	{ "reuse-cmdline", no_argument, NULL, OPT_REUSE_CMDLINE },
	{ "snp", required_argument, NULL, OPT_SNP },
	{ "type", required_argument, NULL, 't' },
	{ 0 }
};

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
	      "\n"
	      "Load options:\n"
	      "      --initrd=FILE        initial ramdisk to pass (also --ramdisk)\n"
	      "      --append=STRING      add STRING to the kernel command line\n"
	      "      --command-line=STRING  the same as --append\n"
	      "      --reuse-cmdline      start from the running kernel's /proc/cmdline\n"
	      "      --snp=auto|on|off    SEV-SNP hand-over for crash kernels (default auto):\n"
	      "                           on an SNP host add kdump_snp=1 and refuse\n"
	      "                           iommu=off, amd_iommu=off and intremap=off\n"
	      "  -t, --type=bzImage64     kernel format; only x86_64 bzImage is supported\n"
	      "  -s, --kexec-file-syscall use kexec_file_load(2) (the default)\n"
	      "  -c, --kexec-syscall      use kexec_load(2) (not supported)\n"
	      "\n"
	      "  -d, --debug              print what is checked and decided\n"
	      "  -v, --version            print the version\n"
	      "  -h, --help               print this help\n"
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
	case 'a':
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
		log_error("try 'kexec --help' for the list of options");
		return -EINVAL;
	}
}

static int pick_action(struct kexec_options *o)
{
	int actions = o->status + o->unload + o->exec;

	if (actions > 1 || (actions && o->force)) {
		log_error("-S, -u, -e and -f are separate actions; give one of them");
		return -EINVAL;
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
	if (!loads && (o->initrd || o->append || o->reuse_cmdline)) {
		log_error("--initrd, --append and --reuse-cmdline only apply when loading a kernel");
		return -EINVAL;
	}
	return 0;
}

int kexec_parse_options(int argc, char **argv, struct kexec_options *o)
{
	int c, r;

	*o = (struct kexec_options){ .action = ACTION_NONE, .snp = SNP_MODE_AUTO };
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":hvlpuefSdsact:", long_options, NULL)) != -1) {
		if (c == '?') {
			if (optopt)
				log_error("unknown option -%c", optopt);
			else
				log_error("unknown option %s", argv[optind - 1]);
			c = 0;
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
