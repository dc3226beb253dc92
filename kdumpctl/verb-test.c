// SPDX-License-Identifier: GPL-2.0-or-later
/* test: crash the machine on purpose, once a crash kernel is loaded. */
#include <errno.h>
#include <fcntl.h>

#include "kdumpctl.h"
#include "loader.h"
#include "log.h"
#include "sysroot.h"
#include "util.h"

static bool confirmed(void)
{
	char answer[16] = "";

	if (!isatty(STDIN_FILENO)) {
		log_error("kdumpctl test panics this machine; without a terminal to confirm on, "
			  "pass --yes");
		return false;
	}
	fprintf(stderr, "This panics the kernel now: every process dies and the machine\n"
			"reboots through the crash kernel, which saves a dump.\n"
			"Type \"yes\" to continue: ");
	if (!fgets(answer, sizeof(answer), stdin))
		return false;
	return streq(strip_trailing(answer), "yes");
}

int verb_test(struct kdump_ctx *ctx, const struct global_options *o)
{
	_cleanup_free_ char *trigger = NULL;
	_cleanup_close_ int fd = -1;
	int r = loader_status(ctx->root, true);

	if (r != 1) {
		log_error("no crash kernel is loaded, so a panic would only reboot the machine "
			  "without a dump; run kdumpctl start first");
		return -ENOENT;
	}
	if (sysroot_path(ctx->root, "/proc/sysrq-trigger", &trigger) < 0)
		return -ENOMEM;
	/* before asking: a question that cannot lead anywhere is not asked */
	if (access(trigger, W_OK) < 0) {
		if ((errno == EACCES || errno == EPERM) && geteuid() != 0) {
			log_error("kdumpctl test must be run as root");
			return -EPERM;
		}
		return log_error_errno(-errno, "cannot write to %s", trigger);
	}
	if (!o->yes && !confirmed()) {
		log_info("test cancelled");
		return -ECANCELED;
	}
	log_info("triggering a kernel panic through %s", trigger);
	sync();
	fd = open(trigger, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return log_error_errno(-errno, "cannot open %s", trigger);
	if (write(fd, "c", 1) != 1)
		return log_error_errno(-errno, "cannot write to %s", trigger);
	return 0;
}
