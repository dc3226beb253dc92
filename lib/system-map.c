// SPDX-License-Identifier: GPL-2.0-or-later
/* The kernel's span in memory, read from its System.map. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "system-map.h"
#include "util.h"

static int parse_line(const char *s, uint64_t *addr, char name[static 64])
{
	char type, *end;

	errno = 0;
	*addr = strtoull(s, &end, 16);
	if (errno || end == s || *end != ' ')
		return -EINVAL;
	if (sscanf(end, " %c %63s", &type, name) != 2)
		return -EINVAL;
	return 0;
}

int system_map_span(const char *path, uint64_t *bytes, unsigned *line)
{
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	_cleanup_free_ char *buf = NULL;
	size_t cap = 0;
	uint64_t text = 0, end = 0, addr;
	bool have_text = false, have_end = false;
	char name[64];
	unsigned n = 0;

	if (!f)
		return -errno;
	while (getline(&buf, &cap, f) >= 0) {
		n++;
		buf[strcspn(buf, "\n")] = '\0';
		if (parse_line(buf, &addr, name) < 0) {
			*line = n;
			return -EINVAL;
		}
		if (streq(name, "_text") && !have_text) {
			text = addr;
			have_text = true;
		} else if (streq(name, "_end") && !have_end) {
			end = addr;
			have_end = true;
		}
	}
	if (ferror(f))
		return -EIO;
	if (!have_text || !have_end)
		return -ENOENT;
	if (end <= text) {
		*line = n;
		return -EINVAL;
	}
	*bytes = end - text;
	return 0;
}
