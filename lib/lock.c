// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <time.h>

#include "lock.h"
#include "log.h"
#include "util.h"

int lock_acquire(const char *path, unsigned int timeout_ms)
{
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	unsigned int waited = 0;

	if (fd < 0)
		return -errno;
	while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno != EWOULDBLOCK) {
			int r = -errno;

			close(fd);
			return r;
		}
		if (waited == 0)
			log_info("waiting up to %u %s for another kdumpctl to finish (lock %s)",
				 timeout_ms % 1000 ? timeout_ms : timeout_ms / 1000,
				 timeout_ms % 1000 ? "ms" : "s", path);
		if (waited >= timeout_ms) {
			close(fd);
			return -ETIMEDOUT;
		}
		nanosleep(&(struct timespec){ .tv_nsec = 50 * 1000 * 1000 }, NULL);
		waited += 50;
	}
	return fd;
}
