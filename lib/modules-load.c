// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"
#include "modules-load.h"
#include "strv.h"
#include "util.h"

#ifndef MODULE_INIT_COMPRESSED_FILE
#define MODULE_INIT_COMPRESSED_FILE 4
#endif

struct dep_entry {
	char *name;
	char **deps;
	bool visiting;
	bool done;
};

struct dep_table {
	struct dep_entry *v;
	size_t n;
};

static void table_free(struct dep_table *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->v[i].name);
		strv_free(t->v[i].deps);
	}
	free(t->v);
}

static struct dep_entry *table_find(struct dep_table *t, const char *name)
{
	for (size_t i = 0; i < t->n; i++)
		if (streq(t->v[i].name, name))
			return &t->v[i];
	return NULL;
}

static int split_words(const char *s, char ***out)
{
	_cleanup_free_ char *copy = strdup(s);
	char *save = NULL;

	*out = NULL;
	if (!copy)
		return -ENOMEM;
	for (char *w = strtok_r(copy, " \t", &save); w; w = strtok_r(NULL, " \t", &save))
		if (strv_push(out, w) < 0)
			return -ENOMEM;
	return 0;
}

/* "path: dep dep" lines; blank lines and lines starting with '#' skipped */
static int table_parse(const char *text, struct dep_table *t, unsigned int *bad_line)
{
	unsigned int lineno = 0;

	for (const char *p = text; *p;) {
		const char *end = strchrnul(p, '\n');
		_cleanup_free_ char *line = strndup(p, (size_t)(end - p));
		struct dep_entry *grown;
		char *colon;

		lineno++;
		p = *end ? end + 1 : end;
		if (!line)
			return -ENOMEM;
		strip_trailing(line);
		if (!*line || *line == '#')
			continue;
		colon = strchr(line, ':');
		if (!colon) {
			if (bad_line)
				*bad_line = lineno;
			return -EINVAL;
		}
		*colon = '\0';
		grown = realloc(t->v, (t->n + 1) * sizeof(*t->v));
		if (!grown)
			return -ENOMEM;
		t->v = grown;
		t->v[t->n] = (struct dep_entry){ .name = strdup(line) };
		t->n++;
		if (!t->v[t->n - 1].name || split_words(colon + 1, &t->v[t->n - 1].deps) < 0)
			return -ENOMEM;
	}
	return 0;
}

/* depth-first: dependencies first; a cycle is cut where it closes */
static int visit(struct dep_table *t, struct dep_entry *e, char ***order)
{
	if (e->done || e->visiting)
		return 0;
	e->visiting = true;
	for (char **d = e->deps; d && *d; d++) {
		struct dep_entry *dep = table_find(t, *d);

		if (dep) {
			int r = visit(t, dep, order);

			if (r < 0)
				return r;
		}
	}
	e->visiting = false;
	e->done = true;
	return strv_push(order, e->name);
}

/* "kernel/drivers/watchdog/iTCO_wdt.ko.zst" is module iTCO_wdt; '-' and
 * '_' are the same in module names. */
static bool is_module(const char *path, const char *name)
{
	const char *base = strrchr(path, '/');
	size_t i;

	base = base ? base + 1 : path;
	for (i = 0; name[i] && base[i]; i++)
		if (base[i] != name[i] && !(strchr("-_", base[i]) && strchr("-_", name[i])))
			return false;
	return !name[i] && strncmp(base + i, ".ko", 3) == 0;
}

int modules_options_parse(const char *text, char ***out)
{
	char **v = NULL;

	for (const char *l = text ? text : ""; *l; l += strcspn(l, "\n") + (l[strcspn(l, "\n")] == '\n')) {
		size_t n = strcspn(l, "\n");
		_cleanup_free_ char *line = strndup(l, n);
		char *p;

		if (!line) {
			strv_free(v);
			return -ENOMEM;
		}
		if (strncmp(line, "options ", 8) != 0)
			continue;
		p = line + 8;
		p += strspn(p, " \t");
		if (strv_push(&v, p) < 0) {
			strv_free(v);
			return -ENOMEM;
		}
	}
	if (!v && strv_extend(&v, NULL) < 0)
		return -ENOMEM;
	*out = v;
	return 0;
}

const char *modules_params_for(char *const *options, const char *path)
{
	for (; options && *options; options++) {
		size_t n = strcspn(*options, " ");
		char name[256];

		if (n == 0 || n >= sizeof(name) || !(*options)[n])
			continue;
		memcpy(name, *options, n);
		name[n] = '\0';
		if (is_module(path, name))
			return *options + n + 1;
	}
	return "";
}

static bool wanted(const char *path, char *const *names)
{
	if (!names)
		return true;
	for (; *names; names++)
		if (is_module(path, *names))
			return true;
	return false;
}

int modules_load_order_of(const char *dep_text, char *const *names, char ***out,
			  unsigned int *bad_line)
{
	struct dep_table t = { 0 };
	char **order = NULL;
	int r = table_parse(dep_text, &t, bad_line);

	for (size_t i = 0; i < t.n && r == 0; i++)
		if (wanted(t.v[i].name, names))
			r = visit(&t, &t.v[i], &order);
	if (r == 0 && !order) {
		order = calloc(1, sizeof(*order));
		r = order ? 0 : -ENOMEM;
	}
	table_free(&t);
	if (r < 0) {
		strv_free(order);
		return r;
	}
	*out = order;
	return 0;
}

int modules_load_order(const char *dep_text, char ***out, unsigned int *bad_line)
{
	return modules_load_order_of(dep_text, NULL, out, bad_line);
}

static bool is_compressed(const char *path)
{
	static const char *const suffixes[] = { ".ko.xz", ".ko.zst", ".ko.gz" };
	size_t len = strlen(path);

	for (size_t i = 0; i < ARRAY_SIZE(suffixes); i++) {
		size_t sl = strlen(suffixes[i]);

		if (len > sl && streq(path + len - sl, suffixes[i]))
			return true;
	}
	return false;
}

static int load_one(const char *dir, const char *rel, const char *params)
{
	_cleanup_free_ char *path = NULL;
	int fd, r = 0;

	if (asprintf(&path, "%s/%s", dir, rel) < 0)
		return -ENOMEM;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return log_error_errno(-errno, "cannot open the module %s", path);
	if (*params)
		log_info("module %s: parameters %s (kdump.conf options)", rel, params);
	if (syscall(SYS_finit_module, fd, params,
		    is_compressed(rel) ? MODULE_INIT_COMPRESSED_FILE : 0) < 0 && errno != EEXIST) {
		/* a driver for hardware this machine lacks (crc32c-intel
		 * without SSE4.2) says so: not worth an error */
		if (errno == ENODEV)
			log_debug("module %s: no such device", path);
		else
			r = log_error_errno(-errno, "cannot load the module %s", path);
	}
	close(fd);
	return r;
}

int modules_load_all(const char *dir, char *const *options, unsigned int *failed)
{
	return modules_load_some(dir, NULL, options, failed);
}

int modules_load_some(const char *dir, char *const *names, char *const *options,
		      unsigned int *failed)
{
	_cleanup_free_ char *dep_path = NULL, *text = NULL;
	char **order = NULL;
	unsigned int bad = 0;
	ssize_t len;
	int r, loaded = 0;

	*failed = 0;
	if (asprintf(&dep_path, "%s/modules.dep", dir) < 0)
		return -ENOMEM;
	len = read_file(dep_path, &text);
	if (len < 0)
		return log_error_errno((int)len, "cannot read %s", dep_path);
	r = modules_load_order_of(text, names, &order, &bad);
	if (r == -EINVAL)
		return log_error_errno(r, "%s:%u: a line without \"module: dependencies\"", dep_path, bad);
	if (r < 0)
		return r;
	for (char **m = order; *m; m++) {
		if (load_one(dir, *m, modules_params_for(options, *m)) < 0)
			(*failed)++;
		else
			loaded++;
	}
	strv_free(order);
	return loaded;
}
