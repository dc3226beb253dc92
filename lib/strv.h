/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KDUMP_STRV_H
#define KDUMP_STRV_H

#include <stddef.h>

/* NULL-terminated string vectors. */

size_t strv_length(char *const *v);
void strv_free(char **v);

/* Append a copy of s; returns 0 or -ENOMEM. */
int strv_push(char ***v, const char *s);

/* Append copies of the words of more (may be NULL); *v is an empty vector
 * afterwards even when both were NULL. Returns 0 or -ENOMEM. */
int strv_extend(char ***v, char *const *more);

/*
 * Split s into words the way a POSIX shell splits a simple command, without
 * any expansion: whitespace separates words; single quotes keep everything
 * literally; double quotes keep everything but \" \\ \$ \` which lose the
 * backslash; outside quotes a backslash keeps the next character. Returns
 * 0 and *out, or -EINVAL (unbalanced quote or trailing backslash; *errpos
 * then has the offset of the offending quote or backslash when not NULL).
 */
int strv_split_quoted(const char *s, char ***out, size_t *errpos);

/* The same, and when offsets is not NULL a newly allocated array with the
 * offset in s where each word starts (its first quote, if quoted). */
int strv_split_quoted_offsets(const char *s, char ***out, size_t **offsets,
			      size_t *errpos);

/* Join words with single spaces, quoting words that need it for the shell
 * so that strv_split_quoted() gives the same words back. */
char *strv_join_quoted(char *const *v);

/* Join words with sep between them; "" for an empty or NULL vector. */
char *strv_join(char *const *v, const char *sep);

#endif
