// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * start at boot and udev (udev-settle.h says why it matters): whether udev
 * is still loading this boot's drivers, the bounded wait for it, and the
 * second look kdump-rearm.service takes once it is done.
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "kdumpctl.h"
#include "log.h"
#include "spawn.h"
#include "udev-settle.h"
#include "util.h"

#define UDEV_SETTLE_TIMEOUT_MS 60000U
/* tests shorten the bound */
#define UDEV_TIMEOUT_ENV "KDUMP_SNP_UDEV_TIMEOUT_MS"

static unsigned int settle_timeout_ms(void)
{
	const char *env = getenv(UDEV_TIMEOUT_ENV);
	char *end;
	unsigned long v;

	if (!env || !*env)
		return UDEV_SETTLE_TIMEOUT_MS;
	errno = 0;
	v = strtoul(env, &end, 10);
	if (errno || *end || v > UDEV_SETTLE_TIMEOUT_MS)
		return UDEV_SETTLE_TIMEOUT_MS;
	return (unsigned int)v;
}

bool udev_loading(const char *root)
{
	unsigned long long waited;

	return udev_settle_root(root, 0, &waited) == -ETIMEDOUT;
}

void udev_wait_drivers(const char *root)
{
	unsigned int timeout = settle_timeout_ms();
	unsigned long long waited = 0;
	int r = udev_settle_root(root, timeout, &waited);

	if (r == -ETIMEDOUT)
		log_warn("udev is still loading drivers after %.1f s; going on with the devices "
			 "present now (kdump-rearm.service arms again when kvm_amd or a watchdog "
			 "arrives)", (double)timeout / 1000.0);
	else if (r < 0 && r != -ENOENT)
		log_debug("udev's queue cannot be read (%s); not waiting for it", strerror(-r));
	else if (r == 0 && waited >= 1000)
		log_info("waited %.1f s for udev to load the drivers of this boot's devices",
			 (double)waited / 1000.0);
}

int udev_rearm_later(const char *root)
{
	char *argv[] = { SYSTEMCTL, "--no-block", "start", "kdump-rearm.service", NULL };
	int r;

	/* only a host that runs systemd has the unit; a fixture root has none */
	if (!streq(root, "/") || access("/run/systemd/system", F_OK) < 0) {
		log_debug("not asking for kdump-rearm.service: no systemd runs %s", root);
		return 0;
	}
	r = spawn_wait(argv, -1, NULL);
	if (r != 0) {
		log_warn("cannot queue kdump-rearm.service (%s exited with %d): the capture image "
			 "is not checked again once udev is done", SYSTEMCTL, r);
		return r < 0 ? r : -ECHILD;
	}
	return 0;
}
