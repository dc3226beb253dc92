// SPDX-License-Identifier: GPL-2.0-or-later
/* The capture's deadline (see deadline.h). */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include "deadline.h"
#include "log.h"
#include "util.h"

struct capture_progress *capture_progress_new(void)
{
	struct capture_progress *p = mmap(NULL, sizeof(*p), PROT_READ | PROT_WRITE,
					  MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	memset(p, 0, sizeof(*p));
	p->action = -1;
	return p;
}

void capture_progress_free(struct capture_progress *p)
{
	if (p)
		munmap(p, sizeof(*p));
}

void capture_progress_set(struct capture_progress *p, const char *phase, const char *file)
{
	if (!p)
		return;
	snprintf(p->phase, sizeof(p->phase), "%s", phase);
	snprintf(p->file, sizeof(p->file), "%s", file ? file : "");
	__atomic_add_fetch(&p->seq, 1, __ATOMIC_RELEASE);
}

void capture_progress_decide(struct capture_progress *p, int action, const char *why)
{
	if (!p)
		return;
	snprintf(p->why, sizeof(p->why), "%s", why);
	p->action = action;
	__atomic_add_fetch(&p->seq, 1, __ATOMIC_RELEASE);
}

double deadline_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int deadline_list_group(const char *proc, pid_t pgid, char **text)
{
	DIR *d = opendir(proc);
	char *out = NULL;
	size_t len = 0;
	FILE *f;
	struct dirent *e;

	if (!d)
		return -errno;
	f = open_memstream(&out, &len);
	if (!f) {
		closedir(d);
		return -ENOMEM;
	}
	while ((e = readdir(d))) {
		_cleanup_free_ char *path = NULL, *stat = NULL;
		char state, *close_paren, *open_paren;
		int ppid, pgrp;

		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		if (asprintf(&path, "%s/%s/stat", proc, e->d_name) < 0)
			break;
		/* "pid (comm) state ppid pgrp ..."; comm may hold ')' */
		if (read_first_line(path, &stat) < 0 || !(open_paren = strchr(stat, '(')) ||
		    !(close_paren = strrchr(stat, ')')) ||
		    sscanf(close_paren + 1, " %c %d %d", &state, &ppid, &pgrp) != 3 ||
		    pgrp != pgid)
			continue;
		*close_paren = '\0';
		fprintf(f, "%s %s %c\n", e->d_name, open_paren + 1, state);
	}
	closedir(d);
	if (fclose(f) != 0) {
		free(out);
		return -ENOMEM;
	}
	*text = out;
	return 0;
}

static void log_group(pid_t pgid, const char *what)
{
	_cleanup_free_ char *text = NULL;
	char *save = NULL;

	if (deadline_list_group("/proc", pgid, &text) < 0)
		return;
	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		unsigned int pid;
		char comm[64], state;

		if (sscanf(l, "%u %63s %c", &pid, comm, &state) == 3)
			log_error("%s: pid %u %s, state %c%s", what, pid, comm, state,
				  state == 'D' ? " (waiting in the kernel, cannot be killed)" : "");
	}
}

/* Processes of group pgid that have not ended (zombies have); -1 when
 * /proc cannot be read. */
static int count_group(pid_t pgid)
{
	_cleanup_free_ char *text = NULL;
	char *save = NULL;
	int n = 0;

	if (deadline_list_group("/proc", pgid, &text) < 0)
		return -1;
	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		size_t len = strlen(l);

		n += len && l[len - 1] != 'Z' && l[len - 1] != 'X';
	}
	return n;
}

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Reap what ended; sets *status when w->pid is among them. */
static bool reap(const struct deadline_watch *w, int *status)
{
	bool ended = false;
	int st;
	pid_t got;

	while ((got = waitpid(-1, &st, WNOHANG)) > 0)
		if (got == w->pid) {
			*status = st;
			ended = true;
		}
	return ended;
}

struct seen {
	unsigned int seq;
	uint64_t bytes;
	double at;		/* when progress was last seen */
};

static uint64_t file_size(const struct capture_progress *p)
{
	char file[sizeof(p->file)];
	struct stat st;

	memcpy(file, p->file, sizeof(file));
	file[sizeof(file) - 1] = '\0';
	return *file && stat(file, &st) == 0 ? (uint64_t)st.st_size : 0;
}

static void observe(const struct deadline_watch *w, struct seen *s, double now)
{
	unsigned int seq;
	uint64_t bytes;

	if (!w->progress)
		return;
	seq = __atomic_load_n(&w->progress->seq, __ATOMIC_ACQUIRE);
	bytes = file_size(w->progress);
	if (seq != s->seq || bytes != s->bytes)
		s->at = now;
	s->seq = seq;
	s->bytes = bytes;
}

static void pet(const struct deadline_watch *w, const struct seen *s, double now,
		struct deadline_result *res)
{
	if (w->pet && now - s->at < (double)w->stall) {
		w->pet(w->pet_data);
		res->pets++;
	}
}

/* Whether any process of the group is left, after waiting up to grace_ms
 * by the clock: in a starved crash kernel a turn of this loop takes longer
 * than its sleep. */
static bool group_left(const struct deadline_watch *w, struct seen *s,
		       struct deadline_result *res)
{
	double end = deadline_now() + (double)w->grace_ms / 1000;
	unsigned int step = 50;
	int status;

	for (;;) {
		if (reap(w, &status))
			res->status = status;
		if (count_group(w->pid) == 0) {
			/* the leader may have ended after the reap above */
			if (reap(w, &status))
				res->status = status;
			return false;
		}
		if (deadline_now() >= end)
			return true;
		pet(w, s, deadline_now(), res);
		sleep_ms(step);
	}
}

static void expire(const struct deadline_watch *w, struct seen *s, struct deadline_result *res,
		   double t0)
{
	int (*killfn)(pid_t, int) = w->kill ? w->kill : kill;
	char phase[sizeof(res->phase)] = "";
	int n;

	if (w->progress) {
		memcpy(phase, w->progress->phase, sizeof(phase));
		phase[sizeof(phase) - 1] = '\0';
	}
	log_error("capture_timeout: the capture ran for %.0f s; it was %s, and %llu bytes of "
		  "the dump were written%s%s", deadline_now() - (w->started ? w->started : t0),
		  *phase ? phase : "starting", (unsigned long long)s->bytes,
		  w->progress && *w->progress->file ? " to " : "",
		  w->progress ? w->progress->file : "");
	log_group(w->pid, "capture_timeout: running");
	res->end = DEADLINE_KILLED;
	killfn(-w->pid, SIGTERM);
	if (!group_left(w, s, res))
		return;
	killfn(-w->pid, SIGKILL);
	if (!group_left(w, s, res))
		return;
	res->end = DEADLINE_STUCK;
	n = count_group(w->pid);
	res->survivors = n > 0 ? (unsigned int)n : 1;
	log_group(w->pid, "capture_timeout: survived SIGKILL");
}

int deadline_watch_run(const struct deadline_watch *w, struct deadline_result *res)
{
	unsigned int tick = w->tick_ms ? w->tick_ms : 500;
	double t0 = deadline_now();
	struct seen s = { .at = t0 };
	int status;

	*res = (struct deadline_result){ 0 };
	for (;;) {
		double now, left;

		if (reap(w, &status)) {
			res->end = DEADLINE_EXITED;
			res->status = status;
			break;
		}
		if (kill(w->pid, 0) < 0 && errno == ESRCH)
			return -ECHILD;	/* not ours, or reaped by someone else */
		now = deadline_now();
		observe(w, &s, now);
		pet(w, &s, now, res);
		if (w->deadline && now >= w->deadline) {
			res->seconds = now - t0;
			expire(w, &s, res, t0);
			break;
		}
		left = w->deadline ? (w->deadline - now) * 1000 : tick;
		sleep_ms(left < tick ? (unsigned int)left + 1 : tick);
	}
	observe(w, &s, deadline_now());
	res->bytes = s.bytes;
	if (w->progress) {
		memcpy(res->phase, w->progress->phase, sizeof(res->phase));
		res->phase[sizeof(res->phase) - 1] = '\0';
	}
	res->seconds = deadline_now() - t0;
	return 0;
}
