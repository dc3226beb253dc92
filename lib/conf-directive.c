// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kdump.conf directives: the table, one handler each, and the checks
 * between directives that run once every line is read (see
 * conf-private.h).
 *
 * Rules this file adds:
 *  - A single-valued directive given twice, or a second dump target, is an
 *    error on the second line, and its value is not looked at.
 *  - `default` is the old name of `failure_action`: giving both is an
 *    error, even with the same value.
 *  - final_action takes reboot, poweroff or halt only: a shell after a
 *    successful dump would keep the host down with nobody to notice;
 *    failure_action shell is there for debugging failed dumps.
 *  - failure_action dump_to_rootfs needs a target other than the root file
 *    system (with none, it would retry the dump that just failed).
 *  - ssh takes user@host and nfs host:/export (conf-remote.c); raw takes
 *    a device that holds no file system or partition table
 *    (conf-validate.c). ssh and raw take makedumpfile as the
 *    core_collector: the dump is its flattened stream. sshkey without an
 *    ssh target is an error; with one and no sshkey, the key is
 *    CONF_DEFAULT_SSHKEY. link_delay (seconds, 0 to 3600) needs a network
 *    target.
 *  - options <module> <parameters> (kexec-tools' mkdumprd applied them;
 *    kdump-utils now refuses options as deprecated): parameters for a kernel
 *    module the capture image loads, kept as written (never evaluated);
 *    the module is a module name, not a path. A second line for the same
 *    module ('-' and '_' alike) adds its parameters after the first's, as
 *    modprobe.d does. An nfs target's mount options are not here: they are
 *    the host's (nfs-host-options.h), as mkdumprd takes them; kdump-snp's
 *    old one-word form (options vers=4.1,soft) gets a message saying so.
 *  - extra_bins, extra_modules and dracut_args accumulate over lines; the
 *    vectors are empty, never NULL, in a parsed configuration.
 *  - A few directives RHEL's kdump.conf has and kdump-snp does not get
 *    their own "not supported" message instead of "unknown directive".
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "conf-private.h"
#include "strv.h"
#include "suggest.h"
#include "util.h"

#define _unused_ __attribute__((unused))

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

static void do_path(struct conf_parser *p, const struct conf_directive *d _unused_,
		    const struct conf_line *l)
{
	if (conf_check_dump_path(p, l->number, l->columns[1], l->words[1]))
		set_string(p, &p->conf->path, l->words[1]);
}

static void do_collector(struct conf_parser *p, const struct conf_directive *d _unused_,
			 const struct conf_line *l)
{
	/* checked at the end, when the target is known */
	set_string(p, &p->conf->core_collector, l->rest);
}

static void do_target(struct conf_parser *p, const struct conf_directive *d,
		      const struct conf_line *l)
{
	struct kdump_conf *c = p->conf;

	c->target_type = (enum conf_target_type)d->arg;
	set_string(p, &c->target, l->words[1]);
	switch (c->target_type) {
	case CONF_TARGET_FS:
		set_string(p, &c->fstype, d->name);
		/* fall through */
	case CONF_TARGET_RAW:
		if (!conf_check_device(p, l->number, l->columns[1], l->words[1], &c->target_device))
			break;
		if (c->target_type == CONF_TARGET_FS)
			conf_check_fstype(p, l->number, l->columns[0], d->name, l->words[1],
					  c->target_device);
		else
			conf_check_raw(p, l->number, l->columns[1], l->words[1], c->target_device);
		break;
	default: {
		size_t off = 0;
		const char *why = NULL;
		int r = conf_remote_parse(c->target_type, l->words[1], &c->remote, &off, &why);

		if (r == -ENOMEM) {
			oom(p);
		} else if (r < 0) {
			conf_error(p, l->number, l->columns[1] + (unsigned int)off,
				   "%s target \"%s\": %s", d->name, l->words[1], why);
		}
		break;
	}
	}
}

static void do_link_delay(struct conf_parser *p, const struct conf_directive *d,
			  const struct conf_line *l)
{
	const char *v = l->words[1];
	char *end = NULL;
	unsigned long n;

	errno = 0;
	n = strtoul(v, &end, 10);
	if (v[0] < '0' || v[0] > '9' || *end || errno || n > CONF_MAX_LINK_DELAY) {
		conf_error(p, l->number, l->columns[1],
			   "%s must be a number of seconds from 0 to %d, not \"%s\"",
			   d->name, CONF_MAX_LINK_DELAY, v);
		return;
	}
	p->conf->link_delay = (unsigned int)n;
}

/* '-' and '_' are the same in a module name (modprobe's rule) */
static bool same_module(const char *a, size_t alen, const char *b, size_t blen)
{
	if (alen != blen)
		return false;
	for (size_t i = 0; i < alen; i++) {
		char x = a[i] == '-' ? '_' : a[i], y = b[i] == '-' ? '_' : b[i];

		if (x != y)
			return false;
	}
	return true;
}

/* options <module> <parameters>: kept verbatim; a second line for the same
 * module adds its parameters after the first's, as modprobe.d does */
static void do_options(struct conf_parser *p, const struct conf_directive *d _unused_,
		       const struct conf_line *l)
{
	const char *mod = l->words[1], *params;
	size_t mlen = strlen(mod);
	char **v = p->conf->module_options;
	char *merged = NULL;

	/* kdump-snp's old form: one word of NFS mount options */
	if (l->n == 2 && strpbrk(mod, "=,")) {
		conf_error(p, l->number, l->columns[1],
			   "options \"%s\" looks like NFS mount options; options now gives kernel "
			   "module parameters (options <module> <parameters>) and an nfs "
			   "target is mounted with the host's options for the export (its mount, "
			   "else its /etc/fstab line): remove this line",
			   mod);
		return;
	}
	if (!conf_module_name_valid(mod)) {
		conf_error(p, l->number, l->columns[1],
			   "options \"%s\" is not a module name (options <module> <parameters>)", mod);
		return;
	}
	if (l->n < 3) {
		conf_error(p, l->number, l->columns[1] + (unsigned int)mlen,
			   "options %s gives no parameters (options <module> <parameters>)", mod);
		return;
	}
	params = l->rest + (l->columns[2] - l->rest_column);
	for (size_t i = 0; v && v[i]; i++) {
		if (!same_module(v[i], strcspn(v[i], " "), mod, mlen))
			continue;
		if (asprintf(&merged, "%s %s", v[i], params) < 0) {
			oom(p);
			return;
		}
		free(v[i]);
		v[i] = merged;
		return;
	}
	if (asprintf(&merged, "%s %s", mod, params) < 0) {
		oom(p);
		return;
	}
	push_string(p, &p->conf->module_options, merged);
	free(merged);
}

static void do_sshkey(struct conf_parser *p, const struct conf_directive *d,
		      const struct conf_line *l)
{
	/* kept even when wrong: the check for an ssh target names it */
	conf_check_file(p, l->number, l->columns[1], d->name, l->words[1],
			CONF_FILE_KEY);
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
static void do_failure_action(struct conf_parser *p, const struct conf_directive *d,
			      const struct conf_line *l)
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

static void do_final_action(struct conf_parser *p, const struct conf_directive *d _unused_,
			    const struct conf_line *l)
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

static void do_extra_bins(struct conf_parser *p, const struct conf_directive *d,
			  const struct conf_line *l)
{
	size_t i;

	for (i = 1; i < l->n; i++)
		if (conf_check_file(p, l->number, l->columns[i], d->name,
				    l->words[i], CONF_FILE_EXECUTABLE))
			push_string(p, &p->conf->extra_bins, l->words[i]);
}

static void do_extra_modules(struct conf_parser *p, const struct conf_directive *d _unused_,
			     const struct conf_line *l)
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

static void do_dracut_args(struct conf_parser *p, const struct conf_directive *d _unused_,
			   const struct conf_line *l)
{
	_cleanup_free_ size_t *offsets = NULL;
	_cleanup_free_ unsigned int *columns = NULL;
	char **words = NULL;
	size_t at = 0, n;
	int r;

	r = strv_split_quoted_offsets(l->rest, &words, &offsets, &at);
	if (r == -EINVAL) {
		conf_error(p, l->number, l->rest_column + (unsigned int)at,
			   l->rest[at] == '\\' ?
			   "trailing backslash in dracut_args" :
			   "unbalanced quote in dracut_args");
		return;
	}
	n = r < 0 ? 0 : strv_length(words);
	columns = r < 0 ? NULL : calloc(n + 1, sizeof(*columns));
	for (size_t i = 0; columns && i < n; i++)
		columns[i] = l->rest_column + (unsigned int)offsets[i];
	/* conf-dracut.c: nothing that overrides kdumpctl's own choices */
	if (!columns || conf_check_dracut_args(p, l->number, words, columns) < 0 ||
	    strv_extend(&p->conf->dracut_args, words) < 0)
		oom(p);
	strv_free(words);
}

static void do_hook(struct conf_parser *p, const struct conf_directive *d,
		    const struct conf_line *l)
{
	char **field = d->slot == CONF_SLOT_KDUMP_PRE ?
		&p->conf->kdump_pre : &p->conf->kdump_post;

	if (conf_check_file(p, l->number, l->columns[1], d->name, l->words[1],
			    CONF_FILE_EXECUTABLE))
		set_string(p, field, l->words[1]);
}

static void do_bool(struct conf_parser *p, const struct conf_directive *d,
		    const struct conf_line *l)
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

static const struct conf_directive directives[] = {
	{ "path", CONF_ARGS_ONE, CONF_SLOT_PATH, do_path, 0 },
	{ "core_collector", CONF_ARGS_REST, CONF_SLOT_COLLECTOR, do_collector, 0 },
	{ "ext4", CONF_ARGS_ONE, CONF_SLOT_TARGET, do_target, CONF_TARGET_FS },
	{ "ext3", CONF_ARGS_ONE, CONF_SLOT_TARGET, do_target, CONF_TARGET_FS },
	{ "ext2", CONF_ARGS_ONE, CONF_SLOT_TARGET, do_target, CONF_TARGET_FS },
	{ "xfs", CONF_ARGS_ONE, CONF_SLOT_TARGET, do_target, CONF_TARGET_FS },
	{ "btrfs", CONF_ARGS_ONE, CONF_SLOT_TARGET, do_target, CONF_TARGET_FS },
	{ "raw", CONF_ARGS_ONE, CONF_SLOT_TARGET, do_target, CONF_TARGET_RAW },
	{ "nfs", CONF_ARGS_ONE, CONF_SLOT_TARGET, do_target, CONF_TARGET_NFS },
	{ "ssh", CONF_ARGS_ONE, CONF_SLOT_TARGET, do_target, CONF_TARGET_SSH },
	{ "sshkey", CONF_ARGS_ONE, CONF_SLOT_SSHKEY, do_sshkey, 0 },
	{ "failure_action", CONF_ARGS_ONE, CONF_SLOT_FAILURE_ACTION, do_failure_action, 0 },
	{ "default", CONF_ARGS_ONE, CONF_SLOT_DEFAULT, do_failure_action, 0 },
	{ "final_action", CONF_ARGS_ONE, CONF_SLOT_FINAL_ACTION, do_final_action, 0 },
	{ "extra_bins", CONF_ARGS_MANY, CONF_SLOT_NONE, do_extra_bins, 0 },
	{ "extra_modules", CONF_ARGS_MANY, CONF_SLOT_NONE, do_extra_modules, 0 },
	{ "dracut_args", CONF_ARGS_REST, CONF_SLOT_NONE, do_dracut_args, 0 },
	{ "kdump_pre", CONF_ARGS_ONE, CONF_SLOT_KDUMP_PRE, do_hook, 0 },
	{ "kdump_post", CONF_ARGS_ONE, CONF_SLOT_KDUMP_POST, do_hook, 0 },
	{ "force_rebuild", CONF_ARGS_ONE, CONF_SLOT_FORCE_REBUILD, do_bool, 0 },
	{ "force_no_rebuild", CONF_ARGS_ONE, CONF_SLOT_FORCE_NO_REBUILD, do_bool, 0 },
	{ "disk_timeout", CONF_ARGS_ONE, CONF_SLOT_DISK_TIMEOUT, conf_do_timeout, 0 },
	{ "capture_timeout", CONF_ARGS_ONE, CONF_SLOT_CAPTURE_TIMEOUT, conf_do_timeout, 0 },
	{ "link_delay", CONF_ARGS_ONE, CONF_SLOT_LINK_DELAY, do_link_delay, 0 },
	{ "options", CONF_ARGS_MANY, CONF_SLOT_NONE, do_options, 0 },
};

/* RHEL kdump.conf directives that kdump-snp does not have. */
static const char *const unsupported[] = {
	"auto_reset_crashkernel", "blacklist",
	"fence_kdump_args", "fence_kdump_nodes",
};

const struct conf_directive *conf_directive_find(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(directives); i++)
		if (streq(name, directives[i].name))
			return &directives[i];
	return NULL;
}

static void unknown_directive(struct conf_parser *p, const struct conf_line *l)
{
	const char *name = l->words[0];
	const struct conf_directive *d;
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
	d = lower ? conf_directive_find(lower) : NULL;
	if (d) {
		conf_error(p, l->number, l->columns[0],
			   "unknown directive \"%s\"; directives are lower case: \"%s\"",
			   name, d->name);
		return;
	}
	{
		const char *names[ARRAY_SIZE(directives)], *near;

		for (i = 0; i < ARRAY_SIZE(directives); i++)
			names[i] = directives[i].name;
		near = suggest_closest(name, names, ARRAY_SIZE(names));
		if (near) {
			conf_error(p, l->number, l->columns[0],
				   "unknown directive \"%s\"; did you mean \"%s\"?", name, near);
			return;
		}
	}
	conf_error(p, l->number, l->columns[0], "unknown directive \"%s\"", name);
}

void conf_directive_line(struct conf_parser *p, const struct conf_line *l)
{
	const struct conf_directive *d = conf_directive_find(l->words[0]);
	struct conf_where *w;

	if (!d) {
		unknown_directive(p, l);
		return;
	}
	if (l->n < 2) {
		conf_error(p, l->number, l->columns[0], "\"%s\" needs a value", d->name);
		return;
	}
	if (d->args == CONF_ARGS_ONE && l->n > 2) {
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

/* ---- checks between directives ----------------------------------------- */

void conf_check_all(struct conf_parser *p)
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
	if (w->line && c->sshkey && c->target_type != CONF_TARGET_SSH)
		conf_error(p, w->line, w->column,
			   "sshkey \"%s\" needs an ssh target", c->sshkey);
	else if (c->target_type == CONF_TARGET_SSH && !c->sshkey)
		set_string(p, &c->sshkey, CONF_DEFAULT_SSHKEY);

	/* the dump streams to ssh and raw as makedumpfile's flattened format */
	w = &p->seen[CONF_SLOT_COLLECTOR];
	if ((c->target_type == CONF_TARGET_SSH || c->target_type == CONF_TARGET_RAW) &&
	    c->collector != CONF_COLLECTOR_MAKEDUMPFILE && c->collector_argv)
		conf_error(p, w->line, w->column,
			   "core_collector \"%s\" cannot write to %s target; use makedumpfile",
			   c->collector_argv[0],
			   c->target_type == CONF_TARGET_SSH ? "an ssh" : "a raw");

	w = &p->seen[CONF_SLOT_LINK_DELAY];
	if (w->line && c->target_type != CONF_TARGET_SSH && c->target_type != CONF_TARGET_NFS)
		conf_error(p, w->line, w->column,
			   "link_delay needs a network (ssh or nfs) target");

	conf_check_timeouts(p);

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

