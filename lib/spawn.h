/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KDUMP_SPAWN_H
#define KDUMP_SPAWN_H

#include <sys/types.h>

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
 * Start a program without waiting: fds[0..2] become its standard input,
 * output and error (-1 leaves the parent's; each must be above 2 or the
 * target itself). Returns its pid or a negative errno; the caller must
 * close its copies of pipe ends and then spawn_wait_all().
 */
pid_t spawn_start(char *const argv[], const int fds[3], char *const env[]);

/*
 * Wait until every one of the n programs ended; statuses[i] gets pids[i]'s
 * status as spawn_wait() returns it. As PID 1 or a subreaper, orphans that
 * end meanwhile are reaped too. Returns 0 or a negative errno.
 */
int spawn_wait_all(const pid_t *pids, int *statuses, size_t n);

/*
 * Open /dev/null on any of fds 0-2 that is closed, so that files opened
 * later never become stdin, stdout or stderr by accident. For the start of
 * every binary. Returns 0 or a negative errno.
 */
int spawn_ensure_stdio(void);

#endif
