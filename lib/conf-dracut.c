// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dracut_args: options passed to dracut when kdumpctl builds the capture
 * image, checked so that they cannot undo what kdumpctl decides (see
 * conf-private.h).
 *
 * Rules this file adds:
 *  - The words of one dracut_args line are read as dracut's getopt(1)
 *    reads them (dracut 059 to 106): short clusters (-vq, -I/usr/bin/ls),
 *    --name=value, -i/--include with two values. An option's values are on
 *    the same line as the option.
 *  - Refused, with the reason: what chooses the kernel release (--kver),
 *    the dracut modules and so the capture /init (-a, --add, --force-add,
 *    -m, --modules, and an --omit/-o naming kdump-snp's own module), the
 *    output (-f/--force, --uefi, and every word that is not an option or
 *    an option's value: kdumpctl puts the image path and the release after
 *    a "--" of its own), the host-only settings, a dracut configuration
 *    (-c, --conf, --confdir), another root (-r, --sysroot), images without
 *    drivers or programs (--kernel-only, --no-kernel), and options that
 *    build no image or another one (--help, --list-modules, --rebuild,
 *    --regenerate-all, ...).
 *  - Options dracut does not have, and abbreviations of long options
 *    (getopt(1) would take "--kv" as --kver), are refused too.
 */
#include <errno.h>
#include <string.h>

#include "conf-private.h"
#include "util.h"

/* Makefile.am defines it; the fuzzer builds the parser without it */
#ifndef DRACUT_MODULE_NAME
#define DRACUT_MODULE_NAME "kdump-snp"
#endif

struct dracut_opt {
	const char *name;	/* "-a", "--add" */
	unsigned int nvalues;	/* 0, 1, or 2 for -i/--include */
	const char *why;	/* refused: why; NULL when allowed */
};

#define KVER "kdumpctl builds the image for the crash kernel's release (KDUMP_KERNELVER)"
#define MODULES "kdumpctl chooses the dracut modules, which decide the capture image's /init " \
	"(KDUMP_CAPTURE_INIT)"
#define OUTPUT "kdumpctl writes the image itself (to a temporary file, renamed when complete)"
#define HOSTONLY "kdumpctl builds a strict host-only image, the smallest that boots this " \
	"host's crash kernel"
#define CMDLINE "kdumpctl composes the crash kernel's command line; the host's root= and " \
	"boot options stay out of the image"
#define CONF "a dracut configuration given here replaces the host's and can change the " \
	"modules and the host-only mode that kdumpctl sets"
#define PARTIAL "the capture image needs both its kernel modules and its programs"
#define NO_IMAGE "it does not build an image"
#define UEFI "kexec loads an initramfs, not a UEFI executable"

/* dracut 059's getopt lists ("a:m:o:d:I:k:c:r:L:fvqlHhMNp" and its long
 * options), with -i/--include, and those dracut 106 added. */
static const struct dracut_opt opts[] = {
	{ "-a", 1, MODULES }, { "--add", 1, MODULES }, { "--force-add", 1, MODULES },
	{ "-m", 1, MODULES }, { "--modules", 1, MODULES },
	{ "-o", 1, NULL }, { "--omit", 1, NULL },
	{ "--kver", 1, KVER },
	{ "-f", 0, OUTPUT }, { "--force", 0, OUTPUT },
	{ "-H", 0, HOSTONLY }, { "--hostonly", 0, HOSTONLY }, { "--host-only", 0, HOSTONLY },
	{ "-N", 0, HOSTONLY }, { "--no-hostonly", 0, HOSTONLY },
	{ "--no-host-only", 0, HOSTONLY }, { "--hostonly-mode", 1, HOSTONLY },
	{ "--hostonly-cmdline", 0, CMDLINE }, { "--no-hostonly-cmdline", 0, CMDLINE },
	{ "-c", 1, CONF }, { "--conf", 1, CONF }, { "--confdir", 1, CONF },
	{ "-r", 1, "kdumpctl builds the image from the host's root" },
	{ "--sysroot", 1, "kdumpctl builds the image from the host's root" },
	{ "--kernel-only", 0, PARTIAL }, { "--no-kernel", 0, PARTIAL },
	{ "-h", 0, NO_IMAGE }, { "--help", 0, NO_IMAGE }, { "--version", 0, NO_IMAGE },
	{ "--list-modules", 0, NO_IMAGE }, { "--print-cmdline", 0, NO_IMAGE },
	{ "--check-supported", 0, NO_IMAGE },
	{ "--noimageifnotneeded", 0, "the capture image is always needed" },
	{ "--rebuild", 1, "it takes its arguments from another image" },
	{ "--regenerate-all", 0, "it rebuilds the host's boot images, not the capture image" },
	{ "--uefi", 0, UEFI },
	/* allowed */
	{ "-d", 1, NULL }, { "--drivers", 1, NULL }, { "--add-drivers", 1, NULL },
	{ "--force-drivers", 1, NULL }, { "--omit-drivers", 1, NULL },
	{ "--filesystems", 1, NULL }, { "-I", 1, NULL }, { "--install", 1, NULL },
	{ "--install-optional", 1, NULL }, { "-i", 2, NULL }, { "--include", 2, NULL },
	{ "-k", 1, NULL }, { "--kmoddir", 1, NULL }, { "--fwdir", 1, NULL },
	{ "--libdirs", 1, NULL }, { "--fscks", 1, NULL }, { "--nofscks", 0, NULL },
	{ "--add-fstab", 1, NULL }, { "--fstab", 0, NULL }, { "--mount", 1, NULL },
	{ "--device", 1, NULL }, { "--add-device", 1, NULL }, { "--ro-mnt", 0, NULL },
	{ "--tmpdir", 1, NULL }, { "-L", 1, NULL }, { "--stdlog", 1, NULL },
	{ "--compress", 1, NULL }, { "--squash-compressor", 1, NULL },
	{ "--prefix", 1, NULL }, { "--noprefix", 0, NULL },
	{ "--kernel-cmdline", 1, NULL }, { "--strip", 0, NULL },
	{ "--aggressive-strip", 0, NULL }, { "--nostrip", 0, NULL },
	{ "--hardlink", 0, NULL }, { "--nohardlink", 0, NULL },
	{ "--mdadmconf", 0, NULL }, { "--nomdadmconf", 0, NULL },
	{ "--lvmconf", 0, NULL }, { "--nolvmconf", 0, NULL },
	{ "--debug", 0, NULL }, { "--profile", 0, NULL }, { "--sshkey", 1, NULL },
	{ "--logfile", 1, NULL }, { "-v", 0, NULL }, { "--verbose", 0, NULL },
	{ "-q", 0, NULL }, { "--quiet", 0, NULL }, { "-l", 0, NULL }, { "--local", 0, NULL },
	{ "--no-hostonly-default-device", 0, NULL }, { "--hostonly-i18n", 0, NULL },
	{ "--no-hostonly-i18n", 0, NULL }, { "--hostonly-nics", 1, NULL },
	{ "--persistent-policy", 1, NULL },
	{ "--gzip", 0, NULL }, { "--bzip2", 0, NULL }, { "--lzma", 0, NULL },
	{ "--xz", 0, NULL }, { "--lzo", 0, NULL }, { "--lz4", 0, NULL }, { "--zstd", 0, NULL },
	{ "--no-compress", 0, NULL }, { "--enhanced-cpio", 0, NULL },
	{ "-M", 0, NULL }, { "--show-modules", 0, NULL }, { "--keep", 0, NULL },
	{ "--printsize", 0, NULL }, { "-p", 0, NULL }, { "--parallel", 0, NULL },
	{ "--early-microcode", 0, NULL }, { "--no-early-microcode", 0, NULL },
	{ "--reproducible", 0, NULL }, { "--no-reproducible", 0, NULL },
	{ "--loginstall", 1, NULL }, { "--no-uefi", 0, NULL }, { "--uefi-stub", 1, NULL },
	{ "--uefi-splash-image", 1, NULL }, { "--kernel-image", 1, NULL },
	{ "--sbat", 1, NULL }, { "--no-machineid", 0, NULL },
	{ "--no-create-sysusers", 0, NULL },
};

#define POSITIONAL "kdumpctl gives dracut the image path and the kernel release"

struct dracut_line {
	struct conf_parser *p;
	unsigned int line;
	char **words;
	const unsigned int *columns;
	size_t i;		/* the word being read */
};

static const struct dracut_opt *find_short(char c)
{
	for (size_t i = 0; i < ARRAY_SIZE(opts); i++)
		if (opts[i].name[1] == c && opts[i].name[2] == '\0')
			return &opts[i];
	return NULL;
}

/* Exact long name (without "--", len bytes), or NULL with *matches set to
 * how many long options start with it and *abbrev_of to the last one. */
static const struct dracut_opt *find_long(const char *name, size_t len, size_t *matches,
					  const struct dracut_opt **abbrev_of)
{
	*matches = 0;
	*abbrev_of = NULL;
	for (size_t i = 0; i < ARRAY_SIZE(opts); i++) {
		const char *l = opts[i].name;

		if (l[1] != '-' || strncmp(l + 2, name, len) != 0)
			continue;
		if (l[2 + len] == '\0')
			return &opts[i];
		(*matches)++;
		*abbrev_of = &opts[i];
	}
	return NULL;
}

/* Whether a blank-separated dracut module list names our own module. */
static bool names_own_module(const char *list)
{
	size_t n = strlen(DRACUT_MODULE_NAME);

	for (const char *s = list; *s; ) {
		size_t len;

		s += strspn(s, " \t,");
		len = strcspn(s, " \t,");
		if (len == n && strncmp(s, DRACUT_MODULE_NAME, n) == 0)
			return true;
		s += len;
	}
	return false;
}

/*
 * One option given at column col, its first value attached (or NULL: the
 * values are the next words). Refused options are reported; their values
 * are skipped all the same, so that they are not taken for positional
 * words.
 */
static void take_option(struct dracut_line *d, const struct dracut_opt *o, unsigned int col,
			const char *attached)
{
	const char *value = attached;
	unsigned int vcol = col;
	size_t have = attached ? 1 : 0;

	while (have < o->nvalues && d->words[d->i + 1]) {
		d->i++;
		if (!value) {
			value = d->words[d->i];
			vcol = d->columns[d->i];
		}
		have++;
	}
	if (o->why) {
		conf_error(d->p, d->line, col,
			   "dracut option \"%s\" is not allowed in dracut_args: %s", o->name, o->why);
		return;
	}
	if (have < o->nvalues) {
		conf_error(d->p, d->line, col, o->nvalues == 2 ?
			   "dracut option \"%s\" needs two values (source and target) on the same line" :
			   "dracut option \"%s\" needs a value on the same line", o->name);
		return;
	}
	if ((streq(o->name, "-o") || streq(o->name, "--omit")) && names_own_module(value))
		conf_error(d->p, d->line, vcol,
			   "dracut_args \"%s\" leaves out kdump-snp's own dracut module", o->name);
}

static int check_long(struct dracut_line *d)
{
	const char *a = d->words[d->i], *name = a + 2, *eq = strchr(name, '=');
	size_t len = eq ? (size_t)(eq - name) : strlen(name), matches;
	unsigned int col = d->columns[d->i];
	const struct dracut_opt *o, *abbrev;

	o = find_long(name, len, &matches, &abbrev);
	if (o && eq && o->nvalues != 1) {
		conf_error(d->p, d->line, col, o->nvalues ?
			   "dracut option \"%s\" takes its two values as separate words" :
			   "dracut option \"%s\" takes no value", o->name);
		return 0;
	}
	if (o) {
		take_option(d, o, col, eq ? eq + 1 : NULL);
		return 0;
	}
	{
		_cleanup_free_ char *written = strndup(a, (size_t)(name - a) + len);

		if (!written)
			return -ENOMEM;
		if (matches == 1)
			conf_error(d->p, d->line, col,
				   "dracut option \"%s\" is abbreviated; write \"%s\"", written,
				   abbrev->name);
		else if (matches > 1)
			conf_error(d->p, d->line, col,
				   "dracut option \"%s\" is ambiguous; write it in full", written);
		else
			conf_error(d->p, d->line, col, "unknown dracut option \"%s\"", written);
		/* the value of an abbreviated option is not a word of its own */
		if (matches == 1 && !eq)
			for (unsigned int k = 0; k < abbrev->nvalues && d->words[d->i + 1]; k++)
				d->i++;
	}
	return 0;
}

/* A cluster of short options (-vq, -I/usr/bin/ls); one with a value ends it. */
static void check_short(struct dracut_line *d)
{
	const char *word = d->words[d->i];
	unsigned int col = d->columns[d->i];

	for (const char *a = word + 1; *a; a++) {
		const struct dracut_opt *o = find_short(*a);

		if (!o) {
			if ((unsigned char)*a < 0x80)
				conf_error(d->p, d->line, col, "unknown dracut option \"-%c\"", *a);
			else
				conf_error(d->p, d->line, col, "unknown dracut option in \"%s\"", word);
			return;
		}
		/* dracut reads -i as a word of its own only */
		if (o->nvalues == 2 && (a != word + 1 || a[1])) {
			conf_error(d->p, d->line, col,
				   "dracut option \"-i\" must be a word of its own, followed by its two values");
			return;
		}
		if (o->nvalues) {
			take_option(d, o, col, a[1] ? a + 1 : NULL);
			return;
		}
		take_option(d, o, col, NULL);
	}
}

int conf_check_dracut_args(struct conf_parser *p, unsigned int line, char **words,
			   const unsigned int *columns)
{
	struct dracut_line d = { .p = p, .line = line, .words = words, .columns = columns };
	int r;

	for (d.i = 0; words[d.i]; d.i++) {
		const char *a = words[d.i];

		if (streq(a, "--")) {
			conf_error(p, line, columns[d.i], "\"--\" in dracut_args: " POSITIONAL
				   " after it");
		} else if (a[0] != '-' || a[1] == '\0') {
			conf_error(p, line, columns[d.i],
				   "unexpected argument \"%s\" in dracut_args: " POSITIONAL, a);
		} else if (a[1] == '-') {
			r = check_long(&d);
			if (r < 0)
				return r;
		} else {
			check_short(&d);
		}
	}
	return 0;
}
