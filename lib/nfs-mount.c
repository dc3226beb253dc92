// SPDX-License-Identifier: GPL-2.0-or-later
/* Mounting an NFS export with the kernel's client (nfs-mount.h). */
#include <errno.h>
#include <libmount.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include "log.h"
#include "nfs-mount.h"
#include "util.h"

/* what mount.nfs tries when nothing names a version, in its order */
static const char *const default_versions[] = { "4.2", "4.1", "4.0" };

/* how long a killed child may take to go */
#define KILL_GRACE_MS 5000

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void sleep_ms(unsigned int ms)
{
	nanosleep(&(struct timespec){ .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000 },
		  NULL);
}

int nfs_mount_options(const char *vers, const char *addr, const char *extra, char **out)
{
	int n = asprintf(out, "%s%s%saddr=%s%s%s", vers ? "vers=" : "", vers ? vers : "",
			 vers ? "," : "", addr, extra && *extra ? "," : "", extra ? extra : "");

	if (n < 0) {
		*out = NULL;
		return -ENOMEM;
	}
	return 0;
}

bool nfs_options_name_version(const char *extra)
{
	for (const char *w = extra; w && *w; w += strcspn(w, ",") + (w[strcspn(w, ",")] == ',')) {
		size_t n = strcspn(w, ",");

		if ((n > 5 && strncmp(w, "vers=", 5) == 0) || (n > 8 && strncmp(w, "nfsvers=", 8) == 0) ||
		    (n == 2 && w[0] == 'v' && w[1] >= '2' && w[1] <= '4'))
			return true;
	}
	return false;
}

bool nfs_error_transient(int err)
{
	switch (err) {
	case ECONNREFUSED:
	case EHOSTUNREACH:
	case ENETUNREACH:
	case ETIMEDOUT:
	case ECONNRESET:
	case EAGAIN:
	case EIO:
		return true;
	default:
		return false;
	}
}

/* in the child: libmount without helpers (no mount.nfs) and without utab */
static int mount_direct(const char *source, const char *options, const char *mountpoint)
{
	struct libmnt_context *cxt = mnt_new_context();
	int r, sys;

	if (!cxt)
		return -ENOMEM;
	r = mnt_context_disable_helpers(cxt, 1) ?: mnt_context_disable_mtab(cxt, 1) ?:
	    mnt_context_set_source(cxt, source) ?: mnt_context_set_target(cxt, mountpoint) ?:
	    mnt_context_set_fstype(cxt, "nfs4") ?: mnt_context_set_options(cxt, options);
	if (r == 0)
		r = mnt_context_mount(cxt);
	sys = mnt_context_get_syscall_errno(cxt);
	if (r == 0 && mnt_context_get_status(cxt) != 1)
		r = -EIO;
	if (r != 0)
		r = sys ? -sys : (r < 0 ? r : -EIO);
	mnt_free_context(cxt);
	return r;
}

int nfs_mount_once(const char *source, const char *options, const char *mountpoint,
		   unsigned int timeout_ms, void *data)
{
	uint64_t deadline = now_ms() + timeout_ms;
	int status = 0;
	pid_t pid;

	(void)data;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		int r = mount_direct(source, options, mountpoint);

		_exit(r < 0 && -r < 256 ? -r : (r ? EIO : 0));
	}
	for (;;) {
		pid_t w = waitpid(pid, &status, WNOHANG);

		if (w == pid)
			return WIFEXITED(status) ? -WEXITSTATUS(status) : -EIO;
		if (w < 0 && errno != EINTR)
			return -errno;
		if (now_ms() >= deadline)
			break;
		sleep_ms(50);
	}
	kill(pid, SIGKILL);
	/* the RPC waits are killable; one that is not is left behind */
	for (uint64_t end = now_ms() + KILL_GRACE_MS; now_ms() < end; sleep_ms(50))
		if (waitpid(pid, &status, WNOHANG) == pid)
			break;
	return -ETIMEDOUT;
}

int nfs_mount_with(nfs_mount_fn fn, void *data, const char *source, const char *addr,
		   const char *extra, const char *mountpoint, unsigned int timeout_ms,
		   const char **vers, int *last_err)
{
	bool pick = !nfs_options_name_version(extra);
	uint64_t deadline = now_ms() + timeout_ms;
	size_t v = 0;
	int r;

	*vers = NULL;
	*last_err = 0;
	if (mkdir(mountpoint, 0700) < 0 && errno != EEXIST)
		return -errno;
	for (;;) {
		_cleanup_free_ char *opts = NULL;
		uint64_t now = now_ms();

		if (nfs_mount_options(pick ? default_versions[v] : NULL, addr, extra, &opts) < 0)
			return -ENOMEM;
		/* every try gets a second at least, even at the deadline */
		r = fn(source, opts, mountpoint,
		       deadline > now + 1000 ? (unsigned int)(deadline - now) : 1000, data);
		if (r == 0) {
			*vers = pick ? default_versions[v] : NULL;
			return 0;
		}
		*last_err = -r;
		if (r == -EPROTONOSUPPORT && pick && v + 1 < ARRAY_SIZE(default_versions)) {
			log_debug("%s does not speak NFS %s; trying %s", source, default_versions[v],
				  default_versions[v + 1]);
			v++;
			continue;
		}
		if (!nfs_error_transient(-r))
			return r;
		if (now_ms() + 1000 >= deadline)
			return -ETIMEDOUT;
		sleep_ms(1000);
	}
}

int nfs_mount(const char *source, const char *addr, const char *extra, const char *mountpoint,
	      unsigned int timeout_ms, const char **vers, int *last_err)
{
	return nfs_mount_with(nfs_mount_once, NULL, source, addr, extra, mountpoint, timeout_ms,
			      vers, last_err);
}
