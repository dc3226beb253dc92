// SPDX-License-Identifier: GPL-2.0-or-later
/* lib/lock.c: one kdumpctl at a time, a bounded wait, and its errors. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lock.h"
#include "log.h"

static char dir[64], path[128];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/test-lock.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof(path), "%s/kdump-snp.lock", dir);
	log_set_level(LOG_LVL_ERROR); /* the "waiting" line is not the test's output */
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(path);
	return rmdir(dir);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_acquire_creates_private_file(void **state)
{
	struct stat st;
	int fd;

	(void)state;
	fd = lock_acquire(path, 0);
	assert_true(fd >= 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	/* dracut and the collector must not inherit it */
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	/* held: another open file description cannot take it */
	{
		int other = open(path, O_RDWR);

		assert_true(other >= 0);
		assert_int_equal(flock(other, LOCK_EX | LOCK_NB), -1);
		assert_int_equal(errno, EWOULDBLOCK);
		close(other);
	}
	close(fd);
	/* released by close: the next caller gets it at once, file kept */
	fd = lock_acquire(path, 0);
	assert_true(fd >= 0);
	close(fd);
}

/* a second caller gives up after the timeout, not before, not much after */
static void test_contention_times_out(void **state)
{
	int held, fd;
	double t0, waited;

	(void)state;
	held = lock_acquire(path, 0);
	assert_true(held >= 0);
	assert_int_equal(lock_acquire(path, 0), -ETIMEDOUT);
	t0 = now();
	fd = lock_acquire(path, 300);
	waited = now() - t0;
	assert_int_equal(fd, -ETIMEDOUT);
	assert_true(waited >= 0.29);
	assert_true(waited < 1.0);
	close(held);
}

/* a waiting caller gets the lock as soon as the holder (another process) exits */
static void test_waits_for_holder(void **state)
{
	int pipefd[2], status, fd;
	double t0, waited;
	pid_t pid;
	char c;

	(void)state;
	assert_int_equal(pipe(pipefd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int held = lock_acquire(path, 0);

		if (held < 0 || write(pipefd[1], "x", 1) != 1)
			_exit(1);
		usleep(400 * 1000);
		_exit(0);
	}
	assert_int_equal(read(pipefd[0], &c, 1), 1);
	t0 = now();
	fd = lock_acquire(path, 10 * 1000);
	waited = now() - t0;
	assert_true(fd >= 0);
	assert_true(waited >= 0.2);
	assert_true(waited < 5.0);
	close(fd);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(pipefd[0]);
	close(pipefd[1]);
}

static void test_errors(void **state)
{
	char missing[160];

	(void)state;
	snprintf(missing, sizeof(missing), "%s/no-such-dir/kdump-snp.lock", dir);
	assert_int_equal(lock_acquire(missing, 0), -ENOENT);
	/* a directory where the lock file should be */
	assert_int_equal(lock_acquire(dir, 0), -EISDIR);
}

/* non-root: the lock file of root cannot be opened; the caller turns
 * this into "must be run as root" */
static void test_not_permitted(void **state)
{
	int status;
	pid_t pid;

	(void)state;
	close(lock_acquire(path, 0));
	if (geteuid() != 0) {
		assert_int_equal(chmod(path, 0), 0);
		assert_int_equal(lock_acquire(path, 0), -EACCES);
		return;
	}
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(setuid(65534) == 0 && lock_acquire(path, 0) == -EACCES ? 0 : 1);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_acquire_creates_private_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_contention_times_out, setup, teardown),
		cmocka_unit_test_setup_teardown(test_waits_for_holder, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_permitted, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
