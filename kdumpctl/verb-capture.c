// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * capture: /init of the minimal capture image (no systemd, no udev). It
 * mounts the kernel file systems, logs to the kernel log, arms the
 * hardware watchdog the image has (its modules first), loads the image's
 * other kernel modules and then saves the dump as `kdumpctl save` does, in
 * a child process: PID 1 holds capture_timeout (deadline.h), pets the
 * watchdog while the dump makes progress, and takes the action itself,
 * disarming the watchdog only then. It never returns: as PID 1 an exit
 * would panic the crash kernel.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <signal.h>
#include <unistd.h>

#include "deadline.h"
#include "log.h"
#include "modules-load.h"
#include "save.h"
#include "spawn.h"
#include "strv.h"
#include "util.h"
#include "watchdog.h"

#define WATCHDOG_FILE "/etc/kdump-snp/watchdog"
/* after SIGTERM, and again after SIGKILL */
#define KILL_GRACE_MS 5000
/* the watchdog is petted only while the capture changed its phase or wrote
 * to the dump within this many seconds (or disk_timeout + 60 if longer):
 * makedumpfile may read memory for minutes before it writes */
#define STALL_SECONDS 600

/* The capture's start (/init) and the watchdog PID 1 holds: the state of
 * this one process, set up by capture_prepare() and used by verb_capture(). */
static double capture_started;
static int watchdog_fd = -1;

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

static void modules_dir(char *dir, size_t len)
{
	struct utsname u;

	if (uname(&u) < 0)
		u.release[0] = '\0';
	snprintf(dir, len, "/lib/modules/%s", u.release);
}

static void load_modules(char *const *options)
{
	char dir[512];
	unsigned int failed;
	int n;

	modules_dir(dir, sizeof(dir));
	n = modules_load_all(dir, options, &failed);
	if (n >= 0)
		log_info("loaded %d kernel modules%s", n, failed ? ", some failed (see above)" : "");
}

/* The image's watchdog, before any other module: a module or driver
 * that hangs the crash kernel is then bounded too. */
static void arm_watchdog(char *const *options)
{
	_cleanup_free_ char *text = NULL, *node = NULL;
	struct watchdog_record rec;
	struct watchdog_host h;
	unsigned int failed, armed = 0;
	char dir[512];

	if (read_file(WATCHDOG_FILE, &text) < 0) {
		log_info("no hardware watchdog in this capture image");
		return;
	}
	if (watchdog_record_parse(text, &rec) < 0) {
		log_error("%s is not a watchdog record; going on without a watchdog", WATCHDOG_FILE);
		return;
	}
	modules_dir(dir, sizeof(dir));
	if (rec.modules[0])
		modules_load_some(dir, rec.modules, options, &failed);
	if (watchdog_probe("", &h) < 0) {
		log_error("the %s watchdog did not appear; going on without it", rec.driver);
	} else if (asprintf(&node, "/dev/%s", h.device) < 0) {
		node = NULL;
	} else {
		watchdog_fd = watchdog_arm(node, rec.timeout, &armed);
		if (watchdog_fd < 0)
			log_error_errno(watchdog_fd, "cannot arm the watchdog %s (%s)", node, h.driver);
		else
			log_info("watchdog %s (%s) armed: it resets the machine if the capture "
				 "hangs for %u s", node, h.driver, armed ? armed : rec.timeout);
	}
	watchdog_host_clear(&h);
	watchdog_record_clear(&rec);
}

/* PID 1 must survive an OOM (the kernel panics when it kills init); its
 * children get the default back, so the OOM killer ends the collector and
 * the capture takes failure_action. */
static void set_oom_score_adj(const char *value)
{
	int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	if (write(fd, value, strlen(value)) < 0)
		log_debug("oom_score_adj stays as it was");
	close(fd);
}

int capture_prepare(void)
{
	_cleanup_free_ char *text = NULL;
	char **options = NULL;
	int fd;

	if (getpid() != 1) {
		log_error("capture is the /init of the capture image and runs only as PID 1; "
			  "to save a dump by hand use kdumpctl save --vmcore FILE --target DIR");
		return -EPERM;
	}
	capture_started = deadline_now();
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
	set_oom_score_adj("-1000");
	/* kdump.conf's options, as the systemd image's modprobe reads them */
	if (read_file(MODULES_OPTIONS_FILE, &text) >= 0 && modules_options_parse(text, &options) < 0)
		options = NULL;
	arm_watchdog(options);
	load_modules(options);
	strv_free(options);
	return 0;
}

void capture_give_up(const char *why)
{
	log_error("%s: rebooting", why);
	save_sync_bounded();
	reboot(RB_AUTOBOOT);
	/* only when reboot(2) itself failed: sleep rather than panic as init */
	for (;;)
		pause();
}

static void pet_watchdog(void *data)
{
	(void)data;
	if (watchdog_fd >= 0)
		watchdog_pet(watchdog_fd);
}

/* The capture process: the leader of its own group, which PID 1 kills at
 * the deadline. */
static __attribute__((noreturn)) void run_capture(struct kdump_ctx *ctx,
						  const struct global_options *o,
						  struct capture_progress *progress)
{
	enum conf_action action;
	const char *why;

	setpgid(0, 0);
	if (watchdog_fd >= 0)
		close(watchdog_fd);	/* a close by the child must not stop it */
	set_oom_score_adj("0");
	save_run(ctx, o, progress, &action, &why);
	capture_progress_decide(progress, (int)action, why ? why : "failure_action");
	_exit(0);
}

static void describe_end(const struct deadline_result *res)
{
	if (WIFSIGNALED(res->status))
		log_error("the capture process was killed by signal %d%s while %s",
			  WTERMSIG(res->status),
			  WTERMSIG(res->status) == SIGKILL ? " (the OOM killer?)" : "",
			  *res->phase ? res->phase : "starting");
	else
		log_error("the capture process ended (status %d) without choosing an action",
			  WEXITSTATUS(res->status));
}

int verb_capture(struct kdump_ctx *ctx, const struct global_options *o)
{
	const struct kdump_conf *c = ctx->conf;
	struct capture_progress *progress = capture_progress_new();
	enum conf_action failure = c->failure_action == CONF_ACTION_DUMP_TO_ROOTFS ?
		CONF_ACTION_REBOOT : c->failure_action;
	struct deadline_watch w = {
		.started = capture_started,
		.deadline = c->capture_timeout ? capture_started + c->capture_timeout : 0,
		.stall = c->disk_timeout + 60 > STALL_SECONDS ? c->disk_timeout + 60 : STALL_SECONDS,
		.grace_ms = KILL_GRACE_MS,
		.progress = progress,
		.pet = pet_watchdog,
	};
	struct deadline_result res;
	enum conf_action action = failure;
	const char *why = "failure_action";

	if (!progress)
		capture_give_up("cannot set up the capture's deadline");
	if (c->capture_timeout)
		log_info("capture_timeout: %u s from /init", c->capture_timeout);
	w.pid = fork();
	if (w.pid < 0)
		capture_give_up("cannot start the capture process");
	if (w.pid == 0)
		run_capture(ctx, o, progress);
	setpgid(w.pid, w.pid);
	if (deadline_watch_run(&w, &res) < 0)
		capture_give_up("lost the capture process");
	if (res.end == DEADLINE_EXITED && progress->action >= 0) {
		action = (enum conf_action)progress->action;
		why = progress->why[0] ? progress->why : why;
	} else if (res.end == DEADLINE_EXITED) {
		describe_end(&res);
	} else {
		why = "capture_timeout";
		log_error("capture_timeout (%u s) passed; %s", c->capture_timeout,
			  res.end == DEADLINE_STUCK ? "processes that cannot be killed are left "
			  "behind, the action is taken anyway" : "the capture was ended");
	}
	/* the watchdog stays armed up to here: the final action */
	if (watchdog_fd >= 0) {
		watchdog_disarm(watchdog_fd);
		watchdog_fd = -1;
	}
	save_action(action, false, why);
	/* save_action returns only when the action failed */
	capture_give_up("the capture did not end in an action");
}
