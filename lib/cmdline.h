/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KDUMP_CMDLINE_H
#define KDUMP_CMDLINE_H

#include <stdbool.h>

/*
 * Kernel command-line editing with the kernel's own rules:
 *  - parameters are separated by spaces; a value with spaces is wrapped in
 *    double quotes (`key="a b"`, or `"key=a b"` which the kernel also accepts);
 *  - a bare `--` ends the kernel's parameters: what follows belongs to init
 *    and is never matched, removed or reordered;
 *  - in parameter names '-' and '_' are the same character (parameq()).
 *
 * A NULL cmdline stands for the empty line. Trailing newlines (as read from
 * /proc/cmdline) are not part of the line and never appear in a result.
 *
 * Every function returns a newly allocated string in *out and 0, or a
 * negative errno (-EINVAL for a malformed argument, -ENOMEM). Text that an
 * edit does not touch is kept byte for byte, including runs of spaces.
 */

/* Remove every occurrence of key, whether written `key` or `key=value`. */
int cmdline_remove_param(const char *cmdline, const char *key, char **out);

/* Append param ("key" or "key=value") before any `--`; the value is quoted
 * when it contains spaces. Existing occurrences of key are left alone. */
int cmdline_add_param(const char *cmdline, const char *param, char **out);

/* Replace every occurrence of key by one `key=value` (or bare `key` when
 * value is NULL) at the place of the first occurrence; append it when key
 * is absent. */
int cmdline_replace_param(const char *cmdline, const char *key,
			  const char *value, char **out);

/* Find the last occurrence of key (the one the kernel uses). Returns 1 and
 * sets *value (unquoted, newly allocated; NULL for a bare key) when found,
 * 0 when absent, negative errno on error. value may be NULL. */
int cmdline_get_param(const char *cmdline, const char *key, char **value);

/* true when any occurrence of key has exactly this value (unquoted
 * compare; NULL matches a bare key): console= and the like repeat. */
bool cmdline_has_param_value(const char *cmdline, const char *key,
			     const char *value);

/* Call fn for every kernel parameter before any `--`, in order. key is
 * NUL-terminated (as written), value unquoted (NULL for a bare key). A
 * non-zero return from fn stops the walk and is returned. */
typedef int (*cmdline_param_fn)(const char *key, const char *value, void *data);
int cmdline_foreach_param(const char *cmdline, cmdline_param_fn fn, void *data);

/* Whether two parameter names are the same to the kernel ('-' == '_'). */
bool cmdline_key_equal(const char *a, const char *b);

#endif
