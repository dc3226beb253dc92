// SPDX-License-Identifier: GPL-2.0-or-later
/* Ending a capture: reboot, poweroff, halt or a shell. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/reboot.h>
#include <sys/wait.h>

#include "kexec-file.h"
#include "log.h"
#include "save.h"
#include "spawn.h"
#include "util.h"

static int shell(void)
{
	char *argv[] = { "/bin/sh", "-i", NULL };
	int fd = open("/dev/console", O_RDWR | O_CLOEXEC);

	log_info("starting a shell; the machine reboots when it exits");
	if (fd >= 0) {
		dup2(fd, STDIN_FILENO);
		dup2(fd, STDERR_FILENO);
	}
	spawn_wait(argv, fd, NULL);
	if (fd >= 0)
		close(fd);
	return RB_AUTOBOOT;
}

/* sync(2), but on a dump disk that stopped answering it never returns:
 * the action must not wait for it longer than SYNC_WAIT_MS. */
#define SYNC_WAIT_MS 10000

void save_sync_bounded(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		sync();
		_exit(0);
	}
	if (pid < 0) {
		sync();
		return;
	}
	for (unsigned int waited = 0; waited < SYNC_WAIT_MS; waited += 100) {
		if (waitpid(pid, NULL, WNOHANG) == pid)
			return;
		usleep(100 * 1000);
	}
	kill(pid, SIGKILL);
	log_warn("sync did not finish within %u s; going on without it", SYNC_WAIT_MS / 1000);
}

int save_action(enum conf_action action, bool manual, const char *why)
{
	int how;

	if (manual || kexec_dry_run()) {
		/* stdout: the line tests and people read to see what would happen */
		printf("%s: %s (%s)\n", why, conf_action_name(action),
		       manual ? "not taken: save was given --vmcore or --target" : "dry run");
		return 0;
	}
	log_info("%s: %s", why, conf_action_name(action));
	switch (action) {
	case CONF_ACTION_POWEROFF:
		how = RB_POWER_OFF;
		break;
	case CONF_ACTION_HALT:
		how = RB_HALT_SYSTEM;
		break;
	case CONF_ACTION_SHELL:
		how = shell();
		break;
	default:
		how = RB_AUTOBOOT;
		break;
	}
	save_sync_bounded();
	reboot(how);
	return log_error_errno(-errno, "%s failed", conf_action_name(action));
}
