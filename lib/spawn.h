/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KDUMP_SPAWN_H
#define KDUMP_SPAWN_H

/*
 * Run a program and wait for it. stdout_fd >= 0 becomes its standard
 * output; env is a NULL-terminated list of "KEY=value" added to the
 * environment (or NULL). Returns its exit status (0..255), 128 + signal
 * when killed, 127 when it cannot be run, or a negative errno.
 */
int spawn_wait(char *const argv[], int stdout_fd, char *const env[]);

#endif
