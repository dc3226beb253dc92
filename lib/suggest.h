/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KDUMP_SUGGEST_H
#define KDUMP_SUGGEST_H

#include <stddef.h>

/*
 * "Did you mean": the name in names[0..n) closest to word, counting an
 * inserted, deleted, replaced or swapped neighbouring character as one
 * edit (optimal string alignment distance), or NULL when none is close:
 * one edit for names of up to 4 characters, two for longer ones. Ties go
 * to the earlier name.
 */
const char *suggest_closest(const char *word, const char *const *names, size_t n);

/* The distance itself; words longer than SUGGEST_MAX_LEN count as far
 * from everything (returns SIZE_MAX). */
#define SUGGEST_MAX_LEN 64
size_t suggest_distance(const char *a, const char *b);

#endif
