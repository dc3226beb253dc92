/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A scratch directory per cmocka test: made by scratch_setup, removed
 * with everything in it by scratch_teardown. */
#ifndef KDUMP_SNP_TESTS_SCRATCH_H
#define KDUMP_SNP_TESTS_SCRATCH_H

#include <stddef.h>

extern char *scratch;

int scratch_setup(void **state);
int scratch_teardown(void **state);

/* scratch_put: REL below the scratch directory holds DATA (made with its
 * parent directories) */
void scratch_put(const char *rel, const void *data, size_t len);

#endif
