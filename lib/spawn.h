/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KDUMP_SPAWN_H
#define KDUMP_SPAWN_H

/*
 * Run a program and wait for it. stdout_fd >= 0 becomes its standard
 * output (fd 1 itself included, even with FD_CLOEXEC); env is a
 * NULL-terminated list of "KEY=value" added to the environment (or NULL).
 * The program starts with no blocked signals, every signal at its default
 * action, and only fds 0-2 open. Returns its exit status (0..255),
 * 128 + signal when killed, 127 when it cannot be run, or a negative errno.
 * As PID 1 or a child subreaper, orphans that end meanwhile are reaped too.
 */
int spawn_wait(char *const argv[], int stdout_fd, char *const env[]);

/*
 * Open /dev/null on any of fds 0-2 that is closed, so that files opened
 * later never become stdin, stdout or stderr by accident. For the start of
 * every binary. Returns 0 or a negative errno.
 */
int spawn_ensure_stdio(void);

#endif
