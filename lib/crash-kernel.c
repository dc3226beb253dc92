// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <unistd.h>

#include "bzimage.h"
#include "crash-kernel.h"
#include "sysroot.h"
#include "util.h"

int crash_kernel_find_dedicated(const char *root, char **release)
{
	_cleanup_free_ char *link = NULL, *image = NULL;
	char target[PATH_MAX];
	const char *rel;
	ssize_t n;

	if (sysroot_path(root, CRASH_KERNEL_LINK, &link) < 0)
		return -ENOMEM;
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return errno == EINVAL ? -EINVAL : -ENOENT;
	target[n] = '\0';
	if (strncmp(target, "vmlinuz-", 8) != 0 || strchr(target, '/') || strstr(target, ".."))
		return -EINVAL;
	rel = target + 8;
	if (!*rel)
		return -EINVAL;
	if (asprintf(&image, "%s/%s", CRASH_KERNEL_DIR, target) < 0)
		return -ENOMEM;
	free(link);
	link = NULL;
	if (sysroot_path(root, image, &link) < 0)
		return -ENOMEM;
	if (access(link, R_OK) < 0)
		return -ENOENT;
	*release = strdup(rel);
	return *release ? 0 : -ENOMEM;
}

static bool fixed(const struct snp_fix_info *f)
{
	return f && (f->fix == SNP_FIX_SERIES || f->fix == SNP_FIX_UPSTREAM);
}

static int set_boot(struct crash_kernel_choice *out, const char *img, const char *release)
{
	if (asprintf(&out->path, "/boot/%s-%s", img, release) < 0) {
		out->path = NULL;
		return -ENOMEM;
	}
	out->release = strdup(release);
	return out->release ? 0 : -ENOMEM;
}

/* KDUMP_KERNEL=/path: the release from KDUMP_KERNELVER or the image */
static int choose_path(const struct crash_kernel_input *in, struct crash_kernel_choice *out)
{
	_cleanup_free_ char *abs = NULL;
	struct bzimage_info info;
	enum bzimage_error err;
	int r;

	out->path = strdup(in->setting);
	if (!out->path)
		return -ENOMEM;
	if (in->kernelver && *in->kernelver) {
		out->release = strdup(in->kernelver);
		snprintf(out->why, sizeof(out->why), "KDUMP_KERNEL=%s, release %s from "
			 "KDUMP_KERNELVER", in->setting, in->kernelver);
		return out->release ? 0 : -ENOMEM;
	}
	if (sysroot_path(in->root, in->setting, &abs) < 0)
		return -ENOMEM;
	r = bzimage_check_file(abs, &err, &info);
	if (r < 0) {
		snprintf(out->why, sizeof(out->why), "KDUMP_KERNEL=%s: %s", in->setting, strerror(-r));
		return r == -ENOMEM ? r : -EINVAL;
	}
	info.version[strcspn(info.version, " ")] = '\0';
	if (err != BZIMAGE_OK || !*info.version) {
		snprintf(out->why, sizeof(out->why), "KDUMP_KERNEL=%s: %s; set KDUMP_KERNELVER to "
			 "its release", in->setting, err != BZIMAGE_OK ? bzimage_strerror(err)
			 : "its boot header names no kernel release");
		return -EINVAL;
	}
	out->release = strdup(info.version);
	snprintf(out->why, sizeof(out->why), "KDUMP_KERNEL=%s (release %s, from its boot header)",
		 in->setting, info.version);
	return out->release ? 0 : -ENOMEM;
}

static int choose_auto(const struct crash_kernel_input *in, struct crash_kernel_choice *out)
{
	_cleanup_free_ char *dedicated = NULL;
	bool snp_host = in->snp_hint || (in->snp && in->snp->capable);
	int r = crash_kernel_find_dedicated(in->root, &dedicated);

	if (r == -ENOMEM)
		return r;
	if (!snp_host) {
		snprintf(out->why, sizeof(out->why), "KDUMP_KERNEL=auto: the running kernel; not an "
			 "SEV-SNP host, so the kernel it boots with%s", dedicated ?
			 " (the dedicated crash kernel is only picked on SEV-SNP hosts)" : "");
		return set_boot(out, in->img, in->running);
	}
	if (fixed(in->running_fix)) {
		snprintf(out->why, sizeof(out->why), "KDUMP_KERNEL=auto: the running kernel, which "
			 "has the SNP fix (%s)", in->running_fix->evidence);
		return set_boot(out, in->img, in->running);
	}
	if (r < 0) {
		snprintf(out->why, sizeof(out->why), "KDUMP_KERNEL=auto: the running kernel; the "
			 "dedicated crash kernel with the SNP fix is not installed (%s: %s)",
			 CRASH_KERNEL_LINK, r == -EINVAL ? "not a link to vmlinuz-<release>"
			 : "missing; install kdump-snp-crash-kernel");
		return set_boot(out, in->img, in->running);
	}
	if (asprintf(&out->path, "%s/vmlinuz-%s", CRASH_KERNEL_DIR, dedicated) < 0) {
		out->path = NULL;
		return -ENOMEM;
	}
	out->release = dedicated;
	dedicated = NULL;
	out->dedicated = true;
	snprintf(out->why, sizeof(out->why), "KDUMP_KERNEL=auto: the dedicated crash kernel, "
		 "because this is an SEV-SNP host and the running kernel %s has no SNP fix "
		 "known (%s)", in->running, in->running_fix ? snp_fix_name(in->running_fix->fix)
		 : "unknown");
	return 0;
}

int crash_kernel_choose(const struct crash_kernel_input *in, struct crash_kernel_choice *out)
{
	int r;

	*out = (struct crash_kernel_choice){ 0 };
	if (in->setting[0] == '/')
		r = choose_path(in, out);
	else if (in->kernelver && *in->kernelver) {
		snprintf(out->why, sizeof(out->why), "KDUMP_KERNELVER=%s", in->kernelver);
		r = set_boot(out, in->img, in->kernelver);
	} else if (streq(in->setting, "running")) {
		snprintf(out->why, sizeof(out->why), "KDUMP_KERNEL=running: the running kernel");
		r = set_boot(out, in->img, in->running);
	} else {
		r = choose_auto(in, out);
	}
	if (r < 0) {
		char why[sizeof(out->why)];

		memcpy(why, out->why, sizeof(why));
		crash_kernel_choice_clear(out);
		memcpy(out->why, why, sizeof(why));
	}
	return r;
}

void crash_kernel_choice_clear(struct crash_kernel_choice *c)
{
	free(c->path);
	free(c->release);
	*c = (struct crash_kernel_choice){ 0 };
}
