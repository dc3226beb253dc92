/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KDUMP_TEXT_CHECK_H
#define KDUMP_TEXT_CHECK_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Whole-file checks run before a line parser (kdump.conf, the defaults
 * file), so that a file that is not text for us gets one error instead of
 * one per line:
 *  - a UTF-8 byte order mark at the start (1:1);
 *  - a NUL byte anywhere: a binary file (at the first NUL);
 *  - "\r\n" line endings on two lines or more: a DOS file (at the first
 *    '\r'). A single stray '\r' is left to the line parser.
 * Every problem has a line and a column.
 * what names the file in the message ("kdump.conf", "the defaults file").
 */
struct text_problem {
	unsigned int line;
	unsigned int column;
	char message[256];
};

/* True when buf has such a problem, described in *tp. */
bool text_file_problem(const char *buf, size_t len, const char *what, struct text_problem *tp);

#endif
