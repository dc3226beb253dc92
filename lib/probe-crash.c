// SPDX-License-Identifier: GPL-2.0-or-later
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>

#include "probe.h"
#include "sysroot.h"
#include "util.h"

#define CRASH_LOW_LIMIT (UINT64_C(1) << 32)

/* Parse the hex number at the start of s as /proc/iomem prints it: no
 * sign, no "0x", at most 64 bits. Returns the digits used, 0 if none or
 * on overflow. */
static size_t parse_hex(const char *s, uint64_t *val)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; isxdigit((unsigned char)s[i]); i++) {
		int c = tolower((unsigned char)s[i]);

		if (v >> 60)
			return 0;
		v = v << 4 | (uint64_t)(isdigit(c) ? c - '0' : c - 'a' + 10);
	}
	*val = v;
	return i;
}

/*
 * Split one /proc/iomem line, "<indent><start>-<end> : <name>", into its
 * range and name (name points into line, trailing blanks removed).
 * Returns 0 or -EINVAL.
 */
static int iomem_parse_line(char *line, struct crash_range *range,
			    const char **name)
{
	char *p = line;
	size_t n;

	p += strspn(p, " ");
	n = parse_hex(p, &range->start);
	if (!n || p[n] != '-')
		return -EINVAL;
	p += n + 1;
	n = parse_hex(p, &range->end);
	if (!n || strncmp(p + n, " : ", 3) != 0)
		return -EINVAL;
	if (range->end < range->start)
		return -EINVAL;
	*name = strip_trailing(p + n + 3);
	return 0;
}

/* read_iomem: /proc/iomem below root, as text (no NUL inside) */
static int read_iomem(const char *root, char **buf)
{
	ssize_t n = sysroot_read_file(root, "/proc/iomem", buf);

	if (n < 0)
		return (int)n;
	if (memchr(*buf, '\0', (size_t)n))
		return -EINVAL;
	return 0;
}

/* iomem_next: the next entry of the text at *cursor, split in place: 1
 * with range and name, 0 at the end, a negative errno for a bad line */
static int iomem_next(char **cursor, struct crash_range *range, const char **name)
{
	while (**cursor) {
		char *line = *cursor, *next = line + strcspn(line, "\n");

		if (*next)
			*next++ = '\0';
		*cursor = next;
		if (*line) {
			int r = iomem_parse_line(line, range, name);

			return r < 0 ? r : 1;
		}
	}
	return 0;
}

/*
 * x86_64 reserves at most one "Crash kernel" range below 4 GiB and one
 * above. Should a kernel ever show more than one range in a class, the
 * first one (lowest address, as /proc/iomem is sorted) is kept in
 * res->low or res->high and every range still counts towards res->total.
 */
int probe_crash_reservation(const char *root, struct crash_reservation *res)
{
	_cleanup_free_ char *buf = NULL;
	struct crash_reservation found = { 0 };
	bool any = false, hidden = false;
	struct crash_range range;
	const char *name;
	char *cursor;
	int r = read_iomem(root, &buf);

	if (r < 0)
		return r;
	cursor = buf;
	while ((r = iomem_next(&cursor, &range, &name)) > 0) {
		if (!streq(name, "Crash kernel"))
			continue;

		any = true;
		if (range.start == 0 && range.end == 0) {
			/* kptr-restricted view of a non-root reader */
			hidden = true;
			continue;
		}
		if (range.start < CRASH_LOW_LIMIT) {
			if (!found.low.end)
				found.low = range;
		} else {
			if (!found.high.end)
				found.high = range;
		}
		found.total += crash_range_size(&range);
	}
	if (r < 0)
		return r;
	if (!any)
		return -ENOENT;
	if (hidden)
		return -EACCES;
	*res = found;
	return 0;
}

/* Read a sysfs file holding one unsigned decimal number. */
static int read_sys_u64(const char *root, const char *abs_path, uint64_t *val)
{
	_cleanup_free_ char *buf = NULL;
	unsigned long long v;
	char *end;
	int r;

	r = sysroot_read_line(root, abs_path, &buf);
	if (r < 0)
		return r;
	strip_trailing(buf);
	if (!isdigit((unsigned char)buf[0]))
		return -EINVAL;
	errno = 0;
	v = strtoull(buf, &end, 10);
	if (errno == ERANGE || *end)
		return -EINVAL;
	*val = v;
	return 0;
}

static int read_sys_bool(const char *root, const char *abs_path, bool *val)
{
	uint64_t v;
	int r;

	r = read_sys_u64(root, abs_path, &v);
	if (r < 0)
		return r;
	if (v > 1)
		return -EINVAL;
	*val = v == 1;
	return 0;
}

int probe_kexec_crash_loaded(const char *root, bool *loaded)
{
	return read_sys_bool(root, "/sys/kernel/kexec_crash_loaded", loaded);
}

int probe_kexec_loaded(const char *root, bool *loaded)
{
	return read_sys_bool(root, "/sys/kernel/kexec_loaded", loaded);
}

int probe_kexec_crash_size(const char *root, uint64_t *size)
{
	return read_sys_u64(root, "/sys/kernel/kexec_crash_size", size);
}

/*
 * The running kernel in memory, as /proc/iomem lists it: from the start
 * of "Kernel code" to the end of "Kernel bss" (text, read-only data,
 * data, init and bss, and the gaps the linker aligns them to).
 */
int probe_kernel_footprint(const char *root, uint64_t *bytes)
{
	_cleanup_free_ char *buf = NULL;
	uint64_t start = 0, end = 0;
	bool code = false, bss = false;
	struct crash_range range;
	const char *name;
	char *cursor;
	int r = read_iomem(root, &buf);

	if (r < 0)
		return r;
	cursor = buf;
	while ((r = iomem_next(&cursor, &range, &name)) > 0) {
		if (streq(name, "Kernel code") && !code) {
			code = true;
			start = range.start;
		} else if (streq(name, "Kernel bss") && !bss) {
			bss = true;
			end = range.end;
		}
	}
	if (r < 0)
		return r;
	if (!code || !bss)
		return -ENOENT;
	/* kptr-restricted view of a non-root reader */
	if (start == 0 && end == 0)
		return -EACCES;
	if (end < start)
		return -EINVAL;
	*bytes = end - start + 1;
	return 0;
}
