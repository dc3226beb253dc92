/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KDUMP_UDEV_SETTLE_H
#define KDUMP_UDEV_SETTLE_H

/*
 * Waiting, bounded, for udev to finish the events it has queued. At boot,
 * kdump.service starts while udev still loads drivers for the coldplugged
 * devices: kvm_amd (which decides the SEV-SNP state) and a hardware
 * watchdog's driver (which the capture image records) come a few seconds
 * later, or tens of seconds on a slow machine. Building the image before
 * they are in means building it again when they arrive
 * (kdump-rearm.service), so start waits for udev before it builds; an
 * image that is up to date is loaded at once, and kdump-rearm.service
 * checks it again once udev is done (kdumpctl/udev-boot.c).
 */

/* The queue: udev's (udev_settle_host) or a test's. */
struct settle_queue {
	/* 1 when no event is queued, 0 when some are, or a negative errno */
	int (*is_empty)(void *data);
	/* block until the queue may have changed or timeout_ms passed;
	 * 0 or a negative errno */
	int (*wait)(void *data, unsigned int timeout_ms);
	/* CLOCK_MONOTONIC milliseconds */
	unsigned long long (*now_ms)(void *data);
	void *data;
};

/*
 * Wait until the queue is empty, at most timeout_ms. Returns 0 when it is
 * (*waited_ms: how long that took, 0 when it already was), -ETIMEDOUT when
 * events are still queued at the bound, or the queue's negative errno.
 */
int settle_wait(const struct settle_queue *q, unsigned int timeout_ms, unsigned long long *waited_ms);

/*
 * The host's udev through libudev (loaded with dlopen). Returns 0 and
 * *waited_ms as settle_wait; -ENOENT when no udev runs here (no /run/udev:
 * a container, a chroot) or libudev.so.1 cannot be loaded, which callers
 * take as settled; -ETIMEDOUT; or another negative errno.
 */
int udev_settle_host(unsigned int timeout_ms, unsigned long long *waited_ms);

/* udev_settle_host on "/"; below another root, the queue as its
 * /run/udev/queue file shows it. A timeout of 0 asks whether udev is busy
 * now: -ETIMEDOUT when it is. */
int udev_settle_root(const char *root, unsigned int timeout_ms, unsigned long long *waited_ms);

#endif
