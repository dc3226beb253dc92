// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * /etc/kdump.conf: lines, directives and the checks between directives
 * (see conf.h for the API; conf-validate.c checks single values and
 * conf-collector.c the core_collector).
 *
 * Rules this file adds to the header's:
 *  - A line is `directive value...`; words are separated by spaces and
 *    tabs. Leading and trailing whitespace does not count; columns are
 *    1-based byte offsets, a tab counting as one.
 *  - A '#' at the start of a line or after whitespace starts a comment to
 *    the end of the line; a '#' inside a word is part of it. For
 *    core_collector and dracut_args, whose values are split like a shell
 *    command (strv_split_quoted), a '#' inside quotes does not start one.
 *  - Other values are taken literally: quotes are not special there.
 *  - A line longer than 4096 bytes, or with a NUL byte, a control character
 *    other than tab (a '\r' included: DOS line endings are refused), or
 *    invalid UTF-8 anywhere, comments included, is an error and is not
 *    looked at further.
 *  - Every error is collected; the parse goes on with the next line, and
 *    the checks between directives run at the end. Errors come out sorted
 *    by line.
 *  - A single-valued directive given twice, or a second dump target, is an
 *    error on the second line, and its value is not looked at.
 *  - `default` is the old name of `failure_action`: giving both is an
 *    error, even with the same value.
 *  - final_action takes reboot, poweroff or halt only: a shell after a
 *    successful dump would keep the host down with nobody to notice;
 *    failure_action shell is there for debugging failed dumps.
 *  - failure_action dump_to_rootfs needs a target other than the root file
 *    system (with none, it would retry the dump that just failed).
 *  - nfs and ssh are refused (not supported yet); sshkey without an ssh
 *    target is an error.
 *  - extra_bins, extra_modules and dracut_args accumulate over lines; the
 *    vectors are empty, never NULL, in a parsed configuration.
 *  - A few directives RHEL's kdump.conf has and kdump-snp does not get
 *    their own "not supported" message instead of "unknown directive".
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "conf-private.h"
#include "strv.h"
#include "util.h"

#define _unused_ __attribute__((unused))

enum conf_args {
	ARGS_ONE,	/* exactly one word */
	ARGS_MANY,	/* one or more words */
	ARGS_REST,	/* the rest of the line, shell-split by the handler */
};

struct line {
	unsigned int number;
	char **words;		/* words[0] is the directive */
	unsigned int *columns;
	size_t n;
	const char *rest;	/* after the directive, trimmed, no comment */
	unsigned int rest_column;
};

struct directive;
typedef void (*directive_fn)(struct conf_parser *p, const struct directive *d,
			     const struct line *l);

struct directive {
	const char *name;
	enum conf_args args;
	enum conf_slot slot;
	directive_fn fn;
	int arg;		/* handler-specific */
};

void conf_error(struct conf_parser *p, unsigned int line, unsigned int column,
		const char *fmt, ...)
{
	struct conf_errors *e = p->errs;
	struct conf_error *nv, err = { .line = line, .column = column };
	va_list ap;
	size_t i;
	int r;

	p->nerrors++;
	if (p->fatal)
		return;
	va_start(ap, fmt);
	r = vasprintf(&err.message, fmt, ap);
	va_end(ap);
	err.file = strdup(p->name);
	nv = realloc(e->v, (e->n + 1) * sizeof(*nv));
	if (r < 0 || !err.file || !nv) {
		if (r >= 0)
			free(err.message);
		free(err.file);
		if (nv)
			e->v = nv;
		p->fatal = -ENOMEM;
		return;
	}
	e->v = nv;
	/* Keep this parse's errors sorted by line: insert after the last one
	 * on this line or before (usually the end, so this is cheap). */
	for (i = e->n; i > p->errs_start && e->v[i - 1].line > line; i--)
		;
	memmove(&e->v[i + 1], &e->v[i], (e->n - i) * sizeof(*e->v));
	e->v[i] = err;
	e->n++;
}

static int oom(struct conf_parser *p)
{
	p->fatal = -ENOMEM;
	return -ENOMEM;
}

static void set_string(struct conf_parser *p, char **field, const char *value)
{
	char *s = strdup(value);

	if (!s) {
		oom(p);
		return;
	}
	free(*field);
	*field = s;
}

static void push_string(struct conf_parser *p, char ***v, const char *value)
{
	if (strv_push(v, value) < 0)
		oom(p);
}

/* ---- directives ------------------------------------------------------ */

static void do_path(struct conf_parser *p, const struct directive *d _unused_,
		    const struct line *l)
{
	if (conf_check_dump_path(p, l->number, l->columns[1], l->words[1]))
		set_string(p, &p->conf->path, l->words[1]);
}

static void do_collector(struct conf_parser *p, const struct directive *d _unused_,
			 const struct line *l)
{
	/* checked at the end, when the target is known */
	set_string(p, &p->conf->core_collector, l->rest);
}

static void do_target(struct conf_parser *p, const struct directive *d,
		      const struct line *l)
{
	struct kdump_conf *c = p->conf;

	c->target_type = (enum conf_target_type)d->arg;
	set_string(p, &c->target, l->words[1]);
	switch (c->target_type) {
	case CONF_TARGET_FS:
		set_string(p, &c->fstype, d->name);
		/* fall through */
	case CONF_TARGET_RAW:
		conf_check_device(p, l->number, l->columns[1], l->words[1],
				  &c->target_device);
		break;
	default:
		conf_error(p, l->number, l->columns[0],
			   "network dump target \"%s\" is not supported yet",
			   d->name);
		break;
	}
}

static void do_sshkey(struct conf_parser *p, const struct directive *d,
		      const struct line *l)
{
	if (conf_check_file(p, l->number, l->columns[1], d->name, l->words[1],
			    CONF_FILE_REGULAR))
		set_string(p, &p->conf->sshkey, l->words[1]);
}

static const struct {
	const char *name;
	enum conf_action action;
} actions[] = {
	{ "reboot", CONF_ACTION_REBOOT },
	{ "poweroff", CONF_ACTION_POWEROFF },
	{ "halt", CONF_ACTION_HALT },
	{ "shell", CONF_ACTION_SHELL },
	{ "dump_to_rootfs", CONF_ACTION_DUMP_TO_ROOTFS },
};

static int action_parse(const char *s)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(actions); i++)
		if (streq(s, actions[i].name))
			return (int)actions[i].action;
	return -EINVAL;
}

const char *conf_action_name(enum conf_action action)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(actions); i++)
		if (actions[i].action == action)
			return actions[i].name;
	return "unknown";
}

/* failure_action and its old name default. */
static void do_failure_action(struct conf_parser *p, const struct directive *d,
			      const struct line *l)
{
	enum conf_slot other = d->slot == CONF_SLOT_DEFAULT ?
		CONF_SLOT_FAILURE_ACTION : CONF_SLOT_DEFAULT;
	int a;

	if (p->seen[other].line) {
		conf_error(p, l->number, l->columns[0],
			   "\"%s\" and \"%s\" on line %u are the same setting "
			   "(\"default\" is the old name of \"failure_action\"); keep one",
			   d->name, p->seen[other].directive, p->seen[other].line);
		return;
	}
	a = action_parse(l->words[1]);
	if (a < 0) {
		conf_error(p, l->number, l->columns[1],
			   "unknown %s \"%s\"; use reboot, poweroff, halt, shell or dump_to_rootfs",
			   d->name, l->words[1]);
		return;
	}
	p->conf->failure_action = (enum conf_action)a;
}

static void do_final_action(struct conf_parser *p, const struct directive *d _unused_,
			    const struct line *l)
{
	int a = action_parse(l->words[1]);

	if (a == CONF_ACTION_SHELL || a == CONF_ACTION_DUMP_TO_ROOTFS) {
		conf_error(p, l->number, l->columns[1],
			   "final_action \"%s\" is not supported; use reboot, poweroff or halt "
			   "(failure_action takes shell and dump_to_rootfs)",
			   l->words[1]);
		return;
	}
	if (a < 0) {
		conf_error(p, l->number, l->columns[1],
			   "unknown final_action \"%s\"; use reboot, poweroff or halt",
			   l->words[1]);
		return;
	}
	p->conf->final_action = (enum conf_action)a;
}

static void do_extra_bins(struct conf_parser *p, const struct directive *d,
			  const struct line *l)
{
	size_t i;

	for (i = 1; i < l->n; i++)
		if (conf_check_file(p, l->number, l->columns[i], d->name,
				    l->words[i], CONF_FILE_EXECUTABLE))
			push_string(p, &p->conf->extra_bins, l->words[i]);
}

static void do_extra_modules(struct conf_parser *p, const struct directive *d _unused_,
			     const struct line *l)
{
	size_t i;

	for (i = 1; i < l->n; i++) {
		if (!conf_module_name_valid(l->words[i])) {
			conf_error(p, l->number, l->columns[i],
				   "extra_modules \"%s\" is not a valid module name",
				   l->words[i]);
			continue;
		}
		push_string(p, &p->conf->extra_modules, l->words[i]);
	}
}

static void do_dracut_args(struct conf_parser *p, const struct directive *d _unused_,
			   const struct line *l)
{
	char **words = NULL;
	size_t at = 0;
	int r;

	r = strv_split_quoted(l->rest, &words, &at);
	if (r == -EINVAL) {
		conf_error(p, l->number, l->rest_column + (unsigned int)at,
			   l->rest[at] == '\\' ?
			   "trailing backslash in dracut_args" :
			   "unbalanced quote in dracut_args");
		return;
	}
	if (r < 0 || strv_extend(&p->conf->dracut_args, words) < 0)
		oom(p);
	strv_free(words);
}

static void do_hook(struct conf_parser *p, const struct directive *d,
		    const struct line *l)
{
	char **field = d->slot == CONF_SLOT_KDUMP_PRE ?
		&p->conf->kdump_pre : &p->conf->kdump_post;

	if (conf_check_file(p, l->number, l->columns[1], d->name, l->words[1],
			    CONF_FILE_EXECUTABLE))
		set_string(p, field, l->words[1]);
}

static void do_bool(struct conf_parser *p, const struct directive *d,
		    const struct line *l)
{
	bool *field = d->slot == CONF_SLOT_FORCE_REBUILD ?
		&p->conf->force_rebuild : &p->conf->force_no_rebuild;
	const char *v = l->words[1];

	if (!streq(v, "0") && !streq(v, "1")) {
		conf_error(p, l->number, l->columns[1],
			   "%s must be 0 or 1, not \"%s\"", d->name, v);
		return;
	}
	*field = v[0] == '1';
}

static const struct directive directives[] = {
	{ "path", ARGS_ONE, CONF_SLOT_PATH, do_path, 0 },
	{ "core_collector", ARGS_REST, CONF_SLOT_COLLECTOR, do_collector, 0 },
	{ "ext4", ARGS_ONE, CONF_SLOT_TARGET, do_target, CONF_TARGET_FS },
	{ "ext3", ARGS_ONE, CONF_SLOT_TARGET, do_target, CONF_TARGET_FS },
	{ "ext2", ARGS_ONE, CONF_SLOT_TARGET, do_target, CONF_TARGET_FS },
	{ "xfs", ARGS_ONE, CONF_SLOT_TARGET, do_target, CONF_TARGET_FS },
	{ "btrfs", ARGS_ONE, CONF_SLOT_TARGET, do_target, CONF_TARGET_FS },
	{ "raw", ARGS_ONE, CONF_SLOT_TARGET, do_target, CONF_TARGET_RAW },
	{ "nfs", ARGS_ONE, CONF_SLOT_TARGET, do_target, CONF_TARGET_NFS },
	{ "ssh", ARGS_ONE, CONF_SLOT_TARGET, do_target, CONF_TARGET_SSH },
	{ "sshkey", ARGS_ONE, CONF_SLOT_SSHKEY, do_sshkey, 0 },
	{ "failure_action", ARGS_ONE, CONF_SLOT_FAILURE_ACTION, do_failure_action, 0 },
	{ "default", ARGS_ONE, CONF_SLOT_DEFAULT, do_failure_action, 0 },
	{ "final_action", ARGS_ONE, CONF_SLOT_FINAL_ACTION, do_final_action, 0 },
	{ "extra_bins", ARGS_MANY, CONF_SLOT_NONE, do_extra_bins, 0 },
	{ "extra_modules", ARGS_MANY, CONF_SLOT_NONE, do_extra_modules, 0 },
	{ "dracut_args", ARGS_REST, CONF_SLOT_NONE, do_dracut_args, 0 },
	{ "kdump_pre", ARGS_ONE, CONF_SLOT_KDUMP_PRE, do_hook, 0 },
	{ "kdump_post", ARGS_ONE, CONF_SLOT_KDUMP_POST, do_hook, 0 },
	{ "force_rebuild", ARGS_ONE, CONF_SLOT_FORCE_REBUILD, do_bool, 0 },
	{ "force_no_rebuild", ARGS_ONE, CONF_SLOT_FORCE_NO_REBUILD, do_bool, 0 },
};

/* RHEL kdump.conf directives that kdump-snp does not have. */
static const char *const unsupported[] = {
	"auto_reset_crashkernel", "blacklist", "disk_timeout",
	"fence_kdump_args", "fence_kdump_nodes", "link_delay", "options",
};

static const struct directive *directive_find(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(directives); i++)
		if (streq(name, directives[i].name))
			return &directives[i];
	return NULL;
}

static void unknown_directive(struct conf_parser *p, const struct line *l)
{
	const char *name = l->words[0];
	const struct directive *d;
	_cleanup_free_ char *lower = strdup(name);
	size_t i;

	for (i = 0; i < ARRAY_SIZE(unsupported); i++)
		if (streq(name, unsupported[i])) {
			conf_error(p, l->number, l->columns[0],
				   "directive \"%s\" is not supported by kdump-snp", name);
			return;
		}
	for (i = 0; lower && lower[i]; i++)
		if (lower[i] >= 'A' && lower[i] <= 'Z')
			lower[i] = (char)(lower[i] - 'A' + 'a');
	d = lower ? directive_find(lower) : NULL;
	if (d) {
		conf_error(p, l->number, l->columns[0],
			   "unknown directive \"%s\"; directives are lower case: \"%s\"",
			   name, d->name);
		return;
	}
	conf_error(p, l->number, l->columns[0], "unknown directive \"%s\"", name);
}

static void line_directive(struct conf_parser *p, const struct line *l)
{
	const struct directive *d = directive_find(l->words[0]);
	struct conf_where *w;

	if (!d) {
		unknown_directive(p, l);
		return;
	}
	if (l->n < 2) {
		conf_error(p, l->number, l->columns[0], "\"%s\" needs a value", d->name);
		return;
	}
	if (d->args == ARGS_ONE && l->n > 2) {
		conf_error(p, l->number, l->columns[2],
			   "\"%s\" takes one value; unexpected \"%s\"",
			   d->name, l->words[2]);
		return;
	}
	if (d->slot != CONF_SLOT_NONE) {
		w = &p->seen[d->slot];
		if (w->line && d->slot == CONF_SLOT_TARGET) {
			conf_error(p, l->number, l->columns[0],
				   "second dump target \"%s\"; \"%s\" on line %u is already the target",
				   d->name, w->directive, w->line);
			return;
		}
		if (w->line) {
			conf_error(p, l->number, l->columns[0],
				   "\"%s\" given twice; first on line %u",
				   d->name, w->line);
			return;
		}
		w->line = l->number;
		w->column = l->columns[1];
		w->directive = d->name;
	}
	d->fn(p, d, l);
}

/* ---- lines ------------------------------------------------------------- */

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Where the comment starts in s (or its end). With shell set, quotes and
 * backslashes are taken into account as strv_split_quoted() does. */
static size_t comment_start(const char *s, bool shell)
{
	char quote = 0;
	size_t i;

	for (i = 0; s[i]; i++) {
		char c = s[i];

		if (quote) {
			if (c == quote)
				quote = 0;
			else if (quote == '"' && c == '\\' && s[i + 1])
				i++;
			continue;
		}
		if (c == '#' && (i == 0 || is_blank(s[i - 1])))
			return i;
		if (shell && (c == '\'' || c == '"'))
			quote = c;
		else if (shell && c == '\\' && s[i + 1])
			i++;
	}
	return i;
}

static void line_free(struct line *l)
{
	strv_free(l->words);
	free(l->columns);
}

/* Split text (NUL-terminated, already checked) into l; returns 0, 1 for a
 * line without directive, or -ENOMEM. */
static int line_split(char *text, struct line *l)
{
	const struct directive *d;
	size_t i = 0, end, start;
	bool shell;

	while (is_blank(text[i]))
		i++;
	if (!text[i] || text[i] == '#')
		return 1;
	start = i;
	while (text[i] && !is_blank(text[i]))
		i++;
	/* The directive decides how the rest is read. */
	{
		char save = text[i];

		text[i] = '\0';
		d = directive_find(text + start);
		text[i] = save;
	}
	shell = d && d->args == ARGS_REST;
	end = i + comment_start(text + i, shell);
	while (end > i && is_blank(text[end - 1]))
		end--;
	text[end] = '\0';

	for (i = start; text[i];) {
		unsigned int *nc;
		char *w;
		size_t len = 0;

		while (is_blank(text[i]))
			i++;
		if (!text[i])
			break;
		while (text[i + len] && !is_blank(text[i + len]))
			len++;
		w = strndup(text + i, len);
		nc = realloc(l->columns, (l->n + 1) * sizeof(*nc));
		if (nc)
			l->columns = nc;
		if (!w || !nc || strv_push(&l->words, w) < 0) {
			free(w);
			return -ENOMEM;
		}
		free(w);
		l->columns[l->n++] = (unsigned int)i + 1;
		if (l->n == 2) {
			l->rest = text + i;
			l->rest_column = (unsigned int)i + 1;
		}
		i += len;
	}
	if (!l->rest)
		l->rest = "";
	return 0;
}

static void parse_line(struct conf_parser *p, unsigned int number,
		       const char *s, size_t len)
{
	_cleanup_free_ char *text = NULL;
	struct line l = { .number = number };
	int r;

	if (len > CONF_LINE_MAX) {
		conf_error(p, number, 0, "line is longer than %d bytes", CONF_LINE_MAX);
		return;
	}
	if (!conf_check_text(p, number, s, len))
		return;
	text = strndup(s, len);
	if (!text) {
		oom(p);
		return;
	}
	r = line_split(text, &l);
	if (r < 0)
		oom(p);
	else if (r == 0)
		line_directive(p, &l);
	line_free(&l);
}

/* ---- checks between directives ----------------------------------------- */

static void check_all(struct conf_parser *p)
{
	struct kdump_conf *c = p->conf;
	const struct conf_where *w;

	if (!c->path)
		set_string(p, &c->path, CONF_DEFAULT_PATH);
	if (!c->core_collector)
		set_string(p, &c->core_collector, CONF_DEFAULT_COLLECTOR);
	if (p->fatal)
		return;
	if (conf_check_collector(p, &p->seen[CONF_SLOT_COLLECTOR]) < 0)
		oom(p);

	w = p->seen[CONF_SLOT_FAILURE_ACTION].line ?
		&p->seen[CONF_SLOT_FAILURE_ACTION] : &p->seen[CONF_SLOT_DEFAULT];
	if (c->failure_action == CONF_ACTION_DUMP_TO_ROOTFS &&
	    c->target_type == CONF_TARGET_ROOTFS)
		conf_error(p, w->line, w->column,
			   "%s \"dump_to_rootfs\" needs a dump target other than the root file system",
			   w->directive);

	w = &p->seen[CONF_SLOT_SSHKEY];
	if (w->line && c->target_type != CONF_TARGET_SSH)
		conf_error(p, w->line, w->column,
			   "sshkey \"%s\" needs an ssh target", c->sshkey ? c->sshkey : "");

	if (c->force_rebuild && c->force_no_rebuild) {
		const struct conf_where *a = &p->seen[CONF_SLOT_FORCE_REBUILD];
		const struct conf_where *b = &p->seen[CONF_SLOT_FORCE_NO_REBUILD];
		const struct conf_where *later = a->line > b->line ? a : b;
		const struct conf_where *first = later == a ? b : a;

		conf_error(p, later->line, later->column,
			   "\"%s 1\" conflicts with \"%s 1\" on line %u; keep one",
			   later->directive, first->directive, first->line);
	}
}

/* ---- API ------------------------------------------------------------------ */

void conf_free(struct kdump_conf *conf)
{
	if (!conf)
		return;
	free(conf->path);
	free(conf->core_collector);
	strv_free(conf->collector_argv);
	free(conf->fstype);
	free(conf->target);
	free(conf->target_device);
	free(conf->sshkey);
	strv_free(conf->extra_bins);
	strv_free(conf->extra_modules);
	strv_free(conf->dracut_args);
	free(conf->kdump_pre);
	free(conf->kdump_post);
	free(conf);
}

void conf_errors_free(struct conf_errors *errs)
{
	size_t i;

	if (!errs)
		return;
	for (i = 0; i < errs->n; i++) {
		free(errs->v[i].file);
		free(errs->v[i].message);
	}
	free(errs->v);
	errs->v = NULL;
	errs->n = 0;
}

char *conf_error_format(const struct conf_error *err)
{
	char *s = NULL;
	int r;

	if (err->file && err->file[0]) {
		if (err->line && err->column)
			r = asprintf(&s, "%s:%u:%u: %s", err->file, err->line,
				     err->column, err->message);
		else if (err->line)
			r = asprintf(&s, "%s:%u: %s", err->file, err->line, err->message);
		else
			r = asprintf(&s, "%s: %s", err->file, err->message);
	} else {
		if (err->line && err->column)
			r = asprintf(&s, "%u:%u: %s", err->line, err->column, err->message);
		else if (err->line)
			r = asprintf(&s, "%u: %s", err->line, err->message);
		else
			r = asprintf(&s, "%s", err->message);
	}
	return r < 0 ? NULL : s;
}

const char *conf_target_type_name(enum conf_target_type type)
{
	switch (type) {
	case CONF_TARGET_ROOTFS:
		return "rootfs";
	case CONF_TARGET_FS:
		return "fs";
	case CONF_TARGET_RAW:
		return "raw";
	case CONF_TARGET_NFS:
		return "nfs";
	case CONF_TARGET_SSH:
		return "ssh";
	}
	return "unknown";
}

static int conf_new(struct kdump_conf **out)
{
	struct kdump_conf *c = calloc(1, sizeof(*c));

	if (!c)
		return -ENOMEM;
	c->target_type = CONF_TARGET_ROOTFS;
	c->failure_action = CONF_ACTION_REBOOT;
	c->final_action = CONF_ACTION_REBOOT;
	c->collector = CONF_COLLECTOR_MAKEDUMPFILE;
	if (strv_extend(&c->extra_bins, NULL) < 0 ||
	    strv_extend(&c->extra_modules, NULL) < 0 ||
	    strv_extend(&c->dracut_args, NULL) < 0) {
		conf_free(c);
		return -ENOMEM;
	}
	*out = c;
	return 0;
}

int conf_parse_buffer(const char *name, const char *buf, size_t len,
		      const struct conf_env *env, struct kdump_conf **conf,
		      struct conf_errors *errs)
{
	struct conf_parser p = {
		.name = name ? name : "kdump.conf",
		.root = env && env->root && env->root[0] ? env->root : "/",
		.resolve = env && env->resolve ? env->resolve : conf_resolve_blkid,
		.errs = errs,
		.errs_start = errs->n,
	};
	unsigned int number = 0;
	size_t pos = 0;
	int r;

	/* The default resolver checks /dev paths under the root. */
	p.resolve_data = env && env->resolve ? env->resolve_data : (void *)p.root;
	r = conf_new(&p.conf);
	if (r < 0)
		return r;
	while (pos < len && !p.fatal) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - buf) : len;

		parse_line(&p, ++number, buf + pos, end - pos);
		pos = end + 1;
	}
	if (!p.fatal)
		check_all(&p);
	if (p.fatal || p.nerrors) {
		conf_free(p.conf);
		return p.fatal ? p.fatal : -EINVAL;
	}
	*conf = p.conf;
	return 0;
}

/* Add the one error for a file that cannot be read; returns r. */
static int file_error(const char *path, struct conf_errors *errs, int r)
{
	struct conf_error *nv = realloc(errs->v, (errs->n + 1) * sizeof(*nv));
	struct conf_error err = { 0 };

	if (!nv)
		return r;
	errs->v = nv;
	err.file = strdup(path);
	if (r == -EFBIG) {
		if (asprintf(&err.message, "cannot read: larger than %d bytes",
			     CONF_FILE_MAX) < 0)
			err.message = NULL;
	} else if (asprintf(&err.message, "cannot read: %s", strerror(-r)) < 0) {
		err.message = NULL;
	}
	if (!err.file || !err.message) {
		free(err.file);
		free(err.message);
		return r;
	}
	errs->v[errs->n++] = err;
	return r;
}

int conf_parse_file(const char *path, const struct conf_env *env,
		    struct kdump_conf **conf, struct conf_errors *errs)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	_cleanup_free_ char *buf = NULL;
	size_t len = 0;

	if (fd < 0)
		return file_error(path, errs, -errno);
	buf = malloc(CONF_FILE_MAX + 1);
	if (!buf)
		return -ENOMEM;
	/* Bounded: a FIFO or /dev/zero must not make us read forever. */
	while (len <= CONF_FILE_MAX) {
		ssize_t n = read(fd, buf + len, CONF_FILE_MAX + 1 - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return file_error(path, errs, -errno);
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len > CONF_FILE_MAX)
		return file_error(path, errs, -EFBIG);
	return conf_parse_buffer(path, buf, len, env, conf, errs);
}
