/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <libudev.h>
#include <poll.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sysroot.h"
#include "udev-settle.h"
#include "util.h"

/*
 * libudev is loaded when start waits, not linked: the same kdumpctl is
 * the capture image's /init, and dracut copies every library a binary
 * links, which would put libudev and libcap (0.1 MiB of the compressed
 * image) where no udev ever runs.
 */
static struct {
	struct udev *(*new)(void);
	struct udev *(*unref)(struct udev *);
	struct udev_queue *(*queue_new)(struct udev *);
	struct udev_queue *(*queue_unref)(struct udev_queue *);
	int (*queue_is_empty)(struct udev_queue *);
	int (*queue_fd)(struct udev_queue *);
	int (*queue_flush)(struct udev_queue *);
} udev_api;

static int load_libudev(void)
{
	void *h;

	if (udev_api.new)
		return 0;
	h = dlopen("libudev.so.1", RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return -ENOENT;
	*(void **)&udev_api.new = dlsym(h, "udev_new");
	*(void **)&udev_api.unref = dlsym(h, "udev_unref");
	*(void **)&udev_api.queue_new = dlsym(h, "udev_queue_new");
	*(void **)&udev_api.queue_unref = dlsym(h, "udev_queue_unref");
	*(void **)&udev_api.queue_is_empty = dlsym(h, "udev_queue_get_queue_is_empty");
	*(void **)&udev_api.queue_fd = dlsym(h, "udev_queue_get_fd");
	*(void **)&udev_api.queue_flush = dlsym(h, "udev_queue_flush");
	if (!udev_api.new || !udev_api.unref || !udev_api.queue_new || !udev_api.queue_unref ||
	    !udev_api.queue_is_empty || !udev_api.queue_fd || !udev_api.queue_flush) {
		udev_api.new = NULL;
		dlclose(h);
		return -ENOSYS;
	}
	return 0;
}

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
	return udev_api.queue_is_empty(data) ? 1 : 0;
}

/* the queue's inotify descriptor wakes us when udev removes its queue
 * file; a short cap on each wait covers a wake-up that was missed */
static int host_wait(void *data, unsigned int timeout_ms)
{
	struct udev_queue *queue = data;
	struct pollfd p = { .fd = udev_api.queue_fd(queue), .events = POLLIN };
	int r;

	if (p.fd < 0)
		return p.fd;
	r = poll(&p, 1, (int)(timeout_ms < 250 ? timeout_ms : 250));
	if (r < 0)
		return errno == EINTR ? 0 : -errno;
	if (r > 0)
		(void)udev_api.queue_flush(queue);
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
	r = load_libudev();
	if (r < 0)
		return r;
	udev = udev_api.new();
	if (!udev)
		return -ENOMEM;
	queue = udev_api.queue_new(udev);
	if (!queue) {
		udev_api.unref(udev);
		return -ENOMEM;
	}
	r = settle_wait(&(struct settle_queue){
		.is_empty = host_is_empty,
		.wait = host_wait,
		.now_ms = host_now_ms,
		.data = queue,
	}, timeout_ms, waited_ms);
	udev_api.queue_unref(queue);
	udev_api.unref(udev);
	return r;
}

/* below another root (a test's fixture) udev's own files say it: the
 * queue file exists while events are queued, as libudev reads it */
static int root_is_empty(void *data)
{
	return access(data, F_OK) < 0 ? 1 : 0;
}

static int root_wait(void *data, unsigned int timeout_ms)
{
	unsigned int ms = timeout_ms < 100 ? timeout_ms : 100;

	nanosleep(&(struct timespec){ .tv_sec = 0, .tv_nsec = (long)ms * 1000000L }, NULL);
	return 0;
}

int udev_settle_root(const char *root, unsigned int timeout_ms, unsigned long long *waited_ms)
{
	_cleanup_free_ char *control = NULL;
	_cleanup_free_ char *queue = NULL;

	if (strcmp(root, "/") == 0)
		return udev_settle_host(timeout_ms, waited_ms);
	if (sysroot_path(root, "/run/udev/control", &control) < 0 ||
	    sysroot_path(root, "/run/udev/queue", &queue) < 0)
		return -ENOMEM;
	if (access(control, F_OK) < 0)
		return -ENOENT;
	return settle_wait(&(struct settle_queue){
		.is_empty = root_is_empty,
		.wait = root_wait,
		.now_ms = host_now_ms,
		.data = queue,
	}, timeout_ms, waited_ms);
}
