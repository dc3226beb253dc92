// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdarg.h>

#include "conf.h"
#include "util.h"

int conf_errors_addf(struct conf_errors *errs, const char *file, unsigned int line,
		     unsigned int column, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = conf_errors_vaddf(errs, file, line, column, fmt, ap);
	va_end(ap);
	return r;
}

int conf_errors_vaddf(struct conf_errors *errs, const char *file, unsigned int line,
		      unsigned int column, const char *fmt, va_list ap)
{
	struct conf_error *v, *e;
	int r;

	v = realloc(errs->v, (errs->n + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	errs->v = v;
	e = &v[errs->n];
	*e = (struct conf_error){ .line = line, .column = column };
	e->file = strdup(file);
	r = vasprintf(&e->message, fmt, ap);
	if (!e->file || r < 0) {
		free(e->file);
		return -ENOMEM;
	}
	errs->n++;
	return 0;
}
