// SPDX-License-Identifier: GPL-2.0-or-later
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <sys/stat.h>

#include "inputs.h"
#include "util.h"

#define HASH_LIMIT (1024 * 1024)

__attribute__((format(printf, 2, 3)))
static int append(struct inputs *in, const char *fmt, ...)
{
	_cleanup_free_ char *line = NULL;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&line, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -ENOMEM;
	if (in->len + (size_t)n + 1 > in->cap) {
		size_t cap = (in->cap ? in->cap * 2 : 1024) + (size_t)n;
		char *t = realloc(in->text, cap);

		if (!t)
			return -ENOMEM;
		in->text = t;
		in->cap = cap;
	}
	memcpy(in->text + in->len, line, (size_t)n + 1);
	in->len += (size_t)n;
	return 0;
}

static int hash_file(const char *path, uint64_t *hash)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	unsigned char buf[8192];
	uint64_t h = 0xcbf29ce484222325ULL;
	ssize_t n;

	if (fd < 0)
		return -errno;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		for (ssize_t i = 0; i < n; i++)
			h = (h ^ buf[i]) * 0x100000001b3ULL;
	if (n < 0)
		return -errno;
	*hash = h;
	return 0;
}

static int add_file(struct inputs *in, const char *label, const char *path,
		    const struct stat *st)
{
	uint64_t h;
	int r;

	if (st->st_size > HASH_LIMIT)
		return append(in, "%s\t%s\tsize=%lld:mtime=%lld.%09ld\n", label, path,
			      (long long)st->st_size, (long long)st->st_mtim.tv_sec,
			      st->st_mtim.tv_nsec);
	r = hash_file(path, &h);
	if (r < 0)
		return append(in, "%s\t%s\tunreadable\n", label, path);
	return append(in, "%s\t%s\tfnv=%016" PRIx64 "\n", label, path, h);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int add_dir(struct inputs *in, const char *label, const char *path)
{
	DIR *d = opendir(path);
	char **names = NULL;
	size_t n = 0;
	struct dirent *e;
	int r = 0;

	if (!d)
		return append(in, "%s\t%s\tunreadable\n", label, path);
	while ((e = readdir(d))) {
		char **t;

		if (e->d_name[0] == '.')
			continue;
		t = realloc(names, (n + 1) * sizeof(*names));
		if (!t || !(t[n] = strdup(e->d_name))) {
			names = t ? t : names;
			r = -ENOMEM;
			break;
		}
		names = t;
		n++;
	}
	closedir(d);
	if (r == 0)
		qsort(names, n, sizeof(*names), cmp_names);
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *sub = NULL;

		if (r == 0 && asprintf(&sub, "%s/%s", path, names[i]) < 0)
			r = -ENOMEM;
		if (r == 0)
			r = inputs_add(in, label, sub);
		free(names[i]);
	}
	free(names);
	return r;
}

int inputs_add(struct inputs *in, const char *label, const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return append(in, "%s\t%s\tmissing\n", label, path);
	if (S_ISDIR(st.st_mode))
		return add_dir(in, label, path);
	return add_file(in, label, path, &st);
}

int inputs_add_value(struct inputs *in, const char *label, const char *value)
{
	return append(in, "%s\t-\t%s\n", label, value);
}

void inputs_clear(struct inputs *in)
{
	free(in->text);
	*in = (struct inputs){ 0 };
}

static size_t line_len(const char *s)
{
	return strcspn(s, "\n");
}

static char *describe(const char *line, size_t len, const char *verb)
{
	const char *tab = memchr(line, '\t', len);
	const char *tab2 = tab ? memchr(tab + 1, '\t', len - (size_t)(tab + 1 - line)) : NULL;
	char *s = NULL;

	if (!tab || !tab2)
		return asprintf(&s, "the input record changed") < 0 ? NULL : s;
	if (tab2 - tab == 2 && tab[1] == '-')
		return asprintf(&s, "%.*s changed", (int)(tab - line), line) < 0 ? NULL : s;
	return asprintf(&s, "%.*s (%.*s) %s", (int)(tab - line), line,
			(int)(tab2 - tab - 1), tab + 1, verb) < 0 ? NULL : s;
}

bool inputs_equal(const char *recorded, const char *current, char **reason)
{
	const char *a = recorded ? recorded : "", *b = current ? current : "";

	while (*a || *b) {
		size_t la = line_len(a), lb = line_len(b);

		if (la != lb || memcmp(a, b, la) != 0) {
			if (reason)
				*reason = *b ? describe(b, lb, *a ? "changed" : "was added")
					     : describe(a, la, "is no longer an input");
			return false;
		}
		a += la + (a[la] == '\n');
		b += lb + (b[lb] == '\n');
	}
	return true;
}

/* the value of label's "label TAB - TAB value" line: its start and length */
static const char *find_value(const char *text, const char *label, size_t *len)
{
	size_t ll = strlen(label);

	for (const char *l = text; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
		if (strncmp(l, label, ll) == 0 && strncmp(l + ll, "\t-\t", 3) == 0) {
			*len = line_len(l + ll + 3);
			return l + ll + 3;
		}
	}
	return NULL;
}

int inputs_assume_recorded(char **current, const char *recorded, const char *label,
			   const char *absent, char **value)
{
	size_t cl, rl;
	const char *cv = find_value(*current, label, &cl);
	const char *rv = recorded ? find_value(recorded, label, &rl) : NULL;
	char *s;

	if (!cv || !rv || cl != strlen(absent) || memcmp(cv, absent, cl) != 0 ||
	    (rl == cl && memcmp(rv, cv, cl) == 0))
		return 0;
	if (asprintf(&s, "%.*s%.*s%s", (int)(cv - *current), *current, (int)rl, rv, cv + cl) < 0)
		return -ENOMEM;
	if (value && !(*value = strndup(rv, rl))) {
		free(s);
		return -ENOMEM;
	}
	free(*current);
	*current = s;
	return 1;
}
