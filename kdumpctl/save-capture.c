// SPDX-License-Identifier: GPL-2.0-or-later
/* Writing one dump directory: vmcore-dmesg.txt, vmcore, kdump-info.txt. */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/utsname.h>
#include <time.h>

#include "cmdline.h"
#include "log.h"
#include "save.h"
#include "spawn.h"
#include "strv.h"
#include "util.h"
#include "vmcore.h"

double save_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int save_failed(struct save_job *job, const char *fmt, ...)
{
	va_list ap;

	free(job->failure);
	va_start(ap, fmt);
	if (vasprintf(&job->failure, fmt, ap) < 0)
		job->failure = NULL;
	va_end(ap);
	log_error("%s", job->failure ? job->failure : "capture failed");
	return -EIO;
}

int save_begin(struct save_job *job, struct vmcore_info *vi)
{
	int r;

	job->collector_status = -1;
	job->dmesg_status = -1;
	r = vmcore_read_info(job->vmcore, vi);
	if (r < 0)
		return save_failed(job, "%s is not a readable ELF crash dump: %s", job->vmcore,
				   r == -ENOEXEC ? "not an x86_64 ELF core file" : strerror(-r));
	return 0;
}

int save_dump_name(char **name)
{
	char host[256] = "localhost", stamp[32];
	time_t t = time(NULL);
	struct tm tm;

	if (gethostname(host, sizeof(host)) < 0 || !*host)
		snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';
	strftime(stamp, sizeof(stamp), "%Y-%m-%d-%H:%M:%S", localtime_r(&t, &tm));
	return asprintf(name, "%s-%s", host, stamp) < 0 ? -ENOMEM : 0;
}

static int make_dump_dir(struct save_job *job)
{
	_cleanup_free_ char *name = NULL;

	if (save_dump_name(&name) < 0)
		return -ENOMEM;
	for (int n = 0; n < 100; n++) {
		free(job->dir);
		if ((n ? asprintf(&job->dir, "%s/%s.%d", job->base, name, n)
		       : asprintf(&job->dir, "%s/%s", job->base, name)) < 0) {
			job->dir = NULL;
			return -ENOMEM;
		}
		if (mkdir(job->dir, 0700) == 0)
			return 0;
		if (errno != EEXIST)
			return save_failed(job, "cannot create %s: %s", job->dir, strerror(errno));
	}
	return save_failed(job, "cannot find a free name for the dump directory in %s", job->base);
}

static int fsync_path(const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC);
	int r = 0;

	if (fd < 0)
		return -errno;
	if (fsync(fd) < 0)
		r = -errno;
	close(fd);
	return r;
}

/* Run argv writing to dir/<incomplete>; rename to dir/<final> on success. */
static int run_to_file(struct save_job *job, char **argv, char *const *env, bool to_stdout,
		       const char *incomplete, const char *final)
{
	_cleanup_free_ char *tmp = NULL;
	_cleanup_free_ char *dst = NULL;
	_cleanup_close_ int fd = -1;
	int status;

	if (asprintf(&tmp, "%s/%s", job->dir, incomplete) < 0 ||
	    asprintf(&dst, "%s/%s", job->dir, final) < 0)
		return -ENOMEM;
	if (to_stdout) {
		fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (fd < 0)
			return -errno;
	}
	status = spawn_wait(argv, fd, env);
	if (status != 0)
		return status;
	if (fsync_path(tmp, O_RDONLY) < 0 || rename(tmp, dst) < 0)
		return -errno;
	fsync_path(job->dir, O_RDONLY | O_DIRECTORY);
	return 0;
}

int save_dmesg(struct save_job *job)
{
	_cleanup_free_ char *out = NULL;
	char *argv[] = { "makedumpfile", "--dump-dmesg", (char *)job->vmcore, NULL, NULL };

	if (asprintf(&out, "%s/vmcore-dmesg-incomplete.txt", job->dir) < 0)
		return -ENOMEM;
	argv[3] = out;
	job->dmesg_status = run_to_file(job, argv, NULL, false, "vmcore-dmesg-incomplete.txt",
					"vmcore-dmesg.txt");
	if (job->dmesg_status != 0)
		log_warn("saving the kernel log with makedumpfile --dump-dmesg failed (%d); "
			 "going on with the dump", job->dmesg_status);
	return 0;
}

static int check_space(struct save_job *job, uint64_t memory_bytes)
{
	uint64_t needed = save_space_needed(job->conf, memory_bytes);
	struct statvfs sv;
	uint64_t avail;

	if (statvfs(job->dir, &sv) < 0)
		return 0;
	avail = (uint64_t)sv.f_bavail * sv.f_frsize;
	if (avail >= needed)
		return 0;
	return save_failed(job, "%s has %llu MiB free; this dump needs at least %llu MiB",
		      job->base, (unsigned long long)(avail >> 20),
		      (unsigned long long)((needed + (1 << 20) - 1) >> 20));
}

int save_write_info(struct save_job *job, const struct vmcore_info *vi)
{
	_cleanup_free_ char *path = NULL;
	_cleanup_free_ char *cmd = job->collector ? strv_join_quoted(job->collector) : NULL;
	_cleanup_free_ char *cmdline = NULL;
	_cleanup_free_ char *hint = NULL;
	_cleanup_fclose_ FILE *f = NULL;
	char release[128] = "unknown";
	struct utsname uts;
	int fd;

	if (asprintf(&path, "%s/kdump-info.txt", job->dir) < 0)
		return -ENOMEM;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || !(f = fdopen(fd, "w"))) {
		int r = -errno;

		if (fd >= 0)
			close(fd);
		return log_error_errno(r, "cannot write %s", path);
	}
	if (read_first_line("/proc/cmdline", &cmdline) == 0)
		cmdline_get_param(cmdline, "kdump_snp", &hint);
	if (uname(&uts) == 0)
		snprintf(release, sizeof(release), "%s", uts.release);
	fprintf(f, "result: %s%s\n", job->failure ? "failed: " : "saved",
		job->failure ? job->failure : "");
	fprintf(f, "crashed_kernel_release: %s\n", *vi->osrelease ? vi->osrelease : "unknown");
	if (vi->crash_time)
		fprintf(f, "crash_time: %lld\n", (long long)vi->crash_time);
	fprintf(f, "capture_kernel_release: %s\n", release);
	fprintf(f, "kdump_snp: %s\n", hint ? hint : "absent");
	fprintf(f, "memory_in_dump: %llu\n", (unsigned long long)vi->memory_bytes);
	fprintf(f, "collector: %s\n", cmd ? cmd : "(not run)");
	fprintf(f, "collector_status: %d\n", job->collector_status);
	fprintf(f, "dmesg_status: %d\n", job->dmesg_status);
	fprintf(f, "bytes_written: %llu\n", (unsigned long long)job->bytes);
	fprintf(f, "seconds: %.1f\n", job->seconds);
	/* every write, the flush, the fsync and the close can fail (ENOSPC, EIO) */
	errno = EIO;
	if (ferror(f) || fflush(f) != 0 || fsync(fileno(f)) < 0)
		return log_error_errno(-errno, "%s", path);
	if (fclose(f) != 0) {
		f = NULL;
		return log_error_errno(-errno, "%s", path);
	}
	f = NULL;
	return 0;
}

int save_capture(struct save_job *job)
{
	_cleanup_free_ char *out = NULL;
	struct vmcore_info vi = { 0 };
	double t0 = save_now();
	struct stat st;
	int r;

	r = save_begin(job, &vi);
	if (r < 0)
		return r;
	r = make_dump_dir(job);
	if (r < 0)
		return r;
	if (asprintf(&out, "%s/vmcore-incomplete", job->dir) < 0)
		return -ENOMEM;
	r = save_collector_argv(job->conf, job->vmcore, out, &job->collector);
	if (r < 0)
		return r;
	log_info("saving the dump of %s (%llu MiB of memory) to %s",
		 *vi.osrelease ? vi.osrelease : "the crashed kernel",
		 (unsigned long long)(vi.memory_bytes >> 20), job->dir);
	r = check_space(job, vi.memory_bytes);
	if (r == 0) {
		capture_progress_set(job->progress, "saving the kernel log", NULL);
		save_dmesg(job);
		capture_progress_set(job->progress, "running the collector", out);
		job->collector_status = run_to_file(job, job->collector,
						    save_collector_env(job->conf),
						    job->conf->collector == CONF_COLLECTOR_CAT,
						    "vmcore-incomplete", "vmcore");
		/* on success vmcore-incomplete was renamed to vmcore */
		if (job->collector_status == 0)
			memcpy(strrchr(out, '/') + 1, "vmcore", sizeof("vmcore"));
		if (stat(out, &st) == 0)
			job->bytes = (uint64_t)st.st_size;
		if (job->collector_status < 0)
			r = save_failed(job, "cannot start the collector %s: %s", job->collector[0],
				   strerror(-job->collector_status));
		else if (job->collector_status != 0)
			r = save_failed(job, "the core collector %s exited with status %d; the partial dump "
				   "is left as vmcore-incomplete", job->collector[0],
				   job->collector_status);
	}
	job->seconds = save_now() - t0;
	/* the dump stays saved; the record of it is incomplete, and says so */
	if (save_write_info(job, &vi) < 0)
		log_warn("the record of this dump, kdump-info.txt, is missing or incomplete");
	if (r == 0)
		log_info("dump saved: %s/vmcore (%llu MiB in %.1f s)", job->dir,
			 (unsigned long long)(job->bytes >> 20), job->seconds);
	return r;
}
