/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A scratch directory per cmocka test: made by scratch_setup, removed
 * with everything in it by scratch_teardown. */
#ifndef KDUMP_SNP_TESTS_SCRATCH_H
#define KDUMP_SNP_TESTS_SCRATCH_H

extern char *scratch;

int scratch_setup(void **state);
int scratch_teardown(void **state);

#endif
