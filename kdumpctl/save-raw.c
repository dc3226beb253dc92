// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Saving to a raw device (kdump.conf `raw <device>`): the collector's
 * flattened stream (makedumpfile -F, as kdump-utils writes it there) goes
 * to the device after a header that marks it (raw-dump.h): "writing"
 * before the first byte, "complete" only once the data is synced. kdumpctl
 * start restores it on the next boot (raw-restore.c). A block device is
 * opened O_EXCL, which the kernel refuses while the device is mounted.
 * There is no directory here for vmcore-dmesg.txt: the restore writes it
 * from the restored dump.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "log.h"
#include "raw-dump.h"
#include "save.h"
#include "spawn.h"
#include "sysroot.h"
#include "target-mount.h"
#include "util.h"
#include "vmcore.h"

/* the device node: waited for in the capture, below root in tests */
static int find_device(struct save_job *job, const char *root, const char *spec,
		       unsigned int timeout_ms, char **dev)
{
	int r;

	if (!streq(root, "/"))
		return sysroot_path(root, spec, dev);
	capture_progress_set(job->progress, "waiting for the raw device", NULL);
	r = target_wait_device(spec, timeout_ms, dev);
	if (r < 0)
		return save_failed(job, "raw device %s did not appear within %u s", spec,
				   timeout_ms / 1000);
	return 0;
}

static int open_device(struct save_job *job, const char *dev, uint64_t *size)
{
	struct stat st;
	int fd, r;

	if (stat(dev, &st) < 0)
		return save_failed(job, "raw device %s: %s", dev, strerror(errno));
	fd = open(dev, O_RDWR | O_CLOEXEC | (S_ISBLK(st.st_mode) ? O_EXCL : 0));
	if (fd < 0)
		return save_failed(job, "cannot open raw device %s for writing: %s%s", dev,
				   strerror(errno), errno == EBUSY ? " (it is mounted or in use)" : "");
	r = raw_device_size(fd, size);
	if (r == 0 && *size < 2 * RAW_DATA_OFFSET)
		r = -ENOSPC;
	if (r < 0) {
		close(fd);
		return save_failed(job, "raw device %s: %s", dev,
				   r == -ENOSPC ? "smaller than 8 KiB" : strerror(-r));
	}
	return fd;
}

/* collector | device; the collector's status in *status */
static int stream(struct save_job *job, int fd, uint64_t capacity, struct raw_header *h,
		  int *status)
{
	int p[2], r;
	pid_t pid;

	*status = -1;
	r = save_collector_argv_flattened(job->conf, job->vmcore, &job->collector);
	if (r < 0)
		return r;
	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	pid = spawn_start(job->collector, (const int[3]){ -1, p[1], -1 },
			  save_collector_env(job->conf));
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		return (int)pid;
	}
	r = raw_write_data(fd, p[0], capacity, h);
	/* a collector still writing gets EPIPE and ends */
	close(p[0]);
	spawn_wait_all(&pid, status, 1);
	return r;
}

int save_capture_raw(struct save_job *job, const char *root, const char *spec,
		     unsigned int timeout_ms)
{
	_cleanup_free_ char *dev = NULL, *name = NULL;
	_cleanup_close_ int fd = -1;
	struct raw_header h = { 0 };
	struct vmcore_info vi = { 0 };
	double t0 = save_now();
	uint64_t size = 0;
	int r, status;

	r = save_begin(job, &vi);
	if (r < 0)
		return r;
	r = find_device(job, root, spec, timeout_ms, &dev);
	if (r < 0)
		return r;
	fd = open_device(job, dev, &size);
	if (fd < 0)
		return fd;
	free(job->base);
	job->base = strdup(dev);
	if (!job->base || save_dump_name(&name) < 0)
		return -ENOMEM;
	snprintf(h.name, sizeof(h.name), "%s", name);
	h.crash_time = vi.crash_time ? (int64_t)vi.crash_time : (int64_t)time(NULL);
	log_info("saving the dump of %s (%llu MiB of memory) to raw device %s (%llu MiB)",
		 *vi.osrelease ? vi.osrelease : "the crashed kernel",
		 (unsigned long long)(vi.memory_bytes >> 20), dev,
		 (unsigned long long)(size >> 20));
	r = raw_write_begin(fd, &h);
	if (r < 0)
		return save_failed(job, "cannot write the header of raw device %s: %s", dev,
				   strerror(-r));
	capture_progress_set(job->progress, "running the collector", dev);
	r = stream(job, fd, size - RAW_DATA_OFFSET, &h, &status);
	job->collector_status = status;
	job->bytes = h.length;
	if (r == -EFBIG)
		r = save_failed(job, "raw device %s (%llu MiB) is too small for this dump; the "
				"partial dump is marked incomplete", dev,
				(unsigned long long)(size >> 20));
	else if (r < 0)
		r = save_failed(job, "writing the dump to raw device %s failed: %s; the partial "
				"dump is marked incomplete", dev, strerror(-r));
	else if (status != 0)
		r = save_failed(job, "the core collector %s exited with status %d; the partial "
				"dump on %s is marked incomplete", job->collector[0], status, dev);
	else if ((r = raw_write_complete(fd, &h)) < 0)
		r = save_failed(job, "cannot mark the dump on raw device %s complete: %s", dev,
				strerror(-r));
	job->seconds = save_now() - t0;
	if (r == 0)
		log_info("dump saved: raw device %s (%llu MiB in %.1f s, %s); kdumpctl start "
			 "restores it under %s on the next boot", dev,
			 (unsigned long long)(h.length >> 20), job->seconds, h.name, job->conf->path);
	return r;
}
