// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * deadline_watch_run(): a capture that ends in time, a fake collector that
 * sleeps past the deadline, one that ignores SIGTERM, one that cannot be
 * killed (kill(2) replaced), and the watchdog petted only while the dump
 * makes progress.
 */
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

#include "deadline.h"
#include "util.h"

/* A fake collector: the leader of its own group, running sh -c script. */
static pid_t start(const char *script)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		setpgid(0, 0);
		execl("/bin/sh", "sh", "-c", script, (char *)NULL);
		_exit(127);
	}
	setpgid(pid, pid);
	return pid;
}

static void pet_count(void *data)
{
	(*(unsigned int *)data)++;
}

static struct deadline_watch watch(pid_t pid, double seconds)
{
	return (struct deadline_watch){
		.pid = pid,
		.deadline = seconds ? deadline_now() + seconds : 0,
		.stall = 3600,
		.grace_ms = 500,
		.tick_ms = 50,
	};
}

static void test_exits_in_time(void **state)
{
	struct deadline_watch w = watch(start("exit 3"), 10);
	struct deadline_result res;

	(void)state;
	assert_int_equal(deadline_watch_run(&w, &res), 0);
	assert_int_equal(res.end, DEADLINE_EXITED);
	assert_true(WIFEXITED(res.status));
	assert_int_equal(WEXITSTATUS(res.status), 3);
	assert_true(res.seconds < 5);
}

static void test_no_deadline(void **state)
{
	struct deadline_watch w = watch(start("sleep 1"), 0);
	struct deadline_result res;

	(void)state;
	assert_int_equal(deadline_watch_run(&w, &res), 0);
	assert_int_equal(res.end, DEADLINE_EXITED);
	assert_true(res.seconds >= 0.9);
}

static void test_sleeper_killed(void **state)
{
	struct capture_progress *p = capture_progress_new();
	struct deadline_watch w = watch(start("exec sleep 60"), 1);
	struct deadline_result res;

	(void)state;
	assert_non_null(p);
	capture_progress_set(p, "running the collector", NULL);
	w.progress = p;
	assert_int_equal(deadline_watch_run(&w, &res), 0);
	assert_int_equal(res.end, DEADLINE_KILLED);
	/* killed by the SIGTERM, within the grace */
	assert_true(res.seconds >= 1.0 && res.seconds < 1.5);
	assert_string_equal(res.phase, "running the collector");
	assert_int_equal(kill(w.pid, 0), -1);
	capture_progress_free(p);
}

static void test_sigterm_ignored(void **state)
{
	/* a collector that ignores SIGTERM and has a child that does too */
	struct deadline_watch w = watch(start("trap '' TERM; sleep 60 & sleep 60"), 1);
	struct deadline_result res;

	(void)state;
	assert_int_equal(deadline_watch_run(&w, &res), 0);
	assert_int_equal(res.end, DEADLINE_KILLED);
	/* the SIGTERM grace, then SIGKILL */
	assert_true(res.seconds >= 1.4 && res.seconds < 3);
	assert_int_equal(kill(-w.pid, 0), -1);
	assert_int_equal(errno, ESRCH); /* the child's child too, reaped */
}

/* kill(2) that signals nothing: a process stuck in D state, as seen by
 * the deadline. */
static int unkillable(pid_t pid, int sig)
{
	return sig == 0 ? kill(pid, 0) : 0;
}

static void test_unkillable(void **state)
{
	struct deadline_watch w = watch(start("exec sleep 60"), 1);
	struct deadline_result res;

	(void)state;
	w.kill = unkillable;
	assert_int_equal(deadline_watch_run(&w, &res), 0);
	/* it gives up after both graces instead of waiting for it */
	assert_int_equal(res.end, DEADLINE_STUCK);
	assert_int_equal(res.survivors, 1);
	assert_true(res.seconds >= 1.9 && res.seconds < 4);
	kill(w.pid, SIGKILL);
	waitpid(w.pid, NULL, 0);
}

/* a pet that takes 100 ms: the loop of a starved crash kernel, whose
 * every turn costs more than its 50 ms sleep */
static void pet_slowly(void *data)
{
	(void)data;
	usleep(100 * 1000);
}

/* The kill graces are time, not turns of the loop: the disk-stall VM
 * scenario's two 5 s graces took 12.4 s on a loaded host. */
static void test_graces_by_the_clock(void **state)
{
	struct deadline_watch w = watch(start("exec sleep 60"), 1);
	struct deadline_result res;

	(void)state;
	w.kill = unkillable;
	w.pet = pet_slowly;
	assert_int_equal(deadline_watch_run(&w, &res), 0);
	assert_int_equal(res.end, DEADLINE_STUCK);
	/* the deadline, both graces of 0.5 s and a slow turn each (counted
	 * in turns, the graces took 1.5 s each) */
	assert_true(res.seconds >= 1.9 && res.seconds < 3);
	kill(w.pid, SIGKILL);
	waitpid(w.pid, NULL, 0);
}

static void test_bytes_and_pets(void **state)
{
	char file[] = "/tmp/test-deadline.XXXXXX";
	struct capture_progress *p = capture_progress_new();
	_cleanup_free_ char *script = NULL;
	struct deadline_watch w;
	struct deadline_result res;
	unsigned int pets = 0, pets_writing;
	int fd = mkstemp(file);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	assert_non_null(p);
	/* writes 3 x 1000 bytes, then stalls */
	assert_true(asprintf(&script, "for i in 1 2 3; do head -c 1000 /dev/zero >>%s; "
			     "sleep 0.2; done; exec sleep 60", file) > 0);
	w = watch(start(script), 2.5);
	capture_progress_set(p, "running the collector", file);
	w.progress = p;
	w.stall = 1;
	w.pet = pet_count;
	w.pet_data = &pets;
	assert_int_equal(deadline_watch_run(&w, &res), 0);
	assert_int_equal(res.end, DEADLINE_KILLED);
	assert_int_equal(res.bytes, 3000);
	assert_int_equal(res.pets, pets);
	/* petted for about the 0.6 s of writing plus the 1 s stall window,
	 * not for the whole 2.5 s (50 ms ticks) */
	pets_writing = pets;
	assert_true(pets_writing >= 15);
	assert_true(pets_writing <= 40);
	unlink(file);
	capture_progress_free(p);
}

static void test_list_group(void **state)
{
	pid_t pid = start("exec sleep 60");
	_cleanup_free_ char *text = NULL, *want = NULL;

	(void)state;
	/* until exec has happened */
	for (int i = 0; i < 100; i++) {
		free(text);
		text = NULL;
		assert_int_equal(deadline_list_group("/proc", pid, &text), 0);
		if (strstr(text, "sleep"))
			break;
		usleep(20000);
	}
	assert_true(asprintf(&want, "%d sleep ", pid) > 0);
	assert_true(strncmp(text, want, strlen(want)) == 0);
	assert_non_null(strchr("RS", text[strlen(want)]));
	assert_string_equal(text + strlen(want) + 1, "\n");
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	assert_int_equal(deadline_list_group("/nonexistent-proc", pid, &text), -ENOENT);
}

static void test_progress_decide(void **state)
{
	struct capture_progress *p = capture_progress_new();
	unsigned int seq;

	(void)state;
	assert_non_null(p);
	assert_int_equal(p->action, -1);
	seq = p->seq;
	capture_progress_decide(p, 2, "final_action");
	assert_int_equal(p->action, 2);
	assert_string_equal(p->why, "final_action");
	assert_true(p->seq != seq);
	/* without a supervisor these do nothing */
	capture_progress_set(NULL, "x", NULL);
	capture_progress_decide(NULL, 1, "x");
	capture_progress_free(p);
}

int main(void)
{
	/* orphans of the fake collectors come here, as they come to PID 1 */
	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exits_in_time),
		cmocka_unit_test(test_no_deadline),
		cmocka_unit_test(test_sleeper_killed),
		cmocka_unit_test(test_sigterm_ignored),
		cmocka_unit_test(test_unkillable),
		cmocka_unit_test(test_graces_by_the_clock),
		cmocka_unit_test(test_bytes_and_pets),
		cmocka_unit_test(test_list_group),
		cmocka_unit_test(test_progress_decide),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
