/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KDUMP_CONF_PRIVATE_H
#define KDUMP_CONF_PRIVATE_H

/*
 * Shared between the parts of the kdump.conf parser: conf.c (lines,
 * errors, API), conf-directive.c (directives and the checks between them),
 * conf-validate.c (values: text, paths, devices, module names),
 * conf-collector.c (core_collector), conf-dracut.c (dracut_args). Not for
 * other modules.
 */
#include <stdbool.h>

#include "conf.h"

/* Longest line, in bytes without the '\n': the kernel's PATH_MAX. */
#define CONF_LINE_MAX 4096
/* Longest dump path: PATH_MAX less room for "/<host>-<date>/<file>". */
#define CONF_DUMP_PATH_MAX 3840
/* Largest file conf_parse_file() reads. */
#define CONF_FILE_MAX (1024 * 1024)

/* Directives that may be given once; the targets share one slot. */
enum conf_slot {
	CONF_SLOT_PATH,
	CONF_SLOT_COLLECTOR,
	CONF_SLOT_TARGET,
	CONF_SLOT_SSHKEY,
	CONF_SLOT_FAILURE_ACTION,
	CONF_SLOT_DEFAULT,
	CONF_SLOT_FINAL_ACTION,
	CONF_SLOT_KDUMP_PRE,
	CONF_SLOT_KDUMP_POST,
	CONF_SLOT_FORCE_REBUILD,
	CONF_SLOT_FORCE_NO_REBUILD,
	CONF_SLOT_DISK_TIMEOUT,
	CONF_SLOT_CAPTURE_TIMEOUT,
	CONF_SLOT_LINK_DELAY,
	CONF_SLOT_NONE,		/* may repeat */
	CONF_SLOT_COUNT,
};

/* Where a directive was given: line 0 when it was not. */
struct conf_where {
	unsigned int line;
	unsigned int column;	/* of its (first) value */
	const char *directive;	/* name as in the directive table */
};

struct conf_parser {
	const char *name;
	const char *root;		/* never NULL */
	conf_resolve_fn resolve;
	void *resolve_data;
	struct kdump_conf *conf;
	struct conf_errors *errs;
	size_t errs_start;		/* errs->n when this parse started */
	unsigned int nerrors;		/* added by this parse */
	int fatal;			/* -ENOMEM while recording */
	struct conf_where seen[CONF_SLOT_COUNT];
};

enum conf_args {
	CONF_ARGS_ONE,	/* exactly one word */
	CONF_ARGS_MANY,	/* one or more words */
	CONF_ARGS_REST,	/* the rest of the line, shell-split by the handler */
};

/* One line, split into blank-separated words. */
struct conf_line {
	unsigned int number;
	char **words;		/* words[0] is the directive */
	unsigned int *columns;
	size_t n;
	const char *rest;	/* after the directive, trimmed, no comment */
	unsigned int rest_column;
};

struct conf_directive;
typedef void (*conf_directive_fn)(struct conf_parser *p,
				  const struct conf_directive *d,
				  const struct conf_line *l);

struct conf_directive {
	const char *name;
	enum conf_args args;
	enum conf_slot slot;
	conf_directive_fn fn;
	int arg;		/* handler-specific */
};

/* Record an error; errors stay sorted by line (stable within a line). */
__attribute__((format(printf, 4, 5)))
void conf_error(struct conf_parser *p, unsigned int line, unsigned int column,
		const char *fmt, ...);

/* conf-directive.c */

const struct conf_directive *conf_directive_find(const char *name);
/* Check and apply one line (a directive and its values). */
void conf_directive_line(struct conf_parser *p, const struct conf_line *l);
/* Defaults, the core_collector and the checks between directives. */
void conf_check_all(struct conf_parser *p);

/* conf-validate.c */

/* Report the first byte of a line that is not text (NUL, control
 * characters other than tab, invalid UTF-8). Returns true when clean. */
bool conf_check_text(struct conf_parser *p, unsigned int line,
		     const char *s, size_t len);

enum conf_file_kind {
	CONF_FILE_REGULAR,	/* a regular file */
	CONF_FILE_KEY,		/* sshkey: a regular file, or missing (propagate makes it) */
	CONF_FILE_EXECUTABLE,	/* hooks, extra_bins: an executable regular file */
};

/* Check that what ("kdump_pre", ...) names an absolute path that exists
 * under the root as kind. Returns true when it does. */
bool conf_check_file(struct conf_parser *p, unsigned int line,
		     unsigned int column, const char *what, const char *value,
		     enum conf_file_kind kind);

/* Check the dump `path`: absolute, no ".." component, at most
 * CONF_DUMP_PATH_MAX bytes, components at most NAME_MAX bytes. */
bool conf_check_dump_path(struct conf_parser *p, unsigned int line,
			  unsigned int column, const char *value);

/* A kernel module name: [A-Za-z0-9_-], 1 to 55 bytes. */
bool conf_module_name_valid(const char *name);

/* Check a device spec and resolve it; *devnode is set when it exists. */
bool conf_check_device(struct conf_parser *p, unsigned int line,
		       unsigned int column, const char *spec, char **devnode);

/* The file system on devnode (resolved from spec) is fstype; see
 * conf-validate.c for when it is compared. */
bool conf_check_fstype(struct conf_parser *p, unsigned int line, unsigned int column,
		       const char *fstype, const char *spec, const char *devnode);

/* A raw target: the device (resolved from spec) holds nothing a raw dump
 * would overwrite; compared when conf_check_fstype would compare. */
bool conf_check_raw(struct conf_parser *p, unsigned int line, unsigned int column,
		    const char *spec, const char *devnode);

/* conf-collector.c */

/* Split and check p->conf->core_collector (given at where, or the default
 * when where->line is 0); fills collector_argv, collector and mdf. Returns 0,
 * or -ENOMEM (other problems are recorded as errors). */
int conf_check_collector(struct conf_parser *p, const struct conf_where *where);

/* conf-timeout.c */

/* Longest disk_timeout or capture_timeout: 7 days. */
#define CONF_TIMEOUT_MAX (7U * 24 * 3600)

/* disk_timeout and capture_timeout (d->slot tells which). */
void conf_do_timeout(struct conf_parser *p, const struct conf_directive *d,
		     const struct conf_line *l);
/* A disk_timeout that a capture_timeout would cut short. */
void conf_check_timeouts(struct conf_parser *p);

/* conf-dracut.c */

/* Check the words of one dracut_args line (columns: where each starts);
 * returns 0 or -ENOMEM, problems are recorded as errors. */
int conf_check_dracut_args(struct conf_parser *p, unsigned int line, char **words,
			   const unsigned int *columns);

#endif
