// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The makedumpfile the capture image gets (dracut installs the host's,
 * found on PATH) against the kernel it will dump: the running one.
 */
#include <errno.h>
#include <fcntl.h>

#include "kdumpctl.h"
#include "log.h"
#include "mdf-support.h"
#include "spawn.h"
#include "sysroot.h"
#include "util.h"

static const char *const mdf_paths[] = {
	"/usr/sbin/makedumpfile", "/sbin/makedumpfile", "/usr/bin/makedumpfile",
};

/* `makedumpfile -v` of the first one installed below root */
static int mdf_version_text(const char *root, const char **path, char **text)
{
	for (size_t i = 0; i < ARRAY_SIZE(mdf_paths); i++) {
		_cleanup_free_ char *p = NULL;
		char tmp[] = "/tmp/kdump-mdf-XXXXXX";
		int fd, r;

		if (sysroot_path(root, mdf_paths[i], &p) < 0)
			return -ENOMEM;
		if (access(p, X_OK) < 0)
			continue;
		fd = mkstemp(tmp);
		if (fd < 0)
			return -errno;
		unlink(tmp);
		r = spawn_wait((char *[]){ p, "-v", NULL }, fd, NULL);
		if (r == 0 && lseek(fd, 0, SEEK_SET) == 0) {
			char buf[1024];
			ssize_t n = read(fd, buf, sizeof(buf) - 1);

			if (n > 0) {
				buf[n] = '\0';
				*text = strdup(buf);
			}
		}
		close(fd);
		if (r != 0 || !*text)
			return -EIO;
		*path = mdf_paths[i];
		return 0;
	}
	return -ENOENT;
}

int mdf_check(const struct kdump_ctx *ctx, char *line, size_t len)
{
	_cleanup_free_ char *text = NULL, *running = NULL;
	const char *path = NULL;
	struct mdf_version mdf, kernel, latest, first;
	int r;

	if (ctx->conf->collector != CONF_COLLECTOR_MAKEDUMPFILE) {
		snprintf(line, len, "not used (core_collector)");
		return 0;
	}
	r = mdf_version_text(ctx->root, &path, &text);
	if (r == -ENOENT) {
		snprintf(line, len, "not installed");
		log_warn("makedumpfile is not installed: the capture image cannot save the dump");
		return 0;
	}
	if (r < 0 || mdf_parse_version_output(text, &mdf) < 0) {
		snprintf(line, len, "version unknown (makedumpfile -v did not say)");
		return 0;
	}
	if (probe_kernel_release(ctx->root, &running) < 0 ||
	    mdf_parse_release(running, &kernel) < 0) {
		snprintf(line, len, "%u.%u.%u", mdf.major, mdf.minor, mdf.patch);
		return 0;
	}
	r = mdf_latest_kernel(&mdf, &latest);
	if (r == -ENOENT) {
		snprintf(line, len, "%u.%u.%u (newer than the releases kdumpctl knows)", mdf.major,
			 mdf.minor, mdf.patch);
		return 0;
	}
	if (r == 0 && mdf_version_cmp(&kernel, &latest) <= 0) {
		snprintf(line, len, "%u.%u.%u, supports Linux up to %u.%u.%u (running %s)", mdf.major,
			 mdf.minor, mdf.patch, latest.major, latest.minor, latest.patch, running);
		return 0;
	}
	snprintf(line, len, "%u.%u.%u, supports Linux up to %u.%u.%u%s: older than the running %s",
		 mdf.major, mdf.minor, mdf.patch, latest.major, latest.minor, latest.patch,
		 r == -ERANGE ? " at most" : "", running);
	if (mdf_first_supporting(&kernel, &first))
		log_warn("%s is makedumpfile %u.%u.%u, which supports Linux up to %u.%u.%u; the "
			 "running kernel is %s: it says \"The kernel version is not supported\" and "
			 "its -d filtering may keep pages it should exclude (makedumpfile %u.%u.%u "
			 "and later support this kernel)",
			 path, mdf.major, mdf.minor, mdf.patch, latest.major, latest.minor,
			 latest.patch, running, first.major, first.minor, first.patch);
	else
		log_warn("%s is makedumpfile %u.%u.%u, which supports Linux up to %u.%u.%u; the "
			 "running kernel is %s: it says \"The kernel version is not supported\" and "
			 "its -d filtering may keep pages it should exclude (no release kdumpctl knows "
			 "supports this kernel)",
			 path, mdf.major, mdf.minor, mdf.patch, latest.major, latest.minor,
			 latest.patch, running);
	return 1;
}
