// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdlib.h>

#include "cmdline.h"
#include "crash-cmdline.h"
#include "snp-policy.h"
#include "strv.h"
#include "util.h"

/* Replace *line by the result of an edit (r, next), freeing the old one. */
static int take(char **line, int r, char *next)
{
	if (r < 0)
		return r;
	free(*line);
	*line = next;
	return 0;
}

struct prefix_match {
	const char *prefix;
	char **keys;
};

static int collect_prefixed(const char *key, const char *value, void *data)
{
	struct prefix_match *m = data;

	if (strncmp(key, m->prefix, strlen(m->prefix)) != 0)
		return 0;
	return strv_push(&m->keys, key);
}

static int remove_name(char **line, const char *name)
{
	struct prefix_match m = { .prefix = name };
	char *next = NULL;
	int r;

	if (name[strlen(name) - 1] != '.') {
		r = cmdline_remove_param(*line, name, &next);
		return take(line, r, next);
	}
	r = cmdline_foreach_param(*line, collect_prefixed, &m);
	for (char **k = m.keys; r >= 0 && k && *k; k++) {
		r = cmdline_remove_param(*line, *k, &next);
		r = take(line, r, next);
	}
	strv_free(m.keys);
	return r;
}

static int remove_names(char **line, const char *names)
{
	_cleanup_free_ char *copy = strdup(names ? names : "");
	char *save = NULL;
	int r = 0;

	if (!copy)
		return -ENOMEM;
	for (char *n = strtok_r(copy, " \t\n", &save); n && r >= 0; n = strtok_r(NULL, " \t\n", &save))
		r = remove_name(line, n);
	return r;
}

static int replace_one(const char *key, const char *value, void *data)
{
	char **line = data;
	char *next = NULL;

	int r = cmdline_replace_param(*line, key, value, &next);

	return take(line, r, next);
}

/* The crash kernel must run the capture image's /init: the host's init=
 * and rdinit= are removed (CRASH_CMDLINE_REMOVE), and an append that sets
 * them is refused. */
static int check_no_init(const char *append, char *err, size_t errlen)
{
	static const char *const keys[] = { "init", "rdinit" };
	_cleanup_free_ char *value = NULL;

	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		int r = cmdline_get_param(append, keys[i], &value);

		if (r < 0)
			return r;
		if (r == 0)
			continue;
		snprintf(err, errlen,
			 "refusing \"%s=%s\" on the crash command line: the crash kernel must run "
			 "the capture image's /init", keys[i], value ? value : "");
		return -EPERM;
	}
	return 0;
}

/* A second panic, in the crash kernel, must reboot the machine: the kernel
 * waits forever on panic=0 (and ignores a value it cannot read, keeping
 * the panic=10 before it only by chance), so an append whose last panic
 * timeout is not a non-zero number is refused. */
static int check_panic_reboots(const char *append, char *err, size_t errlen)
{
	static const char *const keys[] = { "panic", "sysctl.kernel.panic", "sysctl.kernel/panic" };

	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		_cleanup_free_ char *value = NULL;
		char *end = NULL;
		long v = 0;
		int r = cmdline_get_param(append, keys[i], &value);

		if (r <= 0) {
			if (r < 0)
				return r;
			continue;
		}
		if (value && *value) {
			errno = 0;
			v = strtol(value, &end, 10);
		}
		if (value && *value && !*end && errno == 0 && v != 0)
			continue;
		snprintf(err, errlen,
			 "refusing \"%s%s%s\" on the crash command line: a second panic, in the "
			 "crash kernel, would then stop the machine instead of rebooting it; give a "
			 "number of seconds (a negative one reboots at once)", keys[i],
			 value ? "=" : "", value ? value : "");
		return -EPERM;
	}
	return 0;
}

/* a parameter of the admin's append that is one of our own defaults
 * (nr_cpus=1, ...) takes its place: appended after it, the kernel may keep
 * the first (nr_cpus= only ever lowers the CPU count) */
static int drop_default(const char *key, const char *value, void *data)
{
	char **line = data;
	char *next = NULL;
	int r = cmdline_get_param(CRASH_CMDLINE_APPEND, key, NULL);

	(void)value;
	if (r <= 0)
		return r;
	r = cmdline_remove_param(*line, key, &next);
	return take(line, r, next);
}

static int append_line(char **line, const char *append)
{
	char *next = NULL;

	if (!append || !*append)
		return 0;
	if (asprintf(&next, "%s%s%s", *line, **line ? " " : "", append) < 0)
		return -ENOMEM;
	return take(line, 0, next);
}

static bool list_contains(const char *list, const char *item)
{
	size_t n = strlen(item);

	for (const char *p = list; p && *p; p += strcspn(p, ",") + (p[strcspn(p, ",")] == ',')) {
		if (strncmp(p, item, n) == 0 && (p[n] == ',' || p[n] == '\0'))
			return true;
	}
	return false;
}

/* module_blacklist=ccp,kvm_amd, keeping what the line already lists. */
static int add_blacklist(char **line)
{
	static const char *const modules[] = { "ccp", "kvm_amd" };
	_cleanup_free_ char *list = NULL;
	char *next = NULL;
	int r;

	r = cmdline_get_param(*line, "module_blacklist", &list);
	if (r < 0)
		return r;
	for (size_t i = 0; i < ARRAY_SIZE(modules); i++) {
		if (list_contains(list, modules[i]))
			continue;
		if (asprintf(&next, "%s%s%s", list ? list : "", list && *list ? "," : "",
			     modules[i]) < 0)
			return -ENOMEM;
		free(list);
		list = next;
	}
	r = cmdline_replace_param(*line, "module_blacklist", list, &next);
	return take(line, r, next);
}

int crash_cmdline_compose(const struct crash_cmdline_input *in, char **out,
			  char *err, size_t errlen)
{
	_cleanup_free_ char *line = strdup(in->base ? in->base : "");
	int r;

	if (!line)
		return -ENOMEM;
	r = remove_names(&line, CRASH_CMDLINE_REMOVE);
	if (r >= 0)
		r = remove_names(&line, in->remove);
	if (r >= 0)
		r = cmdline_foreach_param(CRASH_CMDLINE_APPEND, replace_one, &line);
	if (r >= 0)
		r = check_no_init(in->append, err, errlen);
	if (r >= 0)
		r = check_panic_reboots(in->append, err, errlen);
	if (r >= 0 && in->append)
		r = cmdline_foreach_param(in->append, drop_default, &line);
	if (r >= 0)
		r = append_line(&line, in->append);
	if (r >= 0 && in->snp)
		r = add_blacklist(&line);
	if (r == -EINVAL)
		snprintf(err, errlen, "cannot edit the crash command line \"%s\"", line);
	if (r == -EPERM)
		r = -EINVAL;	/* err is already written */
	if (r < 0)
		return r;
	return snp_apply_to_cmdline(line, in->snp, out, err, errlen);
}

/* value of the last key, as the kernel's get_option reads it; -1 when
 * absent or not a number */
static long cpus_param(const char *cmdline, const char *key)
{
	_cleanup_free_ char *v = NULL;
	char *end;
	long n;

	if (cmdline_get_param(cmdline, key, &v) <= 0 || !v || !*v)
		return -1;
	errno = 0;
	n = strtol(v, &end, 0);
	if (errno || end == v || *end || n < 0)
		return -1;
	return n;
}

unsigned int crash_cmdline_cpus(const char *cmdline)
{
	long nr = cpus_param(cmdline, "nr_cpus");
	long max = cpus_param(cmdline, "maxcpus");
	unsigned int cpus = 0;

	/* nr_cpus=0 is ignored by the kernel */
	if (nr > 0)
		cpus = (unsigned int)nr;
	if (max == 0)
		max = 1;
	if (max > 0 && (!cpus || (unsigned long)max < cpus))
		cpus = (unsigned int)max;
	return cpus;
}
