/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KDUMP_LOCK_H
#define KDUMP_LOCK_H

/*
 * One kdumpctl at a time: an flock(2) on a file under the run directory.
 * A second caller waits, saying so once on stderr, and gives up after
 * timeout_ms with -ETIMEDOUT. Returns the locked fd (close it to unlock).
 */
int lock_acquire(const char *path, unsigned int timeout_ms);

#endif
