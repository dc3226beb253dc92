/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KDUMP_LOG_H
#define KDUMP_LOG_H

/* All diagnostics go to stderr, prefixed by the program name. lib/ uses
 * these and never prints to stdout. */
enum log_level { LOG_LVL_ERROR, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DEBUG };

void log_set_program(const char *name);

/* Send messages to the kernel log through fd (an open /dev/kmsg) instead
 * of stderr, with syslog levels: the capture image's init has no journal. */
void log_set_kmsg(int fd);
void log_set_level(enum log_level level);
enum log_level log_get_level(void);

__attribute__((format(printf, 2, 3)))
void log_msg(enum log_level level, const char *fmt, ...);

/* Log "<msg>: <strerror(-err)>" and return err, so callers can write
 * return log_error_errno(r, "cannot open %s", path); */
__attribute__((format(printf, 2, 3)))
int log_error_errno(int err, const char *fmt, ...);

#define log_error(...) log_msg(LOG_LVL_ERROR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_LVL_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_LVL_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_LVL_DEBUG, __VA_ARGS__)

#endif
