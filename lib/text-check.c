// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdio.h>
#include <string.h>

#include "text-check.h"

#define NOTHING_FURTHER "; nothing further is checked"

bool text_file_problem(const char *buf, size_t len, const char *what, struct text_problem *tp)
{
	const char *nul = memchr(buf, '\0', len);
	unsigned int line = 1, crlf = 0;
	size_t bol = 0;

	*tp = (struct text_problem){ 0 };
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0) {
		*tp = (struct text_problem){ .line = 1, .column = 1 };
		snprintf(tp->message, sizeof(tp->message),
			 "UTF-8 byte order mark (BOM) at the start: %s must be plain text; save it "
			 "without one" NOTHING_FURTHER, what);
		return true;
	}
	for (size_t i = 0; i < len; i++) {
		if (buf + i == nul) {
			*tp = (struct text_problem){ .line = line, .column = (unsigned int)(i - bol) + 1 };
			snprintf(tp->message, sizeof(tp->message),
				 "NUL byte: %s must be text, and this is a binary file" NOTHING_FURTHER,
				 what);
			return true;
		}
		if (buf[i] != '\n')
			continue;
		if (i > bol && buf[i - 1] == '\r' && !crlf++)
			*tp = (struct text_problem){ .line = line, .column = (unsigned int)(i - bol) };
		line++;
		bol = i + 1;
	}
	if (crlf < 2)
		return false;
	snprintf(tp->message, sizeof(tp->message),
		 "DOS line endings (\\r\\n) on %u lines, from this one: %s must have \\n line "
		 "endings (convert it with dos2unix)" NOTHING_FURTHER, crlf, what);
	return true;
}
