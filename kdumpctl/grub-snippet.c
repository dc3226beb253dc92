// SPDX-License-Identifier: GPL-2.0-or-later
/* The GRUB snippet of crashkernel= (grub-snippet.h): read, written, and
 * the crashkernel= that the admin set elsewhere in GRUB's configuration. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>

#include "grub-snippet.h"
#include "sysroot.h"
#include "util.h"

#define SETTING_FMT "GRUB_CMDLINE_LINUX_DEFAULT=\"$GRUB_CMDLINE_LINUX_DEFAULT crashkernel=%s\""

static const char *mode_word(enum snippet_state state)
{
	return state == SNIPPET_AUTO ? "auto" : "size";
}

bool crashkernel_value_valid(const char *value)
{
	size_t n = strlen(value);

	if (n == 0 || n > CRASHKERNEL_VALUE_MAX || value[0] < '0' || value[0] > '9')
		return false;
	return strspn(value, "0123456789KMGT-:,@") == n;
}

char *snippet_render(enum snippet_state state, const char *value)
{
	char *text = NULL;

	if (asprintf(&text,
		     "# The crash kernel's memory (crashkernel=) for kdump-snp, read by update-grub.\n"
		     "# `kdumpctl reset-crashkernel` rewrites this file while its last two lines\n"
		     "# are as it wrote them and say \"auto\"; change the size here (or with\n"
		     "# `kdumpctl reset-crashkernel --size=SIZE`) and it is kept, by kdumpctl and\n"
		     "# by package upgrades. Run update-grub after editing it.\n"
		     GRUB_MARKER "%s %s\n" SETTING_FMT "\n",
		     mode_word(state), value, value) < 0)
		return NULL;
	return text;
}

/* the marker's mode and value, or false when the line is not one */
static bool parse_marker(const char *line, enum snippet_state *state, char *value)
{
	const char *p = line + strlen(GRUB_MARKER);
	size_t n;

	if (strncmp(line, GRUB_MARKER, strlen(GRUB_MARKER)) != 0)
		return false;
	if (strncmp(p, "auto ", 5) == 0)
		*state = SNIPPET_AUTO;
	else if (strncmp(p, "size ", 5) == 0)
		*state = SNIPPET_SIZE;
	else
		return false;
	p += 5;
	n = strlen(p);
	if (n > CRASHKERNEL_VALUE_MAX)
		return false;
	memcpy(value, p, n + 1);
	return crashkernel_value_valid(value);
}

void snippet_parse(const char *text, struct snippet *s)
{
	_cleanup_free_ char *copy = NULL;
	_cleanup_free_ char *want = NULL;
	char value[CRASHKERNEL_VALUE_MAX + 1] = "";
	enum snippet_state marked = SNIPPET_HAND;
	const char *setting = NULL;
	unsigned int settings = 0;
	char *line, *save = NULL;

	memset(s, 0, sizeof(*s));
	if (!text) {
		s->state = SNIPPET_ABSENT;
		return;
	}
	s->state = SNIPPET_HAND;
	copy = strdup(text);
	if (!copy)
		return;
	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		const char *p = line + strspn(line, " \t");

		if (*p == '\0')
			continue;
		if (*p == '#') {
			enum snippet_state st;
			char v[CRASHKERNEL_VALUE_MAX + 1];

			/* the last marker counts; a second one is the admin's */
			if (parse_marker(line, &st, v)) {
				if (marked != SNIPPET_HAND)
					return;
				marked = st;
				memcpy(value, v, sizeof(v));
			}
			continue;
		}
		settings++;
		setting = line;
	}
	if (marked == SNIPPET_HAND || settings != 1 || asprintf(&want, SETTING_FMT, value) < 0)
		return;
	if (!streq(setting, want))
		return;
	s->state = marked;
	memcpy(s->value, value, sizeof(value));
}

/* the first crashkernel= of a line that is not a comment, into e */
static bool line_sets_crashkernel(const char *line, struct grub_elsewhere *e)
{
	const char *p = line + strspn(line, " \t");
	const char *k;
	size_t n;

	if (*p == '#')
		return false;
	for (k = strstr(p, "crashkernel="); k; k = strstr(k + 1, "crashkernel=")) {
		/* a word of its own, not xcrashkernel= */
		if (k > p && !strchr(" \t\"'", k[-1]))
			continue;
		n = strcspn(k, " \t\"'");
		if (n >= sizeof(e->token))
			n = sizeof(e->token) - 1;
		memcpy(e->token, k, n);
		e->token[n] = '\0';
		return true;
	}
	return false;
}

/* 1 when file (absolute, below root) sets crashkernel= */
static int file_sets_crashkernel(const char *root, const char *file, struct grub_elsewhere *e)
{
	_cleanup_free_ char *text = NULL;
	char *line, *save = NULL;
	unsigned int n = 0;
	ssize_t len = sysroot_read_file(root, file, &text);

	if (len == -ENOENT)
		return 0;
	if (len < 0)
		return (int)len;
	/* strtok_r would skip empty lines and miscount */
	for (line = text; line; line = save) {
		save = strchr(line, '\n');
		if (save)
			*save++ = '\0';
		n++;
		if (line_sets_crashkernel(line, e)) {
			e->file = strdup(file);
			e->line = n;
			return e->file ? 1 : -ENOMEM;
		}
	}
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int grub_find_elsewhere(const char *root, struct grub_elsewhere *e)
{
	_cleanup_free_ char *dir = NULL;
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *d;
	int r;

	memset(e, 0, sizeof(*e));
	r = file_sets_crashkernel(root, GRUB_DEFAULT_PATH, e);
	if (r != 0)
		return r;
	r = sysroot_path(root, GRUB_SNIPPET_DIR, &dir);
	if (r < 0)
		return r;
	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		const char *mine = strrchr(GRUB_SNIPPET_PATH, '/') + 1;

		if (len < 5 || !streq(de->d_name + len - 4, ".cfg") || streq(de->d_name, mine) ||
		    streq(de->d_name, GRUB_PEER_SNIPPET))
			continue;
		if (n == cap) {
			char **more = realloc(names, (cap = cap ? cap * 2 : 8) * sizeof(*names));

			if (!more) {
				r = -ENOMEM;
				break;
			}
			names = more;
		}
		names[n] = strdup(de->d_name);
		if (!names[n]) {
			r = -ENOMEM;
			break;
		}
		n++;
	}
	closedir(d);
	if (r == 0)
		qsort(names, n, sizeof(*names), cmp_names);
	for (size_t i = 0; i < n && r == 0; i++) {
		_cleanup_free_ char *file = NULL;

		if (asprintf(&file, "%s/%s", GRUB_SNIPPET_DIR, names[i]) < 0)
			r = -ENOMEM;
		else
			r = file_sets_crashkernel(root, file, e);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return r;
}
