// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kdump.conf timeouts (see conf-private.h):
 *   disk_timeout <seconds>     how long the capture waits for the dump
 *                              device (kdump-utils' directive); 1 or more
 *   capture_timeout <seconds>  the whole capture, from the capture image's
 *                              /init to the final action; 0 for none
 * Both are whole seconds, digits only, at most CONF_TIMEOUT_MAX. A
 * disk_timeout that is not shorter than a capture_timeout could never
 * fire: the capture would be ended first, so that is an error too.
 */
#include <errno.h>
#include <string.h>

#include "conf-private.h"
#include "util.h"

/* Returns 0 and *seconds, -EINVAL (not digits) or -ERANGE (too large). */
static int parse_seconds(const char *s, unsigned int *seconds)
{
	unsigned long v = 0;

	if (!*s || strspn(s, "0123456789") != strlen(s))
		return -EINVAL;
	for (; *s; s++) {
		v = v * 10 + (unsigned long)(*s - '0');
		if (v > CONF_TIMEOUT_MAX)
			return -ERANGE;
	}
	*seconds = (unsigned int)v;
	return 0;
}

void conf_do_timeout(struct conf_parser *p, const struct conf_directive *d,
		     const struct conf_line *l)
{
	bool disk = d->slot == CONF_SLOT_DISK_TIMEOUT;
	unsigned int v;
	int r = parse_seconds(l->words[1], &v);

	if (r == -EINVAL) {
		conf_error(p, l->number, l->columns[1],
			   "%s \"%s\" is not a number of seconds (digits only, no unit)",
			   d->name, l->words[1]);
		return;
	}
	if (r == -ERANGE) {
		conf_error(p, l->number, l->columns[1],
			   "%s \"%s\" is too long; at most %u seconds (7 days)",
			   d->name, l->words[1], CONF_TIMEOUT_MAX);
		return;
	}
	if (disk && v == 0) {
		conf_error(p, l->number, l->columns[1],
			   "disk_timeout \"0\" would not wait for the dump device at all; "
			   "give 1 or more seconds");
		return;
	}
	if (disk)
		p->conf->disk_timeout = v;
	else
		p->conf->capture_timeout = v;
}

void conf_check_timeouts(struct conf_parser *p)
{
	const struct kdump_conf *c = p->conf;
	const struct conf_where *disk = &p->seen[CONF_SLOT_DISK_TIMEOUT];
	const struct conf_where *all = &p->seen[CONF_SLOT_CAPTURE_TIMEOUT];
	const struct conf_where *later;

	if (!c->capture_timeout || c->disk_timeout < c->capture_timeout)
		return;
	if (!disk->line && !all->line)
		return;
	later = disk->line > all->line ? disk : all;
	if (!disk->line)
		conf_error(p, all->line, all->column,
			   "capture_timeout %u is not longer than the default disk_timeout %u; "
			   "the capture would end before the wait for the dump device does",
			   c->capture_timeout, c->disk_timeout);
	else if (!all->line)
		conf_error(p, disk->line, disk->column,
			   "disk_timeout %u is not shorter than the default capture_timeout %u; "
			   "the capture would end before the wait for the dump device does",
			   c->disk_timeout, c->capture_timeout);
	else
		conf_error(p, later->line, later->column,
			   "disk_timeout %u is not shorter than capture_timeout %u (line %u); "
			   "the capture would end before the wait for the dump device does",
			   c->disk_timeout, c->capture_timeout,
			   later == disk ? all->line : disk->line);
}
