/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KDUMP_INPUTS_H
#define KDUMP_INPUTS_H

#include <stdbool.h>

/*
 * What a capture initramfs was built from, recorded next to it so that
 * `kdumpctl start` can tell when it is stale. One line per input:
 *   <label> TAB <path> TAB <fingerprint>
 * The fingerprint is a 64-bit FNV-1a hash of the contents for files up to
 * 1 MiB (configuration, hooks) and size:mtime for larger ones (kernel
 * images, binaries); a missing file is "missing". Directories are walked
 * (the dracut module) and hashed as their files.
 */
struct inputs {
	char *text;   /* the record */
	size_t len;
	size_t cap;
};

/* Add a file (or directory) with a label ("kernel", "kdump.conf", ...). */
int inputs_add(struct inputs *in, const char *label, const char *path);
/* Add a literal value (for example the package version). */
int inputs_add_value(struct inputs *in, const char *label, const char *value);
void inputs_clear(struct inputs *in);

/* Compare a recorded text with the current one. Returns true when equal;
 * otherwise *reason (if not NULL) gets a sentence naming the first input
 * that differs: "kdump.conf (/etc/kdump.conf) changed". */
bool inputs_equal(const char *recorded, const char *current, char **reason);

/*
 * An input that may still arrive (a driver udev loads later): when
 * current's value for label is absent and recorded has another value for
 * it, current takes the recorded one. Returns 1 when it did (*value, if
 * not NULL, gets that value), 0 when nothing changed, or -ENOMEM.
 */
int inputs_assume_recorded(char **current, const char *recorded, const char *label,
			   const char *absent, char **value);

#endif
