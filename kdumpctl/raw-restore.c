// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kdumpctl start, before it arms: a dump that a capture left on the raw
 * device (save-raw.c) is restored, as kdump-utils' `kdumpctl start` does
 * with `makedumpfile -R`, under <path>/<name>/ (name as the capture made
 * it, "<host>-<date>"):
 *   device data (its CRC-32 checked on the way) -> makedumpfile -R
 *   vmcore-incomplete -> makedumpfile --dump-dmesg vmcore-dmesg.txt (the
 *   check: the dump reads back) -> kdump-info.txt (the header's record)
 *   -> fsync -> rename to vmcore -> fsync the directory -> only then the
 *   mark on the device is cleared.
 * A restore that fails leaves the mark, removes what it wrote, and fails
 * start: arming over it would let the next crash overwrite the only copy.
 * A capture that was cut short ("writing") is not restorable: its mark is
 * cleared with a warning. A header that does not check out is left alone
 * with a warning (the next capture overwrites it).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "kdumpctl.h"
#include "log.h"
#include "raw-dump.h"
#include "save.h"
#include "spawn.h"
#include "sysroot.h"
#include "util.h"

static int fsync_path(const char *path, int flags)
{
	_cleanup_close_ int fd = open(path, flags | O_CLOEXEC);

	if (fd < 0 || fsync(fd) < 0)
		return -errno;
	return 0;
}

/* <base>/<name>, or <name>.1 ... when it exists */
static int make_dir(const char *base, const char *name, char **dir)
{
	for (int n = 0; n < 100; n++) {
		if ((n ? asprintf(dir, "%s/%s.%d", base, name, n) : asprintf(dir, "%s/%s", base, name)) < 0) {
			*dir = NULL;
			return -ENOMEM;
		}
		if (mkdir(*dir, 0700) == 0)
			return 0;
		free(*dir);
		*dir = NULL;
		if (errno != EEXIST)
			return -errno;
	}
	return -EEXIST;
}

/* device data -> makedumpfile -R out; -EBADMSG when the CRC differs */
static int unflatten(int fd, const struct raw_header *h, const char *out, int *status)
{
	char *argv[] = { "makedumpfile", "-R", (char *)out, NULL };
	struct sigaction ign = { .sa_handler = SIG_IGN }, old;
	int p[2], r;
	pid_t pid;

	*status = -1;
	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	pid = spawn_start(argv, (const int[3]){ p[0], -1, -1 }, NULL);
	close(p[0]);
	if (pid < 0) {
		close(p[1]);
		return (int)pid;
	}
	/* makedumpfile ending early is its status to report, not a SIGPIPE here */
	sigaction(SIGPIPE, &ign, &old);
	r = raw_read_data(fd, h, p[1]);
	close(p[1]);
	sigaction(SIGPIPE, &old, NULL);
	spawn_wait_all(&pid, status, 1);
	return r;
}

/* kdump-info.txt: what the device's header says and what the restore did */
static int write_info(const char *dir, const char *dev, const struct raw_header *h,
		      const char *vmcore)
{
	_cleanup_free_ char *path = NULL;
	_cleanup_fclose_ FILE *f = NULL;
	struct stat st = { 0 };
	int fd;

	if (asprintf(&path, "%s/kdump-info.txt", dir) < 0)
		return -ENOMEM;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		return -errno;
	}
	stat(vmcore, &st);
	fprintf(f, "result: saved\n");
	fprintf(f, "target: raw %s\n", dev);
	fprintf(f, "dump_name: %s\n", h->name);
	fprintf(f, "crash_time: %lld\n", (long long)h->crash_time);
	fprintf(f, "bytes_written: %llu\n", (unsigned long long)h->length);
	fprintf(f, "crc32: %08x\n", h->crc);
	fprintf(f, "restored_by: kdumpctl start (makedumpfile -R)\n");
	fprintf(f, "restored_bytes: %llu\n", (unsigned long long)st.st_size);
	errno = EIO;
	if (ferror(f) || fflush(f) != 0 || fsync(fileno(f)) < 0)
		return -errno;
	return 0;
}

static void remove_partial(const char *dir)
{
	static const char *const files[] = { "vmcore-incomplete", "vmcore-dmesg.txt", "kdump-info.txt" };

	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		_cleanup_free_ char *f = NULL;

		if (asprintf(&f, "%s/%s", dir, files[i]) >= 0)
			unlink(f);
	}
	rmdir(dir);
}

static int restore(const struct kdump_ctx *ctx, int fd, const char *dev, const struct raw_header *h)
{
	const char *path = ctx->conf->path;
	_cleanup_free_ char *base = NULL, *dir = NULL, *out = NULL, *dmesg = NULL, *final = NULL;
	char name[RAW_NAME_MAX + 32];
	int r, status;

	if (raw_name_valid(h->name))
		snprintf(name, sizeof(name), "%s", h->name);
	else
		snprintf(name, sizeof(name), "raw-%lld", (long long)h->crash_time);
	r = sysroot_path(ctx->root, path, &base);
	if (r < 0)
		return r;
	r = mkdir_p(base, 0700);
	if (r == 0)
		r = make_dir(base, name, &dir);
	if (r < 0)
		return log_error_errno(r, "a dump waits on raw device %s, but no directory for it "
				       "can be made under %s", dev, path);
	if (asprintf(&out, "%s/vmcore-incomplete", dir) < 0 ||
	    asprintf(&dmesg, "%s/vmcore-dmesg.txt", dir) < 0 ||
	    asprintf(&final, "%s/vmcore", dir) < 0)
		return -ENOMEM;
	log_info("restoring the dump %s (%llu MiB) from raw device %s to %s", h->name,
		 (unsigned long long)(h->length >> 20), dev, dir);
	r = unflatten(fd, h, out, &status);
	if (r == -EBADMSG)
		log_error("the dump on raw device %s does not match its CRC-32: it changed after "
			  "the capture wrote it; not restored", dev);
	else if (r < 0 && (r != -EPIPE || status == 0))
		log_error_errno(r, "reading the dump from raw device %s", dev);
	else if (status != 0)
		log_error("makedumpfile -R %s failed (status %d): the dump on raw device %s is not "
			  "restored", out, status, dev);
	else if ((status = spawn_wait((char *[]){ "makedumpfile", "--dump-dmesg", out, dmesg, NULL },
				      -1, NULL)) != 0)
		log_error("the dump restored from raw device %s does not read back (makedumpfile "
			  "--dump-dmesg status %d); not kept", dev, status);
	else if ((r = fsync_path(out, O_RDONLY)) < 0 || (r = fsync_path(dmesg, O_RDONLY)) < 0 ||
		 (r = write_info(dir, dev, h, out)) < 0 ||
		 (rename(out, final) < 0 && (r = -errno)) ||
		 (r = fsync_path(dir, O_RDONLY | O_DIRECTORY)) < 0 ||
		 (r = fsync_path(base, O_RDONLY | O_DIRECTORY)) < 0)
		log_error_errno(r, "syncing the dump restored from raw device %s to %s", dev, dir);
	if (r < 0 || status != 0) {
		unlink(final);
		remove_partial(dir);
		log_error("the mark on raw device %s stays; kdumpctl start tries again (the dump "
			  "needs about %llu MiB under %s)", dev, (unsigned long long)(h->length >> 20),
			  path);
		return r < 0 ? r : -EIO;
	}
	r = raw_clear(fd);
	if (r < 0)
		return log_error_errno(r, "the dump is restored to %s, but the mark on raw device %s "
				       "cannot be cleared", final, dev);
	log_info("dump restored: %s (from raw device %s, which is free for the next dump)", final, dev);
	return 0;
}

int raw_restore(const struct kdump_ctx *ctx)
{
	const struct kdump_conf *c = ctx->conf;
	_cleanup_free_ char *dev = NULL;
	_cleanup_close_ int fd = -1;
	struct raw_header h;
	int r;

	if (c->target_type != CONF_TARGET_RAW)
		return 0;
	r = sysroot_path(ctx->root, c->target_device ? c->target_device : c->target, &dev);
	if (r < 0)
		return r;
	fd = open(dev, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return log_error_errno(-errno, "cannot open raw device %s (kdump.conf: raw %s) to look "
				       "for a dump", dev, c->target);
	r = raw_read_header(fd, &h);
	if (r == -EBADMSG || r == -EPROTONOSUPPORT) {
		log_warn("raw device %s starts with a kdump-snp header that %s: no dump is restored "
			 "from it, and the next dump overwrites it", dev,
			 r == -EBADMSG ? "is damaged (its CRC-32 or a field is wrong)"
				       : "has a version this kdumpctl does not know");
		return 0;
	}
	if (r < 0)
		return log_error_errno(r, "cannot read the header of raw device %s", dev);
	if (h.state == RAW_STATE_NONE)
		return 0;
	if (h.state == RAW_STATE_WRITING) {
		log_warn("raw device %s holds the start of a dump (%s) whose capture did not finish: "
			 "it cannot be restored; its mark is cleared", dev, h.name);
		r = raw_clear(fd);
		return r < 0 ? log_error_errno(r, "clearing the mark on raw device %s", dev) : 0;
	}
	return restore(ctx, fd, dev, &h);
}
