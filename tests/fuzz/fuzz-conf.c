// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for the kdump.conf parser (conf_parse_buffer) and the
 * shell-style splitter under it. Besides the sanitizers, it checks what
 * the API promises: -EINVAL comes with errors, success with none and a
 * complete configuration; every error formats; and whatever
 * strv_split_quoted() splits, strv_join_quoted() joins back to the same
 * words. Built and run by run-fuzz.sh.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "strv.h"
#include "util.h"

#ifndef FUZZ_ROOT
#define FUZZ_ROOT "tests/conf/root"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A few devices, so that targets get past the resolver. */
static int fuzz_resolve(const char *spec, char **devnode, void *data)
{
	(void)data;
	if (streq(spec, "/dev/vdb1") || streq(spec, "/dev/vdc") ||
	    streq(spec, "UUID=4b7f2c1e-8d3a-4f6b-9e2d-1a5c7b9e0f31") ||
	    streq(spec, "LABEL=kdump")) {
		*devnode = strdup("/dev/vdb1");
		return *devnode ? 0 : -ENOMEM;
	}
	if (streq(spec, "LABEL=broken"))
		return -EIO;
	return -ENOENT;
}

static void check_split_join(const uint8_t *data, size_t size)
{
	char *s, *joined, **v = NULL, **w = NULL;
	size_t i, errpos = 0;

	if (memchr(data, '\0', size))
		return;
	s = strndup((const char *)data, size);
	if (!s)
		return;
	if (strv_split_quoted(s, &v, &errpos) == 0) {
		joined = strv_join_quoted(v);
		if (!joined || strv_split_quoted(joined, &w, NULL) != 0)
			abort();
		if (strv_length(v) != strv_length(w))
			abort();
		for (i = 0; v[i]; i++)
			if (!streq(v[i], w[i]))
				abort();
		strv_free(v);
		strv_free(w);
		free(joined);
	} else if (errpos >= size) {
		abort();
	}
	free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct conf_env env = {
		.root = FUZZ_ROOT,
		.resolve = fuzz_resolve,
	};
	struct kdump_conf *conf = NULL;
	struct conf_errors errs = { 0 };
	size_t i;
	int r;

	r = conf_parse_buffer("fuzz.conf", (const char *)data, size, &env, &conf, &errs);
	if (r == 0) {
		if (!conf || errs.n || !conf->path || conf->path[0] != '/' ||
		    !conf->core_collector || !conf->collector_argv ||
		    !conf->collector_argv[0] || !conf->extra_bins ||
		    !conf->extra_modules || !conf->module_options || !conf->dracut_args)
			abort();
		if ((conf->target_type == CONF_TARGET_FS ||
		     conf->target_type == CONF_TARGET_RAW) && !conf->target_device)
			abort();
	} else if (r == -EINVAL) {
		if (conf || errs.n == 0)
			abort();
	} else if (r != -ENOMEM) {
		abort();
	}
	for (i = 0; i < errs.n; i++) {
		char *s = conf_error_format(&errs.v[i]);

		if (!s || !errs.v[i].message[0] || errs.v[i].line == 0)
			abort();
		/* errors come sorted by line */
		if (i > 0 && errs.v[i].line < errs.v[i - 1].line)
			abort();
		free(s);
	}
	conf_errors_free(&errs);
	conf_free(conf);
	check_split_join(data, size);
	return 0;
}
