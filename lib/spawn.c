// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "spawn.h"
#include "util.h"

int spawn_ensure_stdio(void)
{
	for (int fd = STDIN_FILENO; fd <= STDERR_FILENO; fd++) {
		int nfd;

		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		/* the lowest free descriptor: fd itself, as those below are open */
		nfd = open("/dev/null", (fd == STDIN_FILENO ? O_RDONLY : O_WRONLY) | O_NOCTTY);
		if (nfd < 0)
			return -errno;
		if (nfd != fd) {
			int r = dup2(nfd, fd) < 0 ? -errno : 0;

			close(nfd);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

/* What the parent changed for itself must not reach the program: blocked
 * signals and ignored ones (an ignored SIGPIPE or SIGTERM survives exec). */
static void reset_signals(void)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	sigset_t none;

	for (int sig = 1; sig < NSIG; sig++)
		sigaction(sig, &dfl, NULL); /* fails harmlessly for KILL, STOP, libc's own */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

/* Close every descriptor above stderr: the parent's lock file, mount
 * descriptors and the like are not the program's business. */
static void close_inherited_fds(void)
{
	long max;

	if (close_range(STDERR_FILENO + 1, ~0U, 0) == 0)
		return;
	max = sysconf(_SC_OPEN_MAX); /* close_range(2) needs Linux 5.9 */
	for (long fd = STDERR_FILENO + 1; fd < (max > 0 ? max : 1024); fd++)
		close((int)fd);
}

/* fd becomes target in the child (-1: left as it is) */
static int child_fd(int fd, int target)
{
	if (fd == target) {
		/* dup2(1, 1) is a no-op that keeps FD_CLOEXEC: clear it here */
		int flags = fcntl(target, F_GETFD);

		return flags < 0 || fcntl(target, F_SETFD, flags & ~FD_CLOEXEC) < 0 ? -1 : 0;
	}
	return fd >= 0 && dup2(fd, target) < 0 ? -1 : 0;
}

static __attribute__((noreturn)) void run_child(char *const argv[], const int fds[3],
						char *const env[])
{
	reset_signals();
	for (int i = 0; i < 3; i++)
		if (child_fd(fds[i], i) < 0)
			_exit(127);
	close_inherited_fds();
	for (char *const *e = env; e && *e; e++)
		putenv(*e);
	execvp(argv[0], argv);
	fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

/* PID 1 (kdumpctl capture as the capture image's /init) and subreapers
 * inherit the orphans of their children and must reap them. */
static bool reaps_orphans(void)
{
	int sub = 0;

	return getpid() == 1 || (prctl(PR_GET_CHILD_SUBREAPER, &sub, 0, 0, 0) == 0 && sub);
}

static int wait_child(pid_t pid, int *status)
{
	bool reaper = reaps_orphans();

	for (;;) {
		pid_t got = waitpid(reaper ? -1 : pid, status, 0);

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return -errno;
		if (got == pid)
			break;
		/* an orphan that ended while we waited: reaped */
	}
	/* orphans that ended before the child; those still running are
	 * reaped by a later call */
	while (reaper && waitpid(-1, NULL, WNOHANG) > 0)
		;
	return 0;
}

int spawn_wait(char *const argv[], int stdout_fd, char *const env[])
{
	int status, r;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0)
		run_child(argv, (const int[3]){ -1, stdout_fd, -1 }, env);
	r = wait_child(pid, &status);
	if (r < 0)
		return r;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

pid_t spawn_start(char *const argv[], const int fds[3], char *const env[])
{
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0)
		run_child(argv, fds, env);
	return pid;
}

int spawn_wait_all(const pid_t *pids, int *statuses, size_t n)
{
	bool reaper = reaps_orphans();
	size_t left = n;

	for (size_t i = 0; i < n; i++)
		statuses[i] = -1;
	while (left > 0) {
		size_t next = 0;
		int status;
		pid_t got;

		while (statuses[next] != -1)
			next++;
		/* a reaper takes whatever ends; others wait for each in turn */
		got = waitpid(reaper ? -1 : pids[next], &status, 0);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return -errno;
		for (size_t i = 0; i < n; i++)
			if (got == pids[i] && statuses[i] == -1) {
				statuses[i] = WIFSIGNALED(status) ? 128 + WTERMSIG(status)
								  : WEXITSTATUS(status);
				left--;
			}
	}
	return 0;
}
