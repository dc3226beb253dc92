/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KDUMP_WATCHDOG_H
#define KDUMP_WATCHDOG_H

#include <stdbool.h>

/*
 * Hardware watchdogs: which one the host has (for the capture image and
 * for check/status) and, in the crash kernel, arming, petting and
 * disarming it through the Linux watchdog API (<linux/watchdog.h>).
 */

struct watchdog_host {
	char *device;   /* "watchdog0" */
	char *driver;   /* "i6300esb", "iTCO_wdt", "sp5100_tco" */
	char *identity; /* the driver's own name for it, or NULL */
	/* kernel modules the device needs in the capture image: its driver's
	 * and those of its parent devices' drivers (lpc_ich for iTCO_wdt),
	 * NULL-terminated; empty when all are built in */
	char **modules;
	unsigned int max_timeout; /* seconds, 0 when sysfs does not say */
};

/*
 * The first watchdog of <root>/sys/class/watchdog that a driver is bound
 * to. Returns 0 and info, -ENOENT when the host has none, or another
 * negative errno.
 */
int watchdog_probe(const char *root, struct watchdog_host *info);
void watchdog_host_clear(struct watchdog_host *info);

/* The timeout to arm with: above the capture's own bound (capture_timeout
 * plus a margin for the action after it) and within the device's maximum
 * (0: unknown); with no capture bound, a stall bound the capture pets
 * against. */
unsigned int watchdog_timeout_for(unsigned int capture_timeout, unsigned int max_timeout);

/* Seconds PID 1 gives the capture between arming and the final action
 * beyond capture_timeout. */
#define WATCHDOG_MARGIN 60
/* The timeout with capture_timeout 0 (no bound): 10 minutes. */
#define WATCHDOG_UNBOUNDED_TIMEOUT 600

/*
 * What the capture image records about the host's watchdog
 * (/etc/kdump-snp/watchdog): "driver=NAME", "modules=NAME ..." (loaded
 * before the image's other modules) and "timeout=SECONDS" lines.
 */
struct watchdog_record {
	char *driver;
	char **modules;		/* NULL-terminated, may be empty */
	unsigned int timeout;
};

/* Returns 0 and a newly allocated *text, or -ENOMEM. */
int watchdog_record_format(const struct watchdog_host *h, unsigned int timeout, char **text);
/* Returns 0, -EINVAL when a line or the driver is missing or wrong, or
 * -ENOMEM. */
int watchdog_record_parse(const char *text, struct watchdog_record *rec);
void watchdog_record_clear(struct watchdog_record *rec);

/*
 * Open and arm devnode ("/dev/watchdog0") with timeout seconds, or the
 * longest of timeout/2, timeout/4, ... the device accepts; the device may
 * round it: *armed is what it runs with (0 when it does not say). Returns the open fd, or a negative errno.
 */
int watchdog_arm(const char *devnode, unsigned int timeout, unsigned int *armed);
int watchdog_pet(int fd);
/* Stop it (the magic close) and close fd. Returns 0 or a negative errno
 * (a driver built with nowayout keeps running). */
int watchdog_disarm(int fd);

#endif
