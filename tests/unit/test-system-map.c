// SPDX-License-Identifier: GPL-2.0-or-later
/* A kernel's span in memory from its System.map. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scratch.h"
#include "system-map.h"

static int span_of(const char *text, uint64_t *bytes, unsigned *line)
{
	char path[4096];

	scratch_put("System.map", text, strlen(text));
	snprintf(path, sizeof(path), "%s/System.map", scratch);
	return system_map_span(path, bytes, line);
}

/* the crash kernel package's map: _text to _end, whatever lies between */
static void test_span(void **state)
{
	uint64_t bytes = 0;
	unsigned line = 0;

	(void)state;
	assert_int_equal(span_of("0000000000000000 D __per_cpu_start\n"
				 "ffffffff81000000 T _stext\n"
				 "ffffffff81000000 T _text\n"
				 "ffffffff82600000 B __bss_stop\n"
				 "ffffffff82620000 B _end\n", &bytes, &line), 0);
	assert_int_equal(bytes, 0x1620000);
	/* no newline at the end of the last line */
	assert_int_equal(span_of("ffffffff81000000 T _text\nffffffff81200000 B _end", &bytes, &line), 0);
	assert_int_equal(bytes, 0x200000);
}

/* Debian's /boot/System.map-*: a placeholder without the symbols */
static void test_placeholder(void **state)
{
	uint64_t bytes = 7;
	unsigned line = 0;

	(void)state;
	assert_int_equal(span_of("ffffffffffffffff B The real System.map is in the linux-image-<version>-dbg package\n",
				 &bytes, &line), -ENOENT);
	assert_int_equal(bytes, 7);
	assert_int_equal(span_of("ffffffff81000000 T _text\n", &bytes, &line), -ENOENT);
	assert_int_equal(span_of("", &bytes, &line), -ENOENT);
}

static void test_malformed(void **state)
{
	uint64_t bytes = 0;
	unsigned line = 0;

	(void)state;
	assert_int_equal(span_of("ffffffff81000000 T _text\nnot a map line\n", &bytes, &line), -EINVAL);
	assert_int_equal(line, 2);
	assert_int_equal(span_of("ffffffff81000000 T\n", &bytes, &line), -EINVAL);
	assert_int_equal(line, 1);
	/* _end before _text */
	assert_int_equal(span_of("ffffffff82000000 T _text\nffffffff81000000 B _end\n", &bytes, &line),
			 -EINVAL);
	assert_int_equal(line, 2);
}

static void test_missing(void **state)
{
	uint64_t bytes = 0;
	unsigned line = 0;

	(void)state;
	assert_int_equal(system_map_span("/nonexistent/System.map", &bytes, &line), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_span, scratch_setup, scratch_teardown),
		cmocka_unit_test_setup_teardown(test_placeholder, scratch_setup, scratch_teardown),
		cmocka_unit_test_setup_teardown(test_malformed, scratch_setup, scratch_teardown),
		cmocka_unit_test(test_missing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
