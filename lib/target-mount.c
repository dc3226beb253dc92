// SPDX-License-Identifier: GPL-2.0-or-later
#include <blkid.h>
#include <errno.h>
#include <libmount.h>
#include <sys/stat.h>
#include <time.h>

#include "log.h"
#include "target-mount.h"
#include "util.h"

int target_wait_device(const char *spec, unsigned int timeout_ms, char **devnode)
{
	unsigned int waited = 0;
	bool said = false;

	for (;;) {
		char *dev = blkid_evaluate_spec(spec, NULL);
		struct stat st;

		if (dev && stat(dev, &st) == 0) {
			*devnode = dev;
			return 0;
		}
		free(dev);
		if (waited >= timeout_ms) {
			log_error("dump target %s did not appear within %u s", spec, timeout_ms / 1000);
			return -ENODEV;
		}
		if (!said && waited >= 1000) {
			log_info("waiting for the dump target %s", spec);
			said = true;
		}
		nanosleep(&(struct timespec){ .tv_nsec = 200 * 1000 * 1000 }, NULL);
		waited += 200;
	}
}

int target_mount(const char *devnode, const char *fstype, const char *mountpoint)
{
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
	if (r == 0)
		r = mnt_context_set_options(cxt, "rw,noatime");
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
