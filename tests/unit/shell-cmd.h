/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shell commands for the tests that build a network namespace of their own. */
#ifndef KDUMP_SNP_TESTS_SHELL_CMD_H
#define KDUMP_SNP_TESTS_SHELL_CMD_H

/* system(cmd); a failure is printed with the command */
int sh(const char *cmd);
/* the first line of cmd's output, newly allocated (cmocka-asserted) */
char *out(const char *cmd);

#endif
