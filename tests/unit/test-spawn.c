// SPDX-License-Identifier: GPL-2.0-or-later
/* spawn_wait(): what a child gets (stdout, environment, signals,
 * descriptors) and how it is waited for, also as a reaper of orphans. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "spawn.h"
#include "util.h"

static char out_path[] = "/tmp/test-spawn.XXXXXX";

static int open_out(int flags)
{
	int fd = open(out_path, O_WRONLY | O_TRUNC | flags);

	assert_true(fd >= 0);
	return fd;
}

static void assert_out(const char *want)
{
	char *text = NULL;

	assert_true(read_file(out_path, &text) >= 0);
	assert_string_equal(text, want);
	free(text);
}

/* run `sh -c SCRIPT` with stdout_fd and env */
static int sh(const char *script, int stdout_fd, char *const env[])
{
	char *argv[] = { "sh", "-c", (char *)script, NULL };

	return spawn_wait(argv, stdout_fd, env);
}

static void test_stdout_and_status(void **state)
{
	int fd = open_out(O_CLOEXEC);

	assert_int_equal(sh("echo hello; exit 3", fd, NULL), 3);
	close(fd);
	assert_out("hello\n");
	assert_int_equal(sh("kill -KILL $$", -1, NULL), 128 + SIGKILL);
}

static void test_cannot_run(void **state)
{
	char *argv[] = { "/nonexistent/program", NULL };

	assert_int_equal(spawn_wait(argv, -1, NULL), 127);
}

static void test_env_added(void **state)
{
	char *env[] = { "KDUMP_SPAWN_TEST=a b", NULL };
	int fd = open_out(O_CLOEXEC);

	assert_int_equal(sh("printf '%s' \"$KDUMP_SPAWN_TEST\"", fd, env), 0);
	close(fd);
	assert_out("a b");
	/* in the child only */
	assert_null(getenv("KDUMP_SPAWN_TEST"));
}

/*
 * With fd 1 closed (a service started without stdout), the output file
 * opened with O_CLOEXEC gets fd 1; dup2(1, 1) keeps the flag, so the
 * collector ran with its stdout closed and wrote nothing.
 */
static void test_stdout_fd_is_fd_1(void **state)
{
	int saved = dup(STDOUT_FILENO);
	int fd, r;

	assert_true(saved >= 0);
	fflush(stdout);
	close(STDOUT_FILENO);
	fd = open_out(O_CLOEXEC);
	r = sh("echo collected", fd, NULL);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	assert_int_equal(fd, STDOUT_FILENO);
	assert_int_equal(r, 0);
	assert_out("collected\n");
}

/* a signal the parent blocks is not blocked in the child */
static void test_signal_mask_reset(void **state)
{
	sigset_t term, old;
	int r;

	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	assert_int_equal(sigprocmask(SIG_BLOCK, &term, &old), 0);
	r = sh("kill -TERM $$; exit 0", -1, NULL);
	sigprocmask(SIG_SETMASK, &old, NULL);
	assert_int_equal(r, 128 + SIGTERM);
}

/* a signal the parent ignores is back to its default in the child (an
 * ignored SIGPIPE would make a collector writing to a closed pipe spin) */
static void test_signal_disposition_reset(void **state)
{
	struct sigaction ign = { .sa_handler = SIG_IGN }, old;
	int r;

	assert_int_equal(sigaction(SIGPIPE, &ign, &old), 0);
	r = sh("kill -PIPE $$; exit 0", -1, NULL);
	sigaction(SIGPIPE, &old, NULL);
	assert_int_equal(r, 128 + SIGPIPE);
}

/* descriptors the parent holds without O_CLOEXEC (a lock file, a mount
 * fd) do not leak into the child */
static void test_inherited_fds_closed(void **state)
{
	int fd = open("/dev/null", O_RDONLY);
	int r;

	assert_true(fd >= 0);
	assert_int_equal(dup2(fd, 40), 40);
	close(fd);
	r = sh("test ! -e /proc/self/fd/40", -1, NULL);
	close(40);
	assert_int_equal(r, 0);
}

/*
 * As PID 1 (kdumpctl capture is the capture image's /init) or a subreaper,
 * orphans of the child become our children; they are reaped instead of
 * staying zombies. A subreaper stands in for PID 1 here.
 */
static void test_reaps_orphans(void **state)
{
	/* the orphan exists as long as it is not reaped (kill -0 succeeds on a
	 * zombie): the child waits, at most 5 s, until its orphan is gone */
	char *argv[] = { "sh", "-c",
			 "(sleep 0.1 & echo $! >\"$1\"); i=0; "
			 "while kill -0 \"$(cat \"$1\")\" 2>/dev/null; do "
			 "i=$((i + 1)); [ $i -lt 100 ] || exit 7; sleep 0.05; done; exit 5",
			 "sh", out_path, NULL };
	int r;

	assert_int_equal(prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0), 0);
	r = spawn_wait(argv, -1, NULL);
	prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0);
	assert_int_equal(r, 5);
	errno = 0;
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
}

/* fds 0-2 closed at start: /dev/null takes their place, so that files
 * opened later never land on them */
static void test_ensure_stdio(void **state)
{
	pid_t pid = fork();
	int status;

	assert_true(pid >= 0);
	if (pid == 0) {
		int fd;

		close(STDIN_FILENO);
		close(STDERR_FILENO);
		if (spawn_ensure_stdio() < 0)
			_exit(2);
		if (fcntl(STDIN_FILENO, F_GETFD) < 0 || fcntl(STDERR_FILENO, F_GETFD) < 0)
			_exit(3);
		fd = open(out_path, O_RDONLY | O_CLOEXEC);
		_exit(fd > STDERR_FILENO ? 0 : 4);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(spawn_ensure_stdio(), 0);
}

static int setup(void **state)
{
	int fd = mkstemp(out_path);

	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

static int teardown(void **state)
{
	unlink(out_path);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stdout_and_status),
		cmocka_unit_test(test_cannot_run),
		cmocka_unit_test(test_env_added),
		cmocka_unit_test(test_stdout_fd_is_fd_1),
		cmocka_unit_test(test_signal_mask_reset),
		cmocka_unit_test(test_signal_disposition_reset),
		cmocka_unit_test(test_inherited_fds_closed),
		cmocka_unit_test(test_reaps_orphans),
		cmocka_unit_test(test_ensure_stdio),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
