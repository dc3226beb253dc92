/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KDUMP_DEADLINE_H
#define KDUMP_DEADLINE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * The capture's deadline, held by PID 1 of the capture image: the capture
 * runs in a child process (the leader of its own process group) and tells
 * PID 1 through shared memory what it is doing; PID 1 waits for it, pets
 * the hardware watchdog while the capture makes progress, and when the
 * deadline passes logs what was running and how far the dump got, and
 * kills the group. A process that even SIGKILL cannot end (stuck in the
 * kernel on a dead disk) is reported and left behind: the caller still
 * takes its action.
 */

/* Shared between the capture (writer) and PID 1 (reader); in a
 * MAP_SHARED mapping (capture_progress_new). */
struct capture_progress {
	unsigned int seq;	/* changes with every update */
	char phase[64];		/* "waiting for the dump device", ... */
	char file[448];		/* the file the dump goes to, "" if none yet */
	int action;		/* the capture's decision: an enum conf_action,
				 * or -1 while it has not decided */
	char why[32];		/* "final_action" or "failure_action" */
};

/* A zeroed shared mapping (action -1), or NULL with errno. */
struct capture_progress *capture_progress_new(void);
void capture_progress_free(struct capture_progress *p);
/* Record what the capture does now; p may be NULL (no supervisor). */
void capture_progress_set(struct capture_progress *p, const char *phase, const char *file);
void capture_progress_decide(struct capture_progress *p, int action, const char *why);

enum deadline_end {
	DEADLINE_EXITED,	/* the process ended by itself: status is set */
	DEADLINE_KILLED,	/* the deadline passed; the group was killed */
	DEADLINE_STUCK,		/* the deadline passed; some of the group
				 * survived SIGKILL (D state) */
};

struct deadline_watch {
	pid_t pid;		/* leader of the process group to watch */
	double started;		/* CLOCK_MONOTONIC seconds when the capture
				 * started, for the log; 0: now */
	double deadline;	/* CLOCK_MONOTONIC seconds; 0: none */
	unsigned int stall;	/* pet only while progress was seen within
				 * this many seconds */
	unsigned int grace_ms;	/* wait after SIGTERM, and after SIGKILL */
	unsigned int tick_ms;	/* how often to look; 0: 500 ms */
	const struct capture_progress *progress; /* may be NULL */
	void (*pet)(void *data);	/* NULL: no watchdog */
	void *pet_data;
	/* kill(2) by default; tests replace it to act an unkillable process */
	int (*kill)(pid_t pid, int sig);
};

struct deadline_result {
	enum deadline_end end;
	int status;		/* DEADLINE_EXITED: as waitpid(2) gives it */
	uint64_t bytes;		/* size of progress->file at the end */
	char phase[64];		/* the phase at the end */
	double seconds;		/* from the start of deadline_watch_run */
	unsigned int pets;	/* times pet() was called */
	unsigned int survivors;	/* DEADLINE_STUCK: processes left */
};

/* CLOCK_MONOTONIC in seconds. */
double deadline_now(void);

/*
 * Watch w->pid until it ends or the deadline passes; reaps every child
 * meanwhile (PID 1 inherits orphans). Returns 0 and *res, or a negative
 * errno when waiting fails.
 */
int deadline_watch_run(const struct deadline_watch *w, struct deadline_result *res);

/* One line per process of group pgid from <proc>: "pid comm state". */
int deadline_list_group(const char *proc, pid_t pgid, char **text);

#endif
