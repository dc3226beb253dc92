// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * core_collector: the program that copies /proc/vmcore at crash time, and
 * its options, checked so that a configuration that parses cannot make the
 * collector refuse to start (see conf-private.h).
 *
 * Rules this file adds:
 *  - The value is split like a shell command (strv_split_quoted); the
 *    program is a bare name: makedumpfile, cp or cat (the capture image
 *    has them in PATH). kdumpctl save supplies the input (/proc/vmcore)
 *    and the output; no positional argument may be given.
 *  - cp and cat take no options: they copy /proc/vmcore as is, unfiltered
 *    and uncompressed (as big as the host's memory).
 *  - makedumpfile options are read as makedumpfile 1.7's getopt_long()
 *    reads them (clusters like -ld31, --name=value), with these accepted:
 *      -c -l -p -z   one compression (zlib, lzo, snappy, zstd; a
 *                    makedumpfile built without snappy or zstd ignores
 *                    -p or -z with a warning and writes uncompressed)
 *      -E            ELF format; not with a compression or --num-threads
 *      -d N[,N...]   dump level(s), each 0..31
 *      --message-level N   0..31
 *      --num-threads N     0..1024
 *      --cyclic-buffer N, --splitblock-size N   1..2147483647 (KiB)
 *      --work-dir DIR      absolute path
 *      -e            needs --work-dir, as makedumpfile requires
 *      -D -f --non-mmap --show-stats
 *      -F            only with an ssh target (flattened output on stdout)
 *    Every other makedumpfile option is refused with the reason (it needs
 *    a file the capture image does not have, or does not write a dump, or
 *    is for Xen or sadump); options makedumpfile does not have, and
 *    abbreviated long options, are refused too.
 *  - What the options add up to is kept in conf->mdf (conf.h) for the
 *    code that acts on it (kdumpctl save sizes the target from it), so
 *    that nothing else reads makedumpfile's options again. As in
 *    makedumpfile, the last -d replaces the levels of an earlier one.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "conf-private.h"
#include "strv.h"
#include "util.h"

enum opt_kind {
	OPT_FLAG,
	OPT_COMPRESS,
	OPT_ELF,
	OPT_EXCLUDE_VM,		/* -e */
	OPT_FLATTEN,		/* -F */
	OPT_NUMBER,
	OPT_LEVELS,		/* -d */
	OPT_DIR,		/* --work-dir */
	OPT_REFUSED,
};

struct mdf_opt {
	const char *name;	/* "-c", "--num-threads" */
	bool has_arg;
	enum opt_kind kind;
	unsigned long min, max;	/* OPT_NUMBER, OPT_LEVELS */
	const char *why;	/* OPT_REFUSED */
};

#define NEEDS_FILE "it reads a file that is not in the capture image"
#define NO_DUMP "it does not write a dump"
#define XEN "it is for Xen dumps"
#define INT_MAX_ 2147483647UL

/* makedumpfile 1.7: "b:cDd:eEFfg:hi:lL:pRvXx:z" and its long options. */
static const struct mdf_opt mdf_opts[] = {
	{ "-c", false, OPT_COMPRESS, 0, 0, NULL },
	{ "-l", false, OPT_COMPRESS, 0, 0, NULL },
	{ "-p", false, OPT_COMPRESS, 0, 0, NULL },
	{ "-z", false, OPT_COMPRESS, 0, 0, NULL },
	{ "-E", false, OPT_ELF, 0, 0, NULL },
	{ "-d", true, OPT_LEVELS, 0, 31, NULL },
	{ "-e", false, OPT_EXCLUDE_VM, 0, 0, NULL },
	{ "-F", false, OPT_FLATTEN, 0, 0, NULL },
	{ "-D", false, OPT_FLAG, 0, 0, NULL },
	{ "-f", false, OPT_FLAG, 0, 0, NULL },
	{ "--message-level", true, OPT_NUMBER, 0, 31, NULL },
	{ "--num-threads", true, OPT_NUMBER, 0, 1024, NULL },
	{ "--cyclic-buffer", true, OPT_NUMBER, 1, INT_MAX_, NULL },
	{ "--splitblock-size", true, OPT_NUMBER, 1, INT_MAX_, NULL },
	{ "--work-dir", true, OPT_DIR, 0, 0, NULL },
	{ "--non-mmap", false, OPT_FLAG, 0, 0, NULL },
	{ "--show-stats", false, OPT_FLAG, 0, 0, NULL },
	{ "-b", true, OPT_REFUSED, 0, 0, "the crash memory is not sized for a larger cache" },
	{ "-L", true, OPT_REFUSED, 0, 0, "the dump fails when the size limit is reached" },
	{ "-x", true, OPT_REFUSED, 0, 0, NEEDS_FILE },
	{ "-i", true, OPT_REFUSED, 0, 0, NEEDS_FILE },
	{ "-g", true, OPT_REFUSED, 0, 0, NO_DUMP },
	{ "-R", false, OPT_REFUSED, 0, 0, NO_DUMP },
	{ "-h", false, OPT_REFUSED, 0, 0, NO_DUMP },
	{ "-v", false, OPT_REFUSED, 0, 0, NO_DUMP },
	{ "-X", false, OPT_REFUSED, 0, 0, XEN },
	{ "--help", false, OPT_REFUSED, 0, 0, NO_DUMP },
	{ "--config", true, OPT_REFUSED, 0, 0, NEEDS_FILE },
	{ "--eppic", true, OPT_REFUSED, 0, 0, NEEDS_FILE },
	{ "--split", false, OPT_REFUSED, 0, 0, "it needs several dump files" },
	{ "--reassemble", false, OPT_REFUSED, 0, 0, NO_DUMP },
	{ "--dump-dmesg", false, OPT_REFUSED, 0, 0, NO_DUMP },
	{ "--partial-dmesg", false, OPT_REFUSED, 0, 0, NO_DUMP },
	{ "--mem-usage", false, OPT_REFUSED, 0, 0, NO_DUMP },
	{ "--vtop", true, OPT_REFUSED, 0, 0, NO_DUMP },
	{ "--check-params", false, OPT_REFUSED, 0, 0, NO_DUMP },
	{ "--dry-run", false, OPT_REFUSED, 0, 0, NO_DUMP },
	{ "--diskset", true, OPT_REFUSED, 0, 0, "it is for sadump disk sets" },
	{ "--xen-syms", true, OPT_REFUSED, 0, 0, XEN },
	{ "--xen-vmcoreinfo", true, OPT_REFUSED, 0, 0, XEN },
	{ "--xen_phys_start", true, OPT_REFUSED, 0, 0, XEN },
};

/* What the options given add up to. */
struct mdf_state {
	struct conf_parser *p;
	struct conf_mdf *mdf;		/* filled as the options are read */
	unsigned int line;
	const struct mdf_opt *compress;	/* the first compression given */
	const struct mdf_opt *elf;
	const struct mdf_opt *threads;	/* --num-threads other than 0 */
	const struct mdf_opt *exclude_vm;
	unsigned int exclude_vm_column;
	bool work_dir;
};

static const struct mdf_opt *find_short(char c)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(mdf_opts); i++)
		if (mdf_opts[i].name[1] == c && mdf_opts[i].name[2] == '\0')
			return &mdf_opts[i];
	return NULL;
}

/* Exact name (without "--"), or NULL and (*abbrev_of) the one long option
 * that name is the start of. */
static const struct mdf_opt *find_long(const char *name, size_t len,
				       const struct mdf_opt **abbrev_of)
{
	const struct mdf_opt *found = NULL;
	size_t i, matches = 0;

	*abbrev_of = NULL;
	for (i = 0; i < ARRAY_SIZE(mdf_opts); i++) {
		const char *l = mdf_opts[i].name;

		if (l[1] != '-' || strncmp(l + 2, name, len) != 0)
			continue;
		if (l[2 + len] == '\0')
			return &mdf_opts[i];
		found = &mdf_opts[i];
		matches++;
	}
	if (matches == 1 && len > 0)
		*abbrev_of = found;
	return NULL;
}

/* Decimal digits only, no sign, within [min, max]; s ends at end. */
static bool parse_number(const char *s, const char *end, unsigned long min,
			 unsigned long max, unsigned long *out)
{
	unsigned long v = 0;

	if (s == end)
		return false;
	for (; s < end; s++) {
		unsigned long digit;

		if (*s < '0' || *s > '9')
			return false;
		digit = (unsigned long)(*s - '0');
		if (v > (max - digit) / 10 || digit > max)
			return false;
		v = v * 10 + digit;
	}
	*out = v;
	return v >= min;
}

/* N[,N...] as makedumpfile's parse_dump_level() takes it; a valid list
 * replaces mdf's levels. */
static bool parse_levels(const char *s, unsigned long max, struct conf_mdf *mdf)
{
	unsigned char levels[CONF_MDF_MAX_LEVELS];
	unsigned long v;
	size_t n = 0;

	for (;;) {
		const char *comma = strchr(s, ',');
		const char *end = comma ? comma : s + strlen(s);

		if (!parse_number(s, end, 0, max, &v) || n >= CONF_MDF_MAX_LEVELS)
			return false;
		levels[n++] = (unsigned char)v;
		if (!comma)
			break;
		s = comma + 1;
	}
	memcpy(mdf->dump_levels, levels, n);
	mdf->n_dump_levels = (unsigned int)n;
	return true;
}

static enum conf_mdf_compression compression_of(const struct mdf_opt *o)
{
	switch (o->name[1]) {
	case 'c':
		return CONF_MDF_ZLIB;
	case 'l':
		return CONF_MDF_LZO;
	case 'p':
		return CONF_MDF_SNAPPY;
	default:
		return CONF_MDF_ZSTD;
	}
}

static void conflict(struct mdf_state *st, unsigned int column,
		     const struct mdf_opt *o, const struct mdf_opt *with,
		     const char *why)
{
	conf_error(st->p, st->line, column,
		   "makedumpfile option \"%s\" conflicts with \"%s\"%s",
		   o->name, with->name, why);
}

#define ELF_WHY ": the ELF format is not compressed"
#define THREADS_WHY ": threads write the compressed format only"

/* Record and check one option; value is NULL for options without one. */
static void mdf_option(struct mdf_state *st, const struct mdf_opt *o,
		       unsigned int column, const char *value,
		       unsigned int value_column)
{
	struct conf_parser *p = st->p;
	unsigned long v;

	if (o->has_arg && o->kind != OPT_REFUSED && !value)
		return;		/* take_value() reported it */
	switch (o->kind) {
	case OPT_FLAG:
		break;
	case OPT_COMPRESS:
		if (st->elf)
			conflict(st, column, o, st->elf, ELF_WHY);
		else if (st->compress && st->compress != o)
			conflict(st, column, o, st->compress, "; give one compression");
		if (!st->compress) {
			st->compress = o;
			st->mdf->compression = compression_of(o);
		}
		break;
	case OPT_ELF:
		if (st->compress)
			conflict(st, column, o, st->compress, ELF_WHY);
		else if (st->threads)
			conflict(st, column, o, st->threads, THREADS_WHY);
		st->elf = o;
		st->mdf->format = CONF_MDF_ELF;
		break;
	case OPT_EXCLUDE_VM:
		st->exclude_vm = o;
		st->exclude_vm_column = column;
		break;
	case OPT_FLATTEN:
		if (p->conf->target_type != CONF_TARGET_SSH)
			conf_error(p, st->line, column,
				   "makedumpfile option \"%s\" is only for ssh targets", o->name);
		st->mdf->flattened = true;
		break;
	case OPT_LEVELS:
		if (!parse_levels(value, o->max, st->mdf))
			conf_error(p, st->line, value_column,
				   "makedumpfile option \"%s\" needs dump levels from 0 to %lu, not \"%s\"",
				   o->name, o->max, value);
		break;
	case OPT_NUMBER:
		if (!parse_number(value, value + strlen(value), o->min, o->max, &v)) {
			conf_error(p, st->line, value_column,
				   "makedumpfile option \"%s\" needs a number from %lu to %lu, not \"%s\"",
				   o->name, o->min, o->max, value);
			break;
		}
		if (streq(o->name, "--num-threads")) {
			st->mdf->num_threads = (unsigned int)v;
			st->threads = v > 0 ? o : NULL;
			if (v > 0 && st->elf)
				conflict(st, column, o, st->elf, THREADS_WHY);
		}
		break;
	case OPT_DIR:
		if (value[0] != '/')
			conf_error(p, st->line, value_column,
				   "makedumpfile option \"%s\" needs an absolute path, not \"%s\"",
				   o->name, value);
		st->work_dir = true;
		break;
	case OPT_REFUSED:
		conf_error(p, st->line, column,
			   "makedumpfile option \"%s\" is not supported in core_collector: %s",
			   o->name, o->why);
		break;
	}
}

/* The option's value: attached (-d31, --x=1) or the next word. Returns
 * false when there is none (an error is recorded unless o is refused
 * anyway, which then takes the next word along if there is one). */
static bool take_value(struct mdf_state *st, const struct mdf_opt *o,
		       unsigned int column, const char *attached,
		       char **argv, const unsigned int *columns, size_t *i,
		       const char **value, unsigned int *value_column)
{
	*value = NULL;
	*value_column = 0;
	if (!o->has_arg)
		return true;
	if (attached) {
		*value = attached;
		*value_column = column;
		return true;
	}
	if (!argv[*i + 1]) {
		if (o->kind == OPT_REFUSED)
			return true;
		conf_error(st->p, st->line, column,
			   "makedumpfile option \"%s\" needs a value", o->name);
		return false;
	}
	(*i)++;
	*value = argv[*i];
	*value_column = columns[*i];
	return true;
}

static int check_long(struct mdf_state *st, char **argv,
		      const unsigned int *columns, size_t *i)
{
	const char *a = argv[*i], *name = a + 2, *eq = strchr(name, '=');
	size_t len = eq ? (size_t)(eq - name) : strlen(name);
	const struct mdf_opt *o, *abbrev;
	unsigned int col = columns[*i], vcol;
	const char *value;

	o = find_long(name, len, &abbrev);
	if (!o) {
		_cleanup_free_ char *written = strndup(a, (size_t)(name - a) + len);

		if (!written)
			return -ENOMEM;
		if (abbrev) {
			conf_error(st->p, st->line, col,
				   "makedumpfile option \"%s\" is abbreviated; write \"%s\"",
				   written, abbrev->name);
			/* its value is not an argument of its own */
			if (abbrev->has_arg && !eq && argv[*i + 1])
				(*i)++;
		} else
			conf_error(st->p, st->line, col,
				   "unknown makedumpfile option \"%s\"", written);
		return 0;
	}
	if (!o->has_arg && eq) {
		conf_error(st->p, st->line, col,
			   "makedumpfile option \"%s\" takes no value", o->name);
		return 0;
	}
	if (take_value(st, o, col, eq ? eq + 1 : NULL, argv, columns, i,
		       &value, &vcol))
		mdf_option(st, o, col, value, vcol);
	return 0;
}

/* A cluster of short options (-ld31); one with a value ends it. */
static void check_short(struct mdf_state *st, char **argv,
			const unsigned int *columns, size_t *i)
{
	const char *a = argv[*i] + 1;
	unsigned int col = columns[*i], vcol;
	const char *value;

	for (; *a; a++) {
		const struct mdf_opt *o = find_short(*a);

		if (!o && (unsigned char)*a < 0x80) {
			conf_error(st->p, st->line, col,
				   "unknown makedumpfile option \"-%c\"", *a);
			return;
		}
		if (!o) {
			conf_error(st->p, st->line, col,
				   "unknown makedumpfile option in \"%s\"", argv[*i]);
			return;
		}
		if (!take_value(st, o, col, a[1] ? a + 1 : NULL, argv, columns, i,
				&value, &vcol))
			return;
		mdf_option(st, o, col, value, vcol);
		if (o->has_arg)
			return;
	}
}

static int check_makedumpfile(struct mdf_state *st, char **argv,
			      const unsigned int *columns)
{
	bool options_end = false;
	size_t i;
	int r;

	for (i = 1; argv[i]; i++) {
		const char *a = argv[i];

		if (options_end || a[0] != '-' || a[1] == '\0') {
			conf_error(st->p, st->line, columns[i],
				   "unexpected argument \"%s\" to makedumpfile; kdumpctl save supplies /proc/vmcore and the dump file",
				   a);
		} else if (streq(a, "--")) {
			options_end = true;
		} else if (a[1] == '-') {
			r = check_long(st, argv, columns, &i);
			if (r < 0)
				return r;
		} else {
			check_short(st, argv, columns, &i);
		}
	}
	if (st->exclude_vm && !st->work_dir)
		conf_error(st->p, st->line, st->exclude_vm_column,
			   "makedumpfile option \"%s\" needs --work-dir", st->exclude_vm->name);
	return 0;
}

int conf_check_collector(struct conf_parser *p, const struct conf_where *where)
{
	struct kdump_conf *c = p->conf;
	_cleanup_free_ size_t *offsets = NULL;
	_cleanup_free_ unsigned int *columns = NULL;
	struct mdf_state st = { .p = p, .mdf = &c->mdf, .line = where->line };
	char **argv = NULL;
	size_t at = 0, i, n;
	int r;

	c->mdf = (struct conf_mdf){ 0 };
	r = strv_split_quoted_offsets(c->core_collector, &argv, &offsets, &at);
	if (r == -EINVAL) {
		conf_error(p, where->line, where->column + (unsigned int)at,
			   c->core_collector[at] == '\\' ?
			   "trailing backslash in core_collector" :
			   "unbalanced quote in core_collector");
		return 0;
	}
	if (r < 0)
		return r;
	n = strv_length(argv);
	columns = calloc(n + 1, sizeof(*columns));
	if (!columns) {
		strv_free(argv);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++)
		columns[i] = where->column + (unsigned int)offsets[i];

	if (n == 0) {
		/* only possible for an empty value, which the parser refuses */
		conf_error(p, where->line, where->column, "\"core_collector\" needs a value");
	} else if (streq(argv[0], "makedumpfile")) {
		c->collector = CONF_COLLECTOR_MAKEDUMPFILE;
		r = check_makedumpfile(&st, argv, columns);
	} else if (streq(argv[0], "cp") || streq(argv[0], "cat")) {
		c->collector = streq(argv[0], "cp") ? CONF_COLLECTOR_CP : CONF_COLLECTOR_CAT;
		if (n > 1)
			conf_error(p, where->line, columns[1],
				   "core_collector \"%s\" takes no arguments, got \"%s\"",
				   argv[0], argv[1]);
	} else {
		conf_error(p, where->line, columns[0],
			   "core_collector \"%s\" is not supported; use makedumpfile, cp or cat",
			   argv[0]);
	}
	strv_free(c->collector_argv);
	c->collector_argv = argv;
	return r;
}
