/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KDUMPCTL_SAVE_H
#define KDUMPCTL_SAVE_H

#include <stdbool.h>
#include <stdint.h>

#include "deadline.h"
#include "kdumpctl.h"

/* One capture: where it goes and what happened, for kdump-info.txt. */
struct save_job {
	const struct kdump_conf *conf;
	const char *vmcore;    /* /proc/vmcore or --vmcore */
	char *base;            /* the directory that gets <host>-<date>/ */
	char *dir;             /* the dump directory */
	char *mounted;         /* mount point to unmount at the end, or NULL */
	char **collector;      /* argv as run */
	int collector_status;  /* -1 when it did not run */
	int dmesg_status;
	uint64_t bytes;
	double seconds;
	char *failure;         /* why the capture failed, NULL on success */
	struct capture_progress *progress; /* shared with PID 1, or NULL */
};

/* The collector command for this vmcore and output (none when out is NULL) (saves the default
 * collector's -l as -z when makedumpfile was built with zstd). */
int save_collector_argv(const struct kdump_conf *conf, const char *vmcore,
			const char *out, char ***argv);

/* The same, to standard output, in makedumpfile's flattened format (-F
 * added when core_collector lacks it): what ssh and raw targets take. */
int save_collector_argv_flattened(const struct kdump_conf *conf, const char *vmcore,
				  char ***argv);

/* What the collector's environment gets besides kdumpctl's (for spawn_*'s
 * env), or NULL: LD_PRELOAD=libgcc_s.so.1 for makedumpfile --num-threads. */
char *const *save_collector_env(const struct kdump_conf *conf);

/* Bytes the target needs at least, from the memory in the vmcore and
 * what the collector does with it (conf->mdf). */
uint64_t save_space_needed(const struct kdump_conf *conf, uint64_t memory_bytes);

/* The capture itself: dmesg, collector, info file; fills job. */
int save_capture(struct save_job *job);

/* verb save without the action: the capture, and which action it ends
 * in (*why "final_action" or "failure_action", NULL for none); progress
 * (or NULL) tells PID 1 what it does. */
int save_run(struct kdump_ctx *ctx, const struct global_options *o,
	     struct capture_progress *progress, enum conf_action *action, const char **why);

/* sync(2) that gives up after 10 s (a dead dump disk) and goes on. */
void save_sync_bounded(void);
/* Helpers of save_capture() for save-ssh.c: the monotonic clock; the
 * failure (kept in job->failure and logged, returns -EIO); the dump
 * directory's name "<host>-<date>"; the kernel log and kdump-info.txt,
 * written into job->dir. */
struct vmcore_info;
double save_now(void);
__attribute__((format(printf, 2, 3)))
int save_failed(struct save_job *job, const char *fmt, ...);
/* The start of every capture: no collector or dmesg status yet, and the
 * crash dump's ELF header read into vi (else save_failed, -EIO). */
int save_begin(struct save_job *job, struct vmcore_info *vi);
int save_dump_name(char **name);
int save_dmesg(struct save_job *job);
int save_write_info(struct save_job *job, const struct vmcore_info *vi);

/* The capture to an ssh target (save-ssh.c): the dump streams as
 * makedumpfile -F into <dir>/<name>/vmcore-incomplete on the server,
 * renamed to vmcore.flat on success; the text files are written locally
 * in a staging directory and copied. */
struct ssh_target;
int save_capture_ssh(struct save_job *job, const struct ssh_target *t);

/* The capture to a raw device (save-raw.c): the dump streams as
 * makedumpfile -F to the device named by spec after a header that marks
 * it (raw-dump.h), waiting up to timeout_ms for the device; below root
 * when root is not "/" (tests), without waiting. */
int save_capture_raw(struct save_job *job, const char *root, const char *spec,
		     unsigned int timeout_ms);

/* kdumpctl start (raw-restore.c): a dump a capture left on the raw
 * device is restored under `path`, checked, synced, and only then
 * unmarked. Returns 0 when there was none or it is restored (or cannot be:
 * a capture cut short, whose mark is cleared; a foreign header), or a
 * negative errno when a dump waits and could not be restored: the mark
 * stays and kdump must not be armed over it. */
int raw_restore(const struct kdump_ctx *ctx);

/* The final or failure action: taken in the capture environment, only
 * reported when manual (save --vmcore/--target). */
int save_action(enum conf_action action, bool manual, const char *why);

#endif
