// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The figures of this host that lib/estimate.c adds up: the crash kernel,
 * the capture image (its unpacked size kept beside it, so that start need
 * not decompress it at every boot), the RAM, SME.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sys/stat.h>

#include "bzimage.h"
#include "cmdline.h"
#include "initramfs-size.h"
#include "kdumpctl.h"
#include "log.h"
#include "sysroot.h"
#include "system-map.h"
#include "util.h"

#define MIB (UINT64_C(1) << 20)
/* init_size of Debian 12's 6.1.0-57-amd64 bzImage, measured: 66682880 */
#define UNREADABLE_KERNEL (64 * MIB)

static bool sme_active(const char *root)
{
	_cleanup_free_ char *cmdline = NULL;
	bool flag = false;

	if (probe_cpu_flag(root, "sme", &flag) < 0 || !flag)
		return false;
	if (probe_cmdline(root, &cmdline) < 0)
		return false;
	return cmdline_has_param_value(cmdline, "mem_encrypt", "on");
}

static bool crash_kernel_is_running(const struct kdump_ctx *ctx)
{
	_cleanup_free_ char *running = NULL;

	return probe_kernel_release(ctx->root, &running) == 0 && streq(running, ctx->kver);
}

/*
 * A kernel that is not running: its span from the System.map beside it
 * (System.map-<release> in the image's folder, as the crash kernel
 * package and most distributions install it). Returns 0 when it set the
 * figure, 1 when there is no usable map (then init_size is used).
 */
static int map_figure(const struct kdump_ctx *ctx, struct estimate_inputs *in)
{
	_cleanup_free_ char *map = NULL;
	const char *slash = strrchr(ctx->kernel_path, '/');
	int dirlen = slash ? (int)(slash - ctx->kernel_path) : 1;
	unsigned line = 0;
	uint64_t bytes;
	int r;

	if (asprintf(&map, "%.*s/System.map-%s", dirlen, slash ? ctx->kernel_path : ".", ctx->kver) < 0)
		return -ENOMEM;
	r = system_map_span(map, &bytes, &line);
	if (r == -EINVAL) {
		log_warn("%s:%u: not a System.map line (ADDRESS TYPE NAME); using the kernel's init_size",
			    map, line);
		return 1;
	}
	if (r < 0)
		return 1;
	in->kernel_bytes = bytes;
	in->kernel_source = ESTIMATE_MEASURED;
	in->kernel_how = "_text to _end in its System.map";
	return 0;
}

static int kernel_figure(const struct kdump_ctx *ctx, struct estimate_inputs *in)
{
	enum bzimage_error err;
	struct bzimage_info info;
	uint64_t bytes;
	int r;

	/* the same image running now: what it occupies is in /proc/iomem */
	if (crash_kernel_is_running(ctx) && probe_kernel_footprint(ctx->root, &bytes) == 0) {
		in->kernel_bytes = bytes;
		in->kernel_source = ESTIMATE_MEASURED;
		in->kernel_how = "the running kernel's code to bss in /proc/iomem";
		return 0;
	}
	r = map_figure(ctx, in);
	if (r <= 0)
		return r;
	r = bzimage_check_file(ctx->kernel_path, &err, &info);
	if (r == -EACCES) {
		in->kernel_bytes = UNREADABLE_KERNEL;
		in->kernel_source = ESTIMATE_ALLOWANCE;
		in->kernel_how = "not readable by this user (root measures it)";
		return 0;
	}
	if (r < 0)
		return log_error_errno(r, "kernel image %s", ctx->kernel_path);
	if (err != BZIMAGE_OK) {
		log_error("kernel image %s: %s", ctx->kernel_path, bzimage_strerror(err));
		return -ENOEXEC;
	}
	in->kernel_bytes = info.init_size;
	in->kernel_source = ESTIMATE_MEASURED;
	in->kernel_how = "init_size from its boot header (an upper bound)";
	return 0;
}

static int size_path(const struct kdump_ctx *ctx, char **out)
{
	return asprintf(out, "%s.size", ctx->initrd_path) < 0 ? -ENOMEM : 0;
}

/* "<packed bytes> <mtime s>.<ns> <unpacked bytes>" for the image as it is */
static int read_size_record(const struct kdump_ctx *ctx, const struct stat *st, uint64_t *unpacked)
{
	_cleanup_free_ char *path = NULL, *text = NULL;
	unsigned long long packed, sec, nsec, size;

	if (size_path(ctx, &path) < 0 || read_file(path, &text) < 0)
		return -ENOENT;
	if (sscanf(text, "%llu %llu.%llu %llu", &packed, &sec, &nsec, &size) != 4 ||
	    packed != (unsigned long long)st->st_size ||
	    sec != (unsigned long long)st->st_mtim.tv_sec ||
	    nsec != (unsigned long long)st->st_mtim.tv_nsec)
		return -ESTALE;
	*unpacked = size;
	return 0;
}

int estimate_record_image(const struct kdump_ctx *ctx)
{
	_cleanup_free_ char *path = NULL;
	_cleanup_fclose_ FILE *f = NULL;
	uint64_t unpacked;
	struct stat st;
	int r;

	if (stat(ctx->initrd_path, &st) < 0)
		return -errno;
	r = initramfs_unpacked_size(ctx->initrd_path, &unpacked);
	if (r < 0)
		return r;
	if (size_path(ctx, &path) < 0)
		return -ENOMEM;
	f = fopen(path, "we");
	if (!f)
		return -errno;
	fprintf(f, "%lld %lld.%09ld %" PRIu64 "\n", (long long)st.st_size,
		(long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec, unpacked);
	return fflush(f) == 0 ? 0 : -errno;
}

static void image_figures(const struct kdump_ctx *ctx, struct estimate_inputs *in)
{
	struct stat st;
	uint64_t size;
	int r;

	if (stat(ctx->initrd_path, &st) < 0) {
		in->image_how = errno == EACCES ?
			"image not readable by this user (root measures it)" :
			"image not built (kdumpctl rebuild measures it)";
		return;
	}
	if (read_size_record(ctx, &st, &size) == 0) {
		in->unpacked_how = "decompressed when it was built";
	} else {
		r = initramfs_unpacked_size(ctx->initrd_path, &size);
		if (r < 0) {
			in->image_how = r == -EACCES ?
				"image not readable by this user (root measures it)" :
				"image not readable as an initramfs";
			return;
		}
		in->unpacked_how = "measured by decompressing it";
	}
	in->image_bytes = (uint64_t)st.st_size;
	in->image_unpacked_bytes = size;
}

/* the init the image was built with, from its record of inputs */
static bool image_has_systemd(const struct kdump_ctx *ctx)
{
	_cleanup_free_ char *text = NULL;

	if (read_file(ctx->inputs_path, &text) < 0)
		return ctx->defaults->capture_init == CAPTURE_INIT_SYSTEMD;
	return strstr(text, "\ncapture-init\t-\tsystemd\n") != NULL;
}

int estimate_host(const struct kdump_ctx *ctx, struct estimate *e)
{
	struct estimate_inputs in = { 0 };
	int r = kernel_figure(ctx, &in);

	if (r < 0)
		return r;
	image_figures(ctx, &in);
	r = probe_mem_total(ctx->root, &in.ram_bytes);
	if (r < 0)
		return log_error_errno(r, "cannot read MemTotal from /proc/meminfo");
	in.systemd_init = image_has_systemd(ctx);
	in.sme = sme_active(ctx->root);
	estimate_compute(&in, e);
	return 0;
}
