// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * /etc/kdump.conf: lines, errors and the API (see conf.h; the directives
 * are in conf-directive.c, single values in conf-validate.c and the
 * core_collector in conf-collector.c).
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
 *    the checks between directives run at the end. Errors are appended to
 *    what errs holds, and this parse's come out sorted by line.
 *  - conf_parse_file() reads at most 1 MiB.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf-private.h"
#include "strv.h"
#include "text-check.h"
#include "util.h"

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

static void line_free(struct conf_line *l)
{
	strv_free(l->words);
	free(l->columns);
}

/* Split text (NUL-terminated, already checked) into l; returns 0, 1 for a
 * line without directive, or -ENOMEM. */
static int line_split(char *text, struct conf_line *l)
{
	const struct conf_directive *d;
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
		d = conf_directive_find(text + start);
		text[i] = save;
	}
	shell = d && d->args == CONF_ARGS_REST;
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
	struct conf_line l = { .number = number };
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
		conf_directive_line(p, &l);
	line_free(&l);
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
	conf_remote_clear(&conf->remote);
	free(conf->sshkey);
	strv_free(conf->module_options);
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
	c->disk_timeout = CONF_DEFAULT_DISK_TIMEOUT;
	c->capture_timeout = CONF_DEFAULT_CAPTURE_TIMEOUT;
	c->collector = CONF_COLLECTOR_MAKEDUMPFILE;
	c->link_delay = CONF_DEFAULT_LINK_DELAY;
	if (strv_extend(&c->extra_bins, NULL) < 0 ||
	    strv_extend(&c->extra_modules, NULL) < 0 ||
	    strv_extend(&c->module_options, NULL) < 0 ||
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
	struct text_problem tp;
	unsigned int number = 0;
	size_t pos = 0;
	int r;

	/* The default resolver checks /dev paths under the root. */
	p.resolve_data = env && env->resolve ? env->resolve_data : (void *)p.root;
	r = conf_new(&p.conf);
	if (r < 0)
		return r;
	/* a DOS, BOM or binary file is one error, not one per line */
	if (text_file_problem(buf, len, "kdump.conf", &tp)) {
		conf_error(&p, tp.line, tp.column, "%s", tp.message);
		pos = len;
	}
	while (pos < len && !p.fatal) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - buf) : len;

		parse_line(&p, ++number, buf + pos, end - pos);
		pos = end + 1;
	}
	if (!p.fatal)
		conf_check_all(&p);
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
	if (r == -EFBIG)
		conf_errors_addf(errs, path, 0, 0, "cannot read: larger than %d bytes",
				 CONF_FILE_MAX);
	else
		conf_errors_addf(errs, path, 0, 0, "cannot read: %s", strerror(-r));
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
