// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * NULL-terminated string vectors and shell-style word splitting (see
 * strv.h for the API).
 *
 * Rules this file adds to the header's:
 *  - Word separators are space, tab and newline, as in the shell's default
 *    IFS; any other byte, including other control characters, is part of a
 *    word.
 *  - A quoted empty string ('' or "") is a word of its own, as in the shell.
 *  - strv_join_quoted() leaves a word bare only when it is not empty and
 *    every byte is one of [A-Za-z0-9_@%+=:,./-]; other words are put in
 *    single quotes, a ' inside becoming '\''.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "strv.h"
#include "util.h"

size_t strv_length(char *const *v)
{
	size_t n = 0;

	if (!v)
		return 0;
	while (v[n])
		n++;
	return n;
}

void strv_free(char **v)
{
	char **p;

	if (!v)
		return;
	for (p = v; *p; p++)
		free(*p);
	free(v);
}

/* Append s, taking ownership of it (freed on failure). */
static int strv_consume(char ***v, char *s)
{
	size_t n = strv_length(*v);
	char **nv;

	if (!s)
		return -ENOMEM;
	nv = realloc(*v, (n + 2) * sizeof(*nv));
	if (!nv) {
		free(s);
		return -ENOMEM;
	}
	nv[n] = s;
	nv[n + 1] = NULL;
	*v = nv;
	return 0;
}

int strv_push(char ***v, const char *s)
{
	return strv_consume(v, strdup(s));
}

int strv_extend(char ***v, char *const *more)
{
	size_t i;
	int r;

	for (i = 0; more && more[i]; i++) {
		r = strv_push(v, more[i]);
		if (r < 0)
			return r;
	}
	if (!*v) {
		*v = calloc(1, sizeof(**v));
		if (!*v)
			return -ENOMEM;
	}
	return 0;
}

static bool is_sep(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

/* Growing buffer for the word being built. */
struct word {
	char *s;
	size_t len, cap;
};

static int word_add(struct word *w, char c)
{
	if (w->len + 1 >= w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 32;
		char *s = realloc(w->s, cap);

		if (!s)
			return -ENOMEM;
		w->s = s;
		w->cap = cap;
	}
	w->s[w->len++] = c;
	w->s[w->len] = '\0';
	return 0;
}

/* Hand the word over to v (an empty word when nothing was added). */
static int word_finish(struct word *w, char ***v)
{
	char *s = w->s ? w->s : strdup("");

	w->s = NULL;
	w->len = w->cap = 0;
	return strv_consume(v, s);
}

/* Read the word at s + *pos (not a separator) into w; *pos ends after it.
 * Returns 0, -ENOMEM, or -EINVAL with *errpos set. */
static int split_word(const char *s, size_t *pos, struct word *w, size_t *errpos)
{
	size_t i = *pos, quote_at;
	int r = 0;

	while (s[i] && !is_sep(s[i]) && r == 0) {
		char q = s[i];

		if (q == '\\') {
			if (!s[i + 1]) {
				*errpos = i;
				return -EINVAL;
			}
			r = word_add(w, s[i + 1]);
			i += 2;
		} else if (q == '\'' || q == '"') {
			quote_at = i++;
			for (; s[i] && s[i] != q && r == 0; i++) {
				if (q == '"' && s[i] == '\\' && s[i + 1] &&
				    strchr("\"\\$`", s[i + 1]))
					i++;
				r = word_add(w, s[i]);
			}
			if (r == 0 && !s[i]) {
				*errpos = quote_at;
				return -EINVAL;
			}
			i++;	/* the closing quote */
		} else {
			r = word_add(w, q);
			i++;
		}
	}
	*pos = i;
	return r;
}

int strv_split_quoted_offsets(const char *s, char ***out, size_t **offsets,
			      size_t *errpos)
{
	_cleanup_free_ size_t *offs = NULL;
	struct word w = { 0 };
	char **v = calloc(1, sizeof(*v));
	size_t i = 0, n = 0, at = 0;
	int r = 0;

	if (!v)
		return -ENOMEM;
	for (;;) {
		size_t *no;

		while (is_sep(s[i]))
			i++;
		if (!s[i])
			break;
		no = realloc(offs, (n + 1) * sizeof(*offs));
		if (!no) {
			r = -ENOMEM;
			goto fail;
		}
		offs = no;
		offs[n++] = i;
		r = split_word(s, &i, &w, &at);
		if (r < 0)
			goto fail;
		r = word_finish(&w, &v);
		if (r < 0)
			goto fail;
	}
	*out = v;
	if (offsets) {
		*offsets = offs;
		offs = NULL;
	}
	return 0;
fail:
	if (r == -EINVAL && errpos)
		*errpos = at;
	free(w.s);
	strv_free(v);
	return r;
}

int strv_split_quoted(const char *s, char ***out, size_t *errpos)
{
	return strv_split_quoted_offsets(s, out, NULL, errpos);
}

static bool is_safe(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!strchr("abcdefghijklmnopqrstuvwxyz"
			    "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789_@%+=:,./-", *s))
			return false;
	return true;
}

char *strv_join_quoted(char *const *v)
{
	size_t len = 1, i;
	const char *p;
	char *out, *o;

	for (i = 0; v && v[i]; i++) {
		len += 1 + 2;	/* separator, quotes */
		for (p = v[i]; *p; p++)
			len += *p == '\'' ? 4 : 1;
	}
	out = malloc(len);
	if (!out)
		return NULL;
	o = out;
	for (i = 0; v && v[i]; i++) {
		if (i > 0)
			*o++ = ' ';
		if (is_safe(v[i])) {
			o = stpcpy(o, v[i]);
			continue;
		}
		*o++ = '\'';
		for (p = v[i]; *p; p++) {
			if (*p == '\'')
				o = stpcpy(o, "'\\''");
			else
				*o++ = *p;
		}
		*o++ = '\'';
	}
	*o = '\0';
	return out;
}

char *strv_join(char *const *v, const char *sep)
{
	size_t len = 1, n = strv_length(v);
	char *s, *p;

	for (size_t i = 0; i < n; i++)
		len += strlen(v[i]) + (i ? strlen(sep) : 0);
	s = malloc(len);
	if (!s)
		return NULL;
	p = s;
	for (size_t i = 0; i < n; i++)
		p = stpcpy(i ? stpcpy(p, sep) : p, v[i]);
	*p = '\0';
	return s;
}
