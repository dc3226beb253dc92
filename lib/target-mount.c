// SPDX-License-Identifier: GPL-2.0-or-later
#include <blkid.h>
#include <errno.h>
#include <fcntl.h>
#include <libmount.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <time.h>

#include "log.h"
#include "target-mount.h"
#include "util.h"

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* the time is the clock's, not the sum of the sleeps: each look (blkid)
 * takes time too, and on a loaded machine much of it */
int target_wait_device(const char *spec, unsigned int timeout_ms, char **devnode)
{
	uint64_t start = now_ms();
	bool said = false;

	for (;;) {
		char *dev = blkid_evaluate_spec(spec, NULL);
		uint64_t waited = now_ms() - start;
		struct stat st;

		if (dev && stat(dev, &st) == 0) {
			*devnode = dev;
			return 0;
		}
		free(dev);
		if (waited >= timeout_ms) {
			log_error("dump target %s did not appear within %u s (disk_timeout)", spec,
				  timeout_ms / 1000);
			return -ENODEV;
		}
		if (!said && waited >= 1000) {
			log_info("waiting for the dump target %s", spec);
			said = true;
		}
		nanosleep(&(struct timespec){ .tv_nsec = 200 * 1000 * 1000 }, NULL);
	}
}

int target_mount(const char *devnode, const char *fstype, const char *options,
		 const char *mountpoint)
{
	_cleanup_free_ char *opts = NULL;
	struct libmnt_context *cxt;
	int r;

	if (mkdir(mountpoint, 0700) < 0 && errno != EEXIST)
		return log_error_errno(-errno, "cannot create %s", mountpoint);
	cxt = mnt_new_context();
	if (!cxt)
		return -ENOMEM;
	r = mnt_context_set_source(cxt, devnode);
	if (r == 0)
		r = mnt_context_set_target(cxt, mountpoint);
	if (r == 0 && fstype)
		r = mnt_context_set_fstype(cxt, fstype);
	if (asprintf(&opts, "rw,noatime%s%s", options ? "," : "", options ? options : "") < 0)
		r = -ENOMEM;
	if (r == 0)
		r = mnt_context_set_options(cxt, opts);
	if (r == 0)
		r = mnt_context_mount(cxt);
	if (r == 0 && mnt_context_get_status(cxt) != 1)
		r = -EIO;
	if (r != 0) {
		char buf[256] = "";
		int sys = mnt_context_get_syscall_errno(cxt);

		mnt_context_get_excode(cxt, r, buf, sizeof(buf));
		log_error("cannot mount %s at %s: %s", devnode, mountpoint,
			  *buf ? buf : strerror(sys ? sys : EIO));
		r = sys ? -sys : -EIO;
	}
	mnt_free_context(cxt);
	return r;
}

int target_umount(const char *mountpoint)
{
	struct libmnt_context *cxt = mnt_new_context();
	int r;

	if (!cxt)
		return -ENOMEM;
	sync();
	r = mnt_context_set_target(cxt, mountpoint);
	if (r == 0)
		r = mnt_context_umount(cxt);
	if (r != 0)
		log_warn("cannot unmount %s", mountpoint);
	mnt_free_context(cxt);
	return r < 0 ? r : (r ? -EIO : 0);
}

static int open_in(int rootfd, const char *rel)
{
	struct open_how how = {
		.flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_XDEV | RESOLVE_NO_MAGICLINKS,
	};
	long fd = syscall(SYS_openat2, rootfd, rel, &how, sizeof(how));

	return fd < 0 ? -errno : (int)fd;
}

int target_open_dir(const char *mountpoint, const char *dir, char **real)
{
	_cleanup_close_ int rootfd = open(mountpoint, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	_cleanup_free_ char *rel = strdup(dir);
	char proc[64], buf[4096];
	int fd = -1;
	ssize_t n;

	if (rootfd < 0)
		return -errno;
	if (!rel)
		return -ENOMEM;
	/* one component more each round; a missing one is made, mode 0700 */
	for (char *end = rel;;) {
		char saved;

		end += strspn(end, "/");
		end += strcspn(end, "/");
		saved = *end;
		*end = '\0';
		if (fd >= 0)
			close(fd);
		fd = open_in(rootfd, *rel ? rel : ".");
		if (fd == -ENOENT) {
			_cleanup_close_ int parent = -1;
			char *slash = strrchr(rel, '/');
			const char *name = slash ? slash + 1 : rel;

			if (slash)
				*slash = '\0';
			parent = open_in(rootfd, slash && *rel ? rel : ".");
			if (slash)
				*slash = '/';
			if (parent < 0)
				return parent;
			if (mkdirat(parent, name, 0700) < 0 && errno != EEXIST)
				return -errno;
			fd = open_in(rootfd, rel);
		}
		*end = saved;
		if (fd < 0)
			return fd;
		if (!saved)
			break;
	}
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	n = readlink(proc, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	*real = strdup(buf);
	return *real ? 0 : -ENOMEM;
}
