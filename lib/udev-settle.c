/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <libudev.h>
#include <poll.h>
#include <sys/stat.h>
#include <time.h>

#include "udev-settle.h"

int settle_wait(const struct settle_queue *q, unsigned int timeout_ms, unsigned long long *waited_ms)
{
	unsigned long long start = q->now_ms(q->data), now;
	int r;

	for (;;) {
		r = q->is_empty(q->data);
		if (r < 0)
			return r;
		now = q->now_ms(q->data);
		if (r > 0) {
			*waited_ms = now - start;
			return 0;
		}
		if (now - start >= timeout_ms)
			return -ETIMEDOUT;
		r = q->wait(q->data, (unsigned int)(timeout_ms - (now - start)));
		if (r < 0)
			return r;
	}
}

static int host_is_empty(void *data)
{
	return udev_queue_get_queue_is_empty(data) ? 1 : 0;
}

/* the queue's inotify descriptor wakes us when udev removes its queue
 * file; a short cap on each wait covers a wake-up that was missed */
static int host_wait(void *data, unsigned int timeout_ms)
{
	struct udev_queue *queue = data;
	struct pollfd p = { .fd = udev_queue_get_fd(queue), .events = POLLIN };
	int r;

	if (p.fd < 0)
		return p.fd;
	r = poll(&p, 1, (int)(timeout_ms < 250 ? timeout_ms : 250));
	if (r < 0)
		return errno == EINTR ? 0 : -errno;
	if (r > 0)
		(void)udev_queue_flush(queue);
	return 0;
}

static unsigned long long host_now_ms(void *data)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000ULL + (unsigned long long)ts.tv_nsec / 1000000ULL;
}

int udev_settle_host(unsigned int timeout_ms, unsigned long long *waited_ms)
{
	struct stat st;
	struct udev *udev;
	struct udev_queue *queue;
	int r;

	if (stat("/run/udev/control", &st) < 0)
		return -ENOENT;
	udev = udev_new();
	if (!udev)
		return -ENOMEM;
	queue = udev_queue_new(udev);
	if (!queue) {
		udev_unref(udev);
		return -ENOMEM;
	}
	r = settle_wait(&(struct settle_queue){
		.is_empty = host_is_empty,
		.wait = host_wait,
		.now_ms = host_now_ms,
		.data = queue,
	}, timeout_ms, waited_ms);
	udev_queue_unref(queue);
	udev_unref(udev);
	return r;
}
