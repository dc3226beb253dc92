// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Kernel command-line editing, tokenised the way the kernel's next_arg()
 * and parse_args() do it (see cmdline.h for the API).
 *
 * Rules this file adds to the header's:
 *  - Trailing '\n' characters (as read from /proc/cmdline) are not part of
 *    the command line: they are never copied to a result. Any other
 *    whitespace, including a '\n' in the middle, separates parameters and
 *    is kept byte for byte where untouched.
 *  - An unbalanced '"' quotes the rest of the line, as in the kernel: a
 *    `--` or a key inside it is not seen, and a parameter that would be
 *    added after it goes right before that last, open token instead.
 *  - A removed parameter takes the whitespace run before it along; when no
 *    kept parameter precedes it, it takes the run after it instead. So
 *    leading whitespace of the line stays, and no leading or trailing space
 *    appears that was not there.
 *  - A parameter is added right after the last kernel parameter, after one
 *    space; with no kernel parameter, right before `--` followed by one
 *    space; with neither (an empty or blank line), the result is just the
 *    parameter.
 *  - cmdline may be NULL, which stands for the empty line.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"
#include "util.h"

struct token {
	const char *start;	/* raw text, quotes included */
	size_t len;
	const char *name;	/* name, unquoted */
	size_t name_len;
	const char *val;	/* value, unquoted; NULL when there is no '=' */
	size_t val_len;
	bool open;		/* ends inside an unbalanced quote */
};

static bool is_ws(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');	/* \t \n \v \f \r */
}

/* The part of cmdline to work on: [*start, *end), trailing '\n' dropped. */
static void cmdline_span(const char *cmdline, const char **start,
			 const char **end)
{
	if (!cmdline)
		cmdline = "";
	*start = cmdline;
	*end = cmdline + strlen(cmdline);
	while (*end > *start && (*end)[-1] == '\n')
		(*end)--;
}

/* Split the token at p (not whitespace) as next_arg() does: a '"' toggles
 * quoting; an opening quote of the whole token or of the value, and then
 * one closing quote at the end of the token, are not part of the result. */
static void token_parse(const char *p, const char *end, struct token *t)
{
	const char *q, *body, *eq;
	bool in_quote = false, quoted = *p == '"';
	size_t blen, *last;

	for (q = p; q < end && (in_quote || !is_ws(*q)); q++)
		if (*q == '"')
			in_quote = !in_quote;
	t->start = p;
	t->len = (size_t)(q - p);
	t->open = in_quote;
	body = p + quoted;
	blen = t->len - quoted;
	eq = memchr(body, '=', blen);
	t->name = body;
	t->name_len = eq ? (size_t)(eq - body) : blen;
	t->val = eq ? eq + 1 : NULL;
	t->val_len = eq ? (size_t)(body + blen - t->val) : 0;
	if (eq && t->val_len > 0 && t->val[0] == '"') {
		t->val++;
		t->val_len--;
		quoted = true;
	}
	last = eq ? &t->val_len : &t->name_len;
	if (quoted && *last > 0 && body[blen - 1] == '"')
		(*last)--;
}

/* Next token from *pos; *ws is set to where the whitespace before it
 * starts. Returns false at end. */
static bool next_token(const char **pos, const char *end, const char **ws,
		       struct token *t)
{
	const char *p = *pos;

	*ws = p;
	while (p < end && is_ws(*p))
		p++;
	if (p == end)
		return false;
	token_parse(p, end, t);
	*pos = p + t->len;
	return true;
}

/* A bare `--` (possibly quoted, as parse_args() sees it) ends the kernel's
 * parameters. */
static bool token_is_separator(const struct token *t)
{
	return !t->val && t->name_len == 2 && memcmp(t->name, "--", 2) == 0;
}

/* parameq(): names are equal when '-' and '_' are taken as the same. */
static bool token_has_name(const struct token *t, const char *key)
{
	size_t i;

	if (t->name_len != strlen(key))
		return false;
	for (i = 0; i < t->name_len; i++) {
		char a = t->name[i] == '-' ? '_' : t->name[i];
		char b = key[i] == '-' ? '_' : key[i];

		if (a != b)
			return false;
	}
	return true;
}

static bool key_valid(const char *key, size_t len)
{
	size_t i;

	if (len == 0 || (len == 2 && memcmp(key, "--", 2) == 0))
		return false;
	for (i = 0; i < len; i++)
		if (is_ws(key[i]) || key[i] == '=' || key[i] == '"')
			return false;
	return true;
}

static bool key_ok(const char *key)
{
	return key && key_valid(key, strlen(key));
}

/* Build "key", "key=value" or key="value" (when value has whitespace). */
static int param_format(const char *key, size_t klen, const char *value,
			char **out)
{
	size_t vlen = value ? strlen(value) : 0;
	bool quote = false;
	char *s;
	size_t i;

	if (!key_valid(key, klen))
		return -EINVAL;
	for (i = 0; i < vlen; i++) {
		if (value[i] == '"')
			return -EINVAL;
		if (is_ws(value[i]))
			quote = true;
	}
	s = malloc(klen + vlen + 4);
	if (!s)
		return -ENOMEM;
	if (value)
		snprintf(s, klen + vlen + 4, "%.*s=%s%s%s", (int)klen, key,
			 quote ? "\"" : "", value, quote ? "\"" : "");
	else
		snprintf(s, klen + 1, "%.*s", (int)klen, key);
	*out = s;
	return 0;
}

struct buf {
	char *s;
	size_t len;
};

static void buf_put(struct buf *b, const char *s, size_t n)
{
	memcpy(b->s + b->len, s, n);
	b->len += n;
}

/*
 * Drop every kernel-side occurrence of key (NULL matches nothing). When
 * param is given, it takes the place of the first occurrence, or is
 * added when there is none. See the rules at the top of this file.
 */
static int cmdline_edit(const char *cmdline, const char *key,
			const char *param, char **out)
{
	const char *p, *end, *ws, *rest = NULL;
	size_t plen = param ? strlen(param) : 0;
	bool kept = false, seen = false, placed = !param;
	struct token t;
	struct buf b;

	cmdline_span(cmdline, &p, &end);
	b.s = malloc((size_t)(end - p) + plen + 2);
	if (!b.s)
		return -ENOMEM;
	b.len = 0;

	while (next_token(&p, end, &ws, &t)) {
		bool match = key && token_has_name(&t, key);

		if (token_is_separator(&t)) {
			rest = t.start;
			break;
		}
		if (!seen)
			buf_put(&b, ws, (size_t)(t.start - ws));
		if (match && placed) {
			seen = true;
			continue;
		}
		if (seen && kept)
			buf_put(&b, ws, (size_t)(t.start - ws));
		if (match) {
			buf_put(&b, param, plen);
			placed = true;
		} else {
			if (t.open && !placed) {
				buf_put(&b, param, plen);
				buf_put(&b, " ", 1);
				placed = true;
			}
			buf_put(&b, t.start, t.len);
		}
		seen = kept = true;
	}

	/* ws now starts the whitespace before `--` or at the end. */
	if (!placed) {
		if (kept) {
			buf_put(&b, " ", 1);
			buf_put(&b, param, plen);
			buf_put(&b, ws, (size_t)((rest ? rest : end) - ws));
		} else if (rest) {
			buf_put(&b, ws, (size_t)(rest - ws));
			buf_put(&b, param, plen);
			buf_put(&b, " ", 1);
		} else {
			buf_put(&b, param, plen);	/* blank line */
		}
	} else if (kept || !seen) {
		buf_put(&b, ws, (size_t)((rest ? rest : end) - ws));
	}
	if (rest)
		buf_put(&b, rest, (size_t)(end - rest));
	b.s[b.len] = '\0';
	*out = b.s;
	return 0;
}

int cmdline_remove_param(const char *cmdline, const char *key, char **out)
{
	if (!key_ok(key) || !out)
		return -EINVAL;
	return cmdline_edit(cmdline, key, NULL, out);
}

int cmdline_add_param(const char *cmdline, const char *param, char **out)
{
	_cleanup_free_ char *formatted = NULL;
	const char *eq;
	int r;

	if (!param || !out)
		return -EINVAL;
	eq = strchr(param, '=');
	r = param_format(param, eq ? (size_t)(eq - param) : strlen(param),
			 eq ? eq + 1 : NULL, &formatted);
	if (r < 0)
		return r;
	return cmdline_edit(cmdline, NULL, formatted, out);
}

int cmdline_replace_param(const char *cmdline, const char *key,
			  const char *value, char **out)
{
	_cleanup_free_ char *formatted = NULL;
	int r;

	if (!key || !out)
		return -EINVAL;
	r = param_format(key, strlen(key), value, &formatted);
	if (r < 0)
		return r;
	return cmdline_edit(cmdline, key, formatted, out);
}

int cmdline_get_param(const char *cmdline, const char *key, char **value)
{
	const char *p, *end, *ws;
	struct token t, last = { 0 };
	bool found = false;

	if (!key_ok(key))
		return -EINVAL;
	if (value)
		*value = NULL;
	cmdline_span(cmdline, &p, &end);
	while (next_token(&p, end, &ws, &t) && !token_is_separator(&t)) {
		if (token_has_name(&t, key)) {
			last = t;
			found = true;
		}
	}
	if (!found)
		return 0;
	if (value && last.val) {
		*value = strndup(last.val, last.val_len);
		if (!*value)
			return -ENOMEM;
	}
	return 1;
}

/* Any kernel-side occurrence counts: some parameters (console=, rd.lvm.lv=)
 * are meant to be given several times. value NULL matches a bare key. */
bool cmdline_has_param_value(const char *cmdline, const char *key,
			     const char *value)
{
	const char *p, *end, *ws;
	struct token t;

	if (!key_ok(key))
		return false;
	cmdline_span(cmdline, &p, &end);
	while (next_token(&p, end, &ws, &t) && !token_is_separator(&t)) {
		if (!token_has_name(&t, key))
			continue;
		if (!value && !t.val)
			return true;
		if (value && t.val && t.val_len == strlen(value) &&
		    memcmp(t.val, value, t.val_len) == 0)
			return true;
	}
	return false;
}

bool cmdline_key_equal(const char *a, const char *b)
{
	struct token t = { .name = a, .name_len = strlen(a) };

	return token_has_name(&t, b);
}

int cmdline_foreach_param(const char *cmdline, cmdline_param_fn fn, void *data)
{
	const char *p, *end, *ws;
	struct token t;

	cmdline_span(cmdline, &p, &end);
	while (next_token(&p, end, &ws, &t) && !token_is_separator(&t)) {
		_cleanup_free_ char *key = strndup(t.name, t.name_len);
		_cleanup_free_ char *val = t.val ? strndup(t.val, t.val_len) : NULL;
		int r;

		if (!key || (t.val && !val))
			return -ENOMEM;
		r = fn(key, val, data);
		if (r)
			return r;
	}
	return 0;
}
