// SPDX-License-Identifier: GPL-2.0-or-later
/* An nfs dump target: resolving it, and the probe of check and start. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>

#include "nfs-mount.h"
#include "nfs-target.h"
#include "target-mount.h"
#include "util.h"

/* the probe's child gets this long beyond link_delay to write and unmount */
#define PROBE_WRITE_SECS 30

int nfs_target_address(const struct conf_remote *r, char *out, size_t len, const char **why)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM };
	struct addrinfo *ai = NULL;
	int g;

	/* a literal stays as written (an IPv6 zone included) */
	if (r->host_kind != CONF_HOST_NAME) {
		if (strlen(r->host) >= len)
			return -EINVAL;
		snprintf(out, len, "%s", r->host);
		return 0;
	}
	g = getaddrinfo(r->host, NULL, &hints, &ai);
	if (g != 0) {
		*why = gai_strerror(g);
		return -ENOENT;
	}
	g = getnameinfo(ai->ai_addr, ai->ai_addrlen, out, (socklen_t)len, NULL, 0, NI_NUMERICHOST);
	freeaddrinfo(ai);
	if (g != 0) {
		*why = gai_strerror(g);
		return -ENOENT;
	}
	return 0;
}

int nfs_target_init(struct nfs_target *t, const struct kdump_ctx *ctx, const char *addr,
		    const char **why)
{
	const struct kdump_conf *c = ctx->conf;
	int r;

	*t = (struct nfs_target){ .dir = c->path, .timeout = c->link_delay };
	if (nfs_target_source(&c->remote, &t->source) < 0)
		return -ENOMEM;
	r = nfs_host_options_find(ctx->root, t->source, &t->host, &t->why);
	if (r < 0) {
		*why = t->why;
		return r;
	}
	t->options = t->host.options;
	if (addr) {
		snprintf(t->addr, sizeof(t->addr), "%s", addr);
		return 0;
	}
	r = nfs_target_address(&c->remote, t->addr, sizeof(t->addr), why);
	if (r < 0)
		nfs_target_clear(t);
	return r;
}

void nfs_target_clear(struct nfs_target *t)
{
	free(t->source);
	t->source = NULL;
	nfs_host_options_clear(&t->host);
	t->options = NULL;
	free(t->why);
	t->why = NULL;
}

int nfs_target_source(const struct conf_remote *remote, char **out)
{
	_cleanup_free_ char *host = NULL;

	*out = NULL;
	if (conf_remote_host_for_url(remote, &host) < 0 ||
	    asprintf(out, "%s:%s", host, remote->export) < 0) {
		*out = NULL;
		return -ENOMEM;
	}
	return 0;
}

enum probe_stage { STAGE_NS = 1, STAGE_MOUNT, STAGE_TIMEOUT, STAGE_DIR, STAGE_WRITE, STAGE_DONE };

struct probe_msg {
	int stage;
	int err;
	char vers[8];
};

/* in the child, in a mount namespace of its own */
static void probe_child(const struct nfs_target *t, const char *mnt, int fd)
{
	struct probe_msg m = { .stage = STAGE_NS };
	_cleanup_free_ char *real = NULL, *file = NULL;
	const char *vers = NULL;
	int r, last = 0, wfd;

	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
		m.err = errno;
		goto out;
	}
	r = nfs_mount(t->source, t->addr, t->options, mnt, t->timeout * 1000, &vers, &last);
	if (r < 0) {
		m.stage = r == -ETIMEDOUT ? STAGE_TIMEOUT : STAGE_MOUNT;
		m.err = r == -ETIMEDOUT && last ? last : -r;
		goto out;
	}
	if (vers)
		snprintf(m.vers, sizeof(m.vers), "%s", vers);
	m.stage = STAGE_DIR;
	r = target_open_dir(mnt, t->dir, &real);
	if (r < 0) {
		m.err = -r;
		goto unmount;
	}
	m.stage = STAGE_WRITE;
	if (asprintf(&file, "%s/.kdump-snp-probe.%d", real, (int)getpid()) < 0) {
		file = NULL;
		m.err = ENOMEM;
		goto unmount;
	}
	wfd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (wfd < 0 || write(wfd, "kdump-snp\n", 10) != 10 || fsync(wfd) < 0) {
		m.err = errno ? errno : EIO;
		if (wfd >= 0)
			close(wfd);
		unlink(file);
		goto unmount;
	}
	close(wfd);
	if (unlink(file) < 0) {
		m.err = errno;
		goto unmount;
	}
	m.stage = STAGE_DONE;
unmount:
	umount2(mnt, MNT_DETACH);
out:
	if (write(fd, &m, sizeof(m)) != (ssize_t)sizeof(m))
		_exit(1);
	_exit(0);
}

/* the child's report, or STAGE_TIMEOUT when it never came */
static void probe_wait(pid_t pid, int fd, unsigned int secs, struct probe_msg *m)
{
	time_t end = time(NULL) + secs;
	int status;

	while (waitpid(pid, &status, WNOHANG) == 0) {
		if (time(NULL) >= end) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			*m = (struct probe_msg){ .stage = STAGE_TIMEOUT, .err = ETIMEDOUT };
			return;
		}
		nanosleep(&(struct timespec){ .tv_nsec = 100 * 1000 * 1000 }, NULL);
	}
	if (read(fd, m, sizeof(*m)) != (ssize_t)sizeof(*m))
		*m = (struct probe_msg){ .stage = STAGE_MOUNT, .err = EIO };
}

static enum nfs_verdict mount_verdict(int stage, int err)
{
	if (stage == STAGE_TIMEOUT || nfs_error_transient(err))
		return NFS_UNREACHABLE;
	if (err == EACCES || err == EPERM)
		return NFS_DENIED;
	if (err == ENOENT || err == ESTALE || err == ENOTDIR)
		return NFS_NO_EXPORT;
	return NFS_MOUNT_FAILED;
}

void nfs_probe(const struct kdump_ctx *ctx, struct nfs_probe_result *res)
{
	char mnt[] = "/tmp/kdump-snp-nfs.XXXXXX";
	struct probe_msg m = { 0 };
	struct nfs_target t;
	static char vers[8];
	int p[2], r;
	pid_t pid;

	*res = (struct nfs_probe_result){ 0 };
	if (geteuid() != 0) {
		res->verdict = NFS_NOT_ROOT;
		return;
	}
	r = nfs_target_init(&t, ctx, NULL, &res->why);
	if (r == -EINVAL) {
		res->verdict = NFS_BAD_OPTIONS;
		snprintf(res->detail, sizeof(res->detail), "%s", t.why);
		res->why = NULL;
		nfs_target_clear(&t);
		return;
	}
	if (r < 0) {
		res->verdict = r == -ENOENT ? NFS_UNRESOLVED : NFS_MOUNT_FAILED;
		res->err = -r;
		return;
	}
	snprintf(res->options, sizeof(res->options), "%s", t.options ? t.options : "");
	if (!mkdtemp(mnt) || pipe2(p, O_CLOEXEC) < 0) {
		res->verdict = NFS_MOUNT_FAILED;
		res->err = errno;
		nfs_target_clear(&t);
		return;
	}
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		probe_child(&t, mnt, p[1]);
	}
	close(p[1]);
	if (pid < 0)
		m = (struct probe_msg){ .stage = STAGE_NS, .err = errno };
	else
		probe_wait(pid, p[0], t.timeout + PROBE_WRITE_SECS, &m);
	close(p[0]);
	rmdir(mnt);
	nfs_target_clear(&t);
	res->err = m.err;
	switch (m.stage) {
	case STAGE_DONE:
		res->verdict = NFS_OK;
		break;
	case STAGE_DIR:
	case STAGE_WRITE:
		res->verdict = NFS_NOT_WRITABLE;
		break;
	case STAGE_NS:
		res->verdict = NFS_MOUNT_FAILED;
		break;
	default:
		res->verdict = mount_verdict(m.stage, m.err);
		break;
	}
	if (*m.vers) {
		snprintf(vers, sizeof(vers), "%s", m.vers);
		res->vers = vers;
	}
}

void nfs_describe(const struct kdump_ctx *ctx, const struct nfs_probe_result *res, char *buf,
		  size_t len)
{
	const struct kdump_conf *c = ctx->conf;
	const char *host = c->remote.host, *export = c->remote.export;
	const char *e = res->err ? strerror(res->err) : "no error";

	switch (res->verdict) {
	case NFS_OK:
		snprintf(buf, len, "reachable: mounted %s:%s%s%s and wrote in %s there", host, export,
			 res->vers ? " with NFS " : "", res->vers ? res->vers : "", c->path);
		break;
	case NFS_NOT_ROOT:
		snprintf(buf, len, "not checked: mounting %s:%s needs root", host, export);
		break;
	case NFS_UNRESOLVED:
		snprintf(buf, len, "unresolved: the host name %s does not resolve (%s)", host,
			 res->why ? res->why : e);
		break;
	case NFS_UNREACHABLE:
		snprintf(buf, len, "unreachable: no NFS server answered at %s within %u s "
			 "(link_delay): %s", host, c->link_delay, e);
		break;
	case NFS_DENIED:
		snprintf(buf, len, "refused: %s does not export %s to this host (%s); see its "
			 "/etc/exports", host, export, e);
		break;
	case NFS_NO_EXPORT:
		snprintf(buf, len, "no such export: %s has no export %s (%s)", host, export, e);
		break;
	case NFS_MOUNT_FAILED:
		snprintf(buf, len, "cannot be mounted%s%s: %s%s",
			 *res->options ? " with options " : "", res->options, e,
			 res->err == ENODEV ? " (this kernel has no NFSv4 client: modprobe nfsv4)" : "");
		break;
	case NFS_BAD_OPTIONS:
		snprintf(buf, len, "not usable: %s", res->detail);
		break;
	case NFS_NOT_WRITABLE:
		snprintf(buf, len, "not writable: mounted %s:%s, but cannot create or write %s in it "
			 "(%s); the export needs rw and no_root_squash", host, export, c->path, e);
		break;
	}
}
