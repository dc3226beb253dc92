// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shell-cmd.h"

int sh(const char *cmd)
{
	int r = system(cmd);

	if (r != 0)
		print_error("  failed (%d): %s\n", r, cmd);
	return r;
}

char *out(const char *cmd)
{
	char buf[512] = "";
	FILE *p = popen(cmd, "r");

	assert_non_null(p);
	if (!fgets(buf, sizeof(buf), p))
		buf[0] = '\0';
	pclose(p);
	buf[strcspn(buf, "\n")] = '\0';
	return strdup(buf);
}
