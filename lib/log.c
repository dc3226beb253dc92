// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

static const char *program = "kdump-snp";
static enum log_level max_level = LOG_LVL_INFO;
static int kmsg_fd = -1;

void log_set_kmsg(int fd)
{
	kmsg_fd = fd;
}

/* one record per message, with the kernel's own timestamp on the console */
static void log_kmsg(enum log_level level, const char *suffix, const char *fmt, va_list ap)
{
	static const int syslog_level[] = {
		[LOG_LVL_ERROR] = 3, [LOG_LVL_WARN] = 4, [LOG_LVL_INFO] = 6, [LOG_LVL_DEBUG] = 7,
	};
	char buf[1024];
	int n = snprintf(buf, sizeof(buf), "<%d>%s: ", syslog_level[level], program);

	if (n > 0 && (size_t)n < sizeof(buf))
		n += vsnprintf(buf + n, sizeof(buf) - (size_t)n, fmt, ap);
	if (suffix && n > 0 && (size_t)n < sizeof(buf))
		n += snprintf(buf + n, sizeof(buf) - (size_t)n, ": %s", suffix);
	if (n > (int)sizeof(buf) - 1)
		n = (int)sizeof(buf) - 1;
	if (n > 0 && write(kmsg_fd, buf, (size_t)n) == n)
		return;
	/* the kernel refused it: stderr is still the console (without the
	 * "<level>" that only /dev/kmsg reads) */
	kmsg_fd = -1;
	fprintf(stderr, "%s\n", n > 0 ? strchr(buf, '>') + 1 : buf);
}

void log_set_program(const char *name)
{
	program = name;
}

void log_set_level(enum log_level level)
{
	max_level = level;
}

enum log_level log_get_level(void)
{
	return max_level;
}

static void log_va(enum log_level level, const char *suffix, const char *fmt, va_list ap)
{
	static const char *const prefix[] = {
		[LOG_LVL_ERROR] = "error: ",
		[LOG_LVL_WARN] = "warning: ",
		[LOG_LVL_INFO] = "",
		[LOG_LVL_DEBUG] = "debug: ",
	};

	if (level > max_level)
		return;
	if (kmsg_fd >= 0) {
		log_kmsg(level, suffix, fmt, ap);
		return;
	}
	fprintf(stderr, "%s: %s", program, prefix[level]);
	vfprintf(stderr, fmt, ap);
	if (suffix)
		fprintf(stderr, ": %s", suffix);
	fputc('\n', stderr);
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_va(level, NULL, fmt, ap);
	va_end(ap);
}

int log_error_errno(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_va(LOG_LVL_ERROR, strerror(err < 0 ? -err : err), fmt, ap);
	va_end(ap);
	return err < 0 ? err : -err;
}
