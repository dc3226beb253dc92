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

/* The collector command for this vmcore and output (saves the default
 * collector's -l as -z when makedumpfile was built with zstd). */
int save_collector_argv(const struct kdump_conf *conf, const char *vmcore,
			const char *out, char ***argv);

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

/* The final or failure action: taken in the capture environment, only
 * reported when manual (save --vmcore/--target). */
int save_action(enum conf_action action, bool manual, const char *why);

#endif
