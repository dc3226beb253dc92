// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Saving to an ssh target (kdump-utils' convention): on the server,
 * ~/<path>/<host>-<date>/ gets vmcore-dmesg.txt, then the dump streamed
 * by `makedumpfile -F` through ssh into vmcore-incomplete, renamed to
 * vmcore.flat only when both makedumpfile and ssh succeeded (makedumpfile
 * -R turns it into a normal dump), then kdump-info.txt. Directories 0700
 * and files 0600 there too (umask 077 in every remote command).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "log.h"
#include "save.h"
#include "spawn.h"
#include "ssh-target.h"
#include "strv.h"
#include "util.h"
#include "vmcore.h"

/* the command fmt (a literal) with the quoted remote directory in each
 * %1$s; newly allocated or NULL */
#define remote_cmd(fmt, dir) ({ \
	_cleanup_free_ char *q_ = ssh_quote(dir); \
	char *s_ = NULL; \
	if (!q_ || asprintf(&s_, fmt, q_) < 0) \
		s_ = NULL; \
	s_; \
})

/* copy the local file dir/name to the server's rdir/name */
static int upload(struct save_job *job, const struct ssh_target *t, const char *rdir,
		  const char *name)
{
	_cleanup_free_ char *local = NULL, *rpath = NULL, *q = NULL, *cmd = NULL;
	_cleanup_close_ int fd = -1;
	int r;

	if (asprintf(&local, "%s/%s", job->dir, name) < 0 ||
	    asprintf(&rpath, "%s/%s", rdir, name) < 0 || !(q = ssh_quote(rpath)) ||
	    asprintf(&cmd, "umask 077 && cat > %s", q) < 0)
		return -ENOMEM;
	fd = open(local, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	r = ssh_run(t, cmd, (const int[3]){ fd, -1, -1 });
	if (r != 0)
		log_warn("copying %s to %s@%s:%s failed (ssh status %d)", name, t->remote->user,
			 t->remote->host, rpath, r);
	unlink(local);
	return r == 0 ? 0 : -EIO;
}

/* makedumpfile -F ... | ssh 'cat > vmcore-incomplete'; both statuses */
static int stream(struct save_job *job, const struct ssh_target *t, const char *rdir,
		  int *mdf_status, int *ssh_status)
{
	_cleanup_free_ char *cmd = NULL;
	char **ssh = NULL, **mdf = NULL;
	int p[2] = { -1, -1 }, st[2] = { -1, -1 }, r;
	pid_t pids[2];
	size_t n = 0;

	/* the flattened format is the one that can go to a pipe */
	r = save_collector_argv_flattened(job->conf, job->vmcore, &mdf);
	if (r < 0)
		return r;
	cmd = remote_cmd("umask 077 && cat > %1$s/vmcore-incomplete", rdir);
	if (r == 0 && !cmd)
		r = -ENOMEM;
	if (r == 0)
		r = ssh_argv(t, cmd, &ssh);
	if (r == 0 && pipe2(p, O_CLOEXEC) < 0)
		r = -errno;
	if (r == 0) {
		job->collector = mdf;
		mdf = NULL;
		pids[n] = spawn_start(job->collector, (const int[3]){ -1, p[1], -1 },
					  save_collector_env(job->conf));
		if (pids[n] > 0)
			n++;
		pids[n] = spawn_start(ssh, (const int[3]){ p[0], -1, -1 }, NULL);
		if (pids[n] > 0)
			n++;
	}
	if (p[0] >= 0)
		close(p[0]);
	if (p[1] >= 0)
		close(p[1]);
	if (r == 0 && n == 2)
		r = spawn_wait_all(pids, st, 2);
	else if (r == 0)
		r = spawn_wait_all(pids, st, n) ?: -ECHILD;
	strv_free(ssh);
	strv_free(mdf);
	*mdf_status = st[0];
	*ssh_status = st[1];
	return r;
}

/* vmcore-incomplete -> vmcore.flat; its size on the server */
static int finish(struct save_job *job, const struct ssh_target *t, const char *rdir)
{
	_cleanup_free_ char *cmd = remote_cmd("mv -f -- %1$s/vmcore-incomplete %1$s/vmcore.flat && "
					      "sync && wc -c < %1$s/vmcore.flat", rdir);
	_cleanup_close_ int out = memfd_create("ssh-stdout", MFD_CLOEXEC);
	char buf[32] = "";
	int r;

	if (!cmd)
		return -ENOMEM;
	r = ssh_run(t, cmd, (const int[3]){ -1, out, -1 });
	if (r != 0)
		return r;
	if (out >= 0 && pread(out, buf, sizeof(buf) - 1, 0) > 0)
		job->bytes = strtoull(buf, NULL, 10);
	return 0;
}

int save_capture_ssh(struct save_job *job, const struct ssh_target *t)
{
	_cleanup_free_ char *name = NULL, *rdir = NULL, *cmd = NULL;
	char staging[] = "/tmp/kdump-snp-XXXXXX";
	struct vmcore_info vi = { 0 };
	double t0 = save_now();
	int r, mdf = -1, ssh = -1;

	r = save_begin(job, &vi);
	if (r < 0)
		return r;
	if (!mkdtemp(staging))
		return save_failed(job, "cannot create a staging directory in /tmp: %s",
				   strerror(errno));
	job->dir = strdup(staging);
	if (!job->dir || save_dump_name(&name) < 0 ||
	    asprintf(&rdir, "%s/%s", t->dir, name) < 0)
		return -ENOMEM;
	cmd = remote_cmd("umask 077 && mkdir -p -- %1$s", t->dir);
	free(job->base);
	job->base = cmd ? strdup(rdir) : NULL;
	if (!job->base)
		return -ENOMEM;
	log_info("saving the dump of %s (%llu MiB of memory) to %s@%s:~/%s",
		 *vi.osrelease ? vi.osrelease : "the crashed kernel",
		 (unsigned long long)(vi.memory_bytes >> 20), t->remote->user, t->remote->host, rdir);
	free(cmd);
	cmd = remote_cmd("umask 077 && mkdir -p -- %1$s", rdir);
	r = cmd ? ssh_run(t, cmd, (const int[3]){ -1, -1, -1 }) : -ENOMEM;
	if (r != 0) {
		rmdir(staging);
		return save_failed(job, "cannot create ~/%s on %s@%s (ssh status %d)", rdir,
				   t->remote->user, t->remote->host, r);
	}
	save_dmesg(job);
	if (job->dmesg_status == 0)
		upload(job, t, rdir, "vmcore-dmesg.txt");
	r = stream(job, t, rdir, &mdf, &ssh);
	job->collector_status = mdf;
	if (r < 0)
		r = save_failed(job, "cannot run the collector through ssh: %s", strerror(-r));
	else if (mdf != 0)
		r = save_failed(job, "the core collector %s exited with status %d; the partial dump "
				"is left as vmcore-incomplete on the server", job->collector[0], mdf);
	else if (ssh != 0)
		r = save_failed(job, "ssh to %s@%s failed while the dump streamed (status %d); the "
				"partial dump is left as vmcore-incomplete", t->remote->user,
				t->remote->host, ssh);
	else if ((r = finish(job, t, rdir)) != 0)
		r = save_failed(job, "cannot rename vmcore-incomplete to vmcore.flat on %s@%s "
				"(ssh status %d)", t->remote->user, t->remote->host, r);
	job->seconds = save_now() - t0;
	if (save_write_info(job, &vi) == 0)
		upload(job, t, rdir, "kdump-info.txt");
	else
		log_warn("the record of this dump, kdump-info.txt, is missing or incomplete");
	rmdir(staging);
	if (r == 0)
		log_info("dump saved: %s@%s:~/%s/vmcore.flat (%llu MiB in %.1f s)", t->remote->user,
			 t->remote->host, rdir, (unsigned long long)(job->bytes >> 20), job->seconds);
	return r;
}
