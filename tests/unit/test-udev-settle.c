// SPDX-License-Identifier: GPL-2.0-or-later
/* lib/udev-settle.c: the bounded wait for udev's queue, on a fake queue
 * and clock. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>

#include "udev-settle.h"

struct fake {
	unsigned long long now;	/* the fake clock, ms */
	int busy_checks;	/* is_empty says "busy" this many times */
	int checks, waits;
	unsigned int longest_wait; /* the longest wait asked for */
	int empty_error, wait_error;
	unsigned int step_ms;	/* how far a wait moves the clock */
};

static int fake_is_empty(void *data)
{
	struct fake *f = data;

	f->checks++;
	if (f->empty_error)
		return f->empty_error;
	return f->checks > f->busy_checks;
}

static int fake_wait(void *data, unsigned int timeout_ms)
{
	struct fake *f = data;

	f->waits++;
	if (timeout_ms > f->longest_wait)
		f->longest_wait = timeout_ms;
	if (f->wait_error)
		return f->wait_error;
	f->now += timeout_ms < f->step_ms ? timeout_ms : f->step_ms;
	return 0;
}

static unsigned long long fake_now(void *data)
{
	return ((struct fake *)data)->now;
}

static int run(struct fake *f, unsigned int timeout_ms, unsigned long long *waited)
{
	return settle_wait(&(struct settle_queue){
		.is_empty = fake_is_empty,
		.wait = fake_wait,
		.now_ms = fake_now,
		.data = f,
	}, timeout_ms, waited);
}

static void test_empty_queue_returns_at_once(void **state)
{
	struct fake f = { .now = 5000, .step_ms = 100 };
	unsigned long long waited = 99;

	(void)state;
	assert_int_equal(run(&f, 60000, &waited), 0);
	assert_int_equal(waited, 0);
	assert_int_equal(f.waits, 0);
}

static void test_waits_until_the_queue_empties(void **state)
{
	struct fake f = { .now = 5000, .busy_checks = 3, .step_ms = 100 };
	unsigned long long waited = 0;

	(void)state;
	assert_int_equal(run(&f, 60000, &waited), 0);
	assert_int_equal(f.waits, 3);
	assert_int_equal(waited, 300);
}

static void test_gives_up_at_the_bound(void **state)
{
	struct fake f = { .now = 5000, .busy_checks = 1 << 30, .step_ms = 70 };
	unsigned long long waited = 0;

	(void)state;
	assert_int_equal(run(&f, 1000, &waited), -ETIMEDOUT);
	/* never past the bound, and no wait asks for more than is left */
	assert_int_equal(f.now - 5000, 1000);
	assert_true(f.longest_wait <= 1000);
	assert_int_equal(f.waits, 15); /* 14 steps of 70 ms, then the last 20 */
}

static void test_zero_bound_only_looks(void **state)
{
	struct fake f = { .busy_checks = 1, .step_ms = 10 };
	unsigned long long waited = 0;

	(void)state;
	assert_int_equal(run(&f, 0, &waited), -ETIMEDOUT);
	assert_int_equal(f.waits, 0);
}

static void test_errors_are_returned(void **state)
{
	struct fake a = { .empty_error = -EACCES, .step_ms = 10 };
	struct fake b = { .busy_checks = 5, .wait_error = -EBADF, .step_ms = 10 };
	unsigned long long waited = 0;

	(void)state;
	assert_int_equal(run(&a, 1000, &waited), -EACCES);
	assert_int_equal(run(&b, 1000, &waited), -EBADF);
	assert_int_equal(b.waits, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_queue_returns_at_once),
		cmocka_unit_test(test_waits_until_the_queue_empties),
		cmocka_unit_test(test_gives_up_at_the_bound),
		cmocka_unit_test(test_zero_bound_only_looks),
		cmocka_unit_test(test_errors_are_returned),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
