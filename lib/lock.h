/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KDUMP_LOCK_H
#define KDUMP_LOCK_H

/*
 * One kdumpctl at a time: an flock(2) on a file under the run directory.
 * A second caller waits, saying so once on stderr with the timeout, and
 * gives up after timeout_ms with -ETIMEDOUT. Returns the locked fd
 * (close-on-exec; close it to unlock) or a negative errno of open(2) or
 * flock(2).
 */
int lock_acquire(const char *path, unsigned int timeout_ms);

#endif
