// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * capture: /init of the minimal capture image (no systemd, no udev). It
 * mounts the kernel file systems, logs to the kernel log, loads the
 * image's kernel modules and then saves the dump as `kdumpctl save` does.
 * It never returns: as PID 1 an exit would panic the crash kernel.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "log.h"
#include "modules-load.h"
#include "save.h"
#include "spawn.h"
#include "util.h"

static void mount_kernel_fs(const char *type, const char *dir)
{
	if (mkdir_p(dir, 0755) < 0 || (mount(type, dir, type, MS_NOSUID, NULL) < 0 && errno != EBUSY))
		log_error_errno(-errno, "cannot mount %s on %s", type, dir);
}

/* every message of the capture reaches the console: no rate limit */
static void kmsg_unlimited(void)
{
	int fd = open("/proc/sys/kernel/printk_devkmsg", O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	if (write(fd, "on\n", 3) != 3)
		log_debug("printk_devkmsg stays rate-limited");
	close(fd);
}

/* the dump directory is named after the host, as systemd would have set it */
static void set_hostname(void)
{
	_cleanup_free_ char *name = NULL;

	if (read_first_line("/etc/hostname", &name) == 0 && *strip_trailing(name) &&
	    sethostname(name, strlen(name)) < 0)
		log_error_errno(-errno, "cannot set the host name \"%s\"", name);
}

static void load_modules(void)
{
	struct utsname u;
	char dir[sizeof(u.release) + 16];
	unsigned int failed;
	int n;

	if (uname(&u) < 0)
		return;
	snprintf(dir, sizeof(dir), "/lib/modules/%s", u.release);
	n = modules_load_all(dir, &failed);
	if (n >= 0)
		log_info("loaded %d kernel modules%s", n, failed ? ", some failed (see above)" : "");
}

int capture_prepare(void)
{
	int fd;

	if (getpid() != 1) {
		log_error("capture is the /init of the capture image and runs only as PID 1; "
			  "to save a dump by hand use kdumpctl save --vmcore FILE --target DIR");
		return -EPERM;
	}
	mount_kernel_fs("proc", "/proc");
	mount_kernel_fs("sysfs", "/sys");
	mount_kernel_fs("devtmpfs", "/dev");
	mount_kernel_fs("tmpfs", "/run");
	/* without /dev/console the kernel starts init with fds 0-2 closed,
	 * and /dev/null exists only now */
	spawn_ensure_stdio();
	fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	if (fd >= 0)
		log_set_kmsg(fd);
	kmsg_unlimited();
	/* the kernel starts init with HOME and TERM only */
	setenv("PATH", "/usr/sbin:/usr/bin:/sbin:/bin", 1);
	umask(022);
	set_hostname();
	load_modules();
	return 0;
}

void capture_give_up(const char *why)
{
	log_error("%s: rebooting", why);
	sync();
	reboot(RB_AUTOBOOT);
	/* only when reboot(2) itself failed: sleep rather than panic as init */
	for (;;)
		pause();
}

int verb_capture(struct kdump_ctx *ctx, const struct global_options *o)
{
	verb_save(ctx, o);
	/* save ends in final_action or failure_action; it returns only when
	 * that action failed */
	capture_give_up("the capture did not end in an action");
	return -EIO;
}
