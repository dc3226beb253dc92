/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KDUMP_UTIL_H
#define KDUMP_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#define _cleanup_(f) __attribute__((cleanup(f)))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static inline void freep(void *p)
{
	free(*(void **)p);
}

static inline void fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}

static inline void closep(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}

#define _cleanup_free_ _cleanup_(freep)
#define _cleanup_fclose_ _cleanup_(fclosep)
#define _cleanup_close_ _cleanup_(closep)

static inline bool streq(const char *a, const char *b)
{
	return strcmp(a, b) == 0;
}

/* Read a whole (small, procfs/sysfs) file into a NUL-terminated buffer.
 * Returns the length or a negative errno; *out is set only on success. */
ssize_t read_file(const char *path, char **out);

/* Read at most len bytes from the start of a file into buf; returns the
 * count or a negative errno. */
ssize_t read_file_head(const char *path, void *buf, size_t len);
/* read(2) from fd until len bytes or the end (EINTR retried): the bytes
 * read, fewer than len only at the end, or a negative errno */
ssize_t read_full(int fd, void *buf, size_t len);

/* Read the first line of a file without its newline. */
int read_first_line(const char *path, char **out);

/* Create path and its missing parents; parents get 0755, path itself mode.
 * An existing directory is fine. Returns 0 or a negative errno (-EINVAL
 * for an empty path). */
int mkdir_p(const char *path, mode_t mode);

/* Remove trailing whitespace in place; returns s. */
char *strip_trailing(char *s);

#endif
