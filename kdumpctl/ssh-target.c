// SPDX-License-Identifier: GPL-2.0-or-later
/* Reaching an ssh dump target with OpenSSH's client (see ssh-target.h). */
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>

#include "log.h"
#include "spawn.h"
#include "ssh-target.h"
#include "strv.h"
#include "sysroot.h"
#include "util.h"

/* keep-alives: a server that stops answering mid-stream is given up after
 * ALIVE_INTERVAL * ALIVE_COUNT seconds */
#define ALIVE_INTERVAL 10
#define ALIVE_COUNT 3
#define PROBE_FILE ".kdump-snp-probe"

int ssh_target_init(struct ssh_target *t, const struct kdump_ctx *ctx, bool in_image)
{
	const struct kdump_conf *c = ctx->conf;
	const char *p = c->path;
	int r;

	*t = (struct ssh_target){ .remote = &c->remote };
	/* 0 would mean "wait as long as TCP does" */
	t->timeout = c->link_delay ? c->link_delay : 1;
	while (*p == '/')
		p++;
	t->dir = strdup(*p ? p : ".");
	if (!t->dir)
		return -ENOMEM;
	if (in_image) {
		t->key = strdup(SSH_IMAGE_KEY);
		t->known_hosts = strdup(SSH_IMAGE_KNOWN_HOSTS);
		r = t->key && t->known_hosts ? 0 : -ENOMEM;
	} else {
		r = sysroot_path(ctx->root, c->sshkey, &t->key);
		if (r == 0)
			r = sysroot_path(ctx->root, SSH_KNOWN_HOSTS, &t->known_hosts);
	}
	if (r < 0)
		ssh_target_clear(t);
	return r;
}

void ssh_target_clear(struct ssh_target *t)
{
	free(t->key);
	free(t->known_hosts);
	free(t->dir);
	*t = (struct ssh_target){ 0 };
}

char *ssh_quote(const char *s)
{
	size_t n = 2;
	char *out, *o;

	for (const char *c = s; *c; c++)
		n += *c == '\'' ? 4 : 1;
	out = malloc(n + 1);
	if (!out)
		return NULL;
	o = out;
	*o++ = '\'';
	for (const char *c = s; *c; c++) {
		if (*c == '\'') {
			memcpy(o, "'\\''", 4);
			o += 4;
		} else {
			*o++ = *c;
		}
	}
	*o++ = '\'';
	*o = '\0';
	return out;
}

__attribute__((format(printf, 2, 3)))
static int push_f(char ***v, const char *fmt, ...)
{
	_cleanup_free_ char *s = NULL;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	return n < 0 ? -ENOMEM : strv_push(v, s);
}

int ssh_argv(const struct ssh_target *t, const char *cmd, char ***argv)
{
	char **v = NULL;
	int r;

	r = strv_push(&v, "ssh") ?: strv_push(&v, "-F") ?: strv_push(&v, "none") ?:
	    push_f(&v, "-oUserKnownHostsFile=%s", t->known_hosts) ?:
	    strv_push(&v, "-oGlobalKnownHostsFile=none") ?:
	    push_f(&v, "-oStrictHostKeyChecking=%s", t->accept_new ? "accept-new" : "yes") ?:
	    strv_push(&v, "-oUpdateHostKeys=no") ?:
	    push_f(&v, "-oConnectTimeout=%u", t->timeout) ?:
	    push_f(&v, "-oServerAliveInterval=%d", ALIVE_INTERVAL) ?:
	    push_f(&v, "-oServerAliveCountMax=%d", ALIVE_COUNT) ?:
	    strv_push(&v, "-oLogLevel=ERROR") ?:
	    strv_push(&v, "-oPort=22");
	if (r == 0 && !t->interactive)
		r = strv_push(&v, "-oBatchMode=yes") ?: strv_push(&v, "-oIdentitiesOnly=yes") ?:
		    strv_push(&v, "-i") ?: strv_push(&v, t->key);
	/* the crash kernel has no resolver: the address recorded at build,
	 * checked against the host key recorded for the name */
	if (r == 0 && t->address)
		r = push_f(&v, "-oHostKeyAlias=%s", t->remote->host);
	if (r == 0)
		r = strv_push(&v, "-l") ?: strv_push(&v, t->remote->user) ?: strv_push(&v, "--") ?:
		    strv_push(&v, t->address ? t->address : t->remote->host) ?: strv_push(&v, cmd);
	if (r < 0) {
		strv_free(v);
		return r;
	}
	*argv = v;
	return 0;
}

int ssh_run(const struct ssh_target *t, const char *cmd, const int fds[3])
{
	char **argv = NULL;
	int statuses[1], r;
	pid_t pid;

	r = ssh_argv(t, cmd, &argv);
	if (r < 0)
		return r;
	pid = spawn_start(argv, fds, NULL);
	strv_free(argv);
	if (pid < 0)
		return (int)pid;
	r = spawn_wait_all(&pid, statuses, 1);
	return r < 0 ? r : statuses[0];
}

/* what ssh wrote to the memfd, trimmed to its last line */
static char *last_line(int fd)
{
	char buf[2048];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	char *end, *start;

	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	for (end = buf + n; end > buf && (end[-1] == '\n' || end[-1] == '\r'); end--)
		*(end - 1) = '\0';
	start = strrchr(buf, '\n');
	start = start ? start + 1 : buf;
	for (char *c = start; *c; c++)
		if (*c == '\r')
			*c = ' ';
	return strdup(start);
}

static bool said(int fd, const char *what)
{
	char buf[4096];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	if (n <= 0)
		return false;
	buf[n] = '\0';
	return strstr(buf, what) != NULL;
}

enum ssh_verdict ssh_probe(const struct ssh_target *t, char **detail)
{
	static const char *const unreachable[] = {
		"Connection refused", "Connection timed out", "timed out", "No route to host",
		"Could not resolve hostname", "Network is unreachable", "Connection closed",
		"Connection reset",
	};
	_cleanup_free_ char *dir = ssh_quote(t->dir);
	_cleanup_free_ char *cmd = NULL;
	_cleanup_close_ int err = -1;
	int r;

	*detail = NULL;
	if (access(t->key, R_OK) < 0)
		return SSH_NO_KEY;
	if (!dir || asprintf(&cmd, "umask 077 && mkdir -p -- %s && : > %s/" PROBE_FILE
			     " && rm -f -- %s/" PROBE_FILE, dir, dir, dir) < 0) {
		cmd = NULL;
		return SSH_UNREACHABLE;
	}
	err = memfd_create("ssh-stderr", MFD_CLOEXEC);
	r = ssh_run(t, cmd, (const int[3]){ -1, -1, err });
	if (err >= 0)
		*detail = last_line(err);
	if (r == 0)
		return SSH_OK;
	if (r != 255)
		return SSH_NOT_WRITABLE;
	if (err >= 0 && (said(err, "Host key verification failed") ||
			 said(err, "REMOTE HOST IDENTIFICATION HAS CHANGED")))
		return SSH_HOST_KEY;
	for (size_t i = 0; err >= 0 && i < ARRAY_SIZE(unreachable); i++)
		if (said(err, unreachable[i]))
			return SSH_UNREACHABLE;
	if (err >= 0 && said(err, "Permission denied"))
		return SSH_AUTH;
	return SSH_UNREACHABLE;
}

void ssh_describe_verdict(const struct ssh_target *t, enum ssh_verdict v, const char *detail,
			  char *buf, size_t len)
{
	const char *user = t->remote->user, *host = t->remote->host;
	_cleanup_free_ char *d = NULL;

	/* ssh's own words, in parentheses, when it said something */
	if (asprintf(&d, detail && *detail ? " (%s)" : "%s", detail && *detail ? detail : "") < 0)
		d = NULL;
	if (!d) {
		snprintf(buf, len, "unknown (out of memory)");
		return;
	}

	switch (v) {
	case SSH_OK:
		snprintf(buf, len, "reachable: logged in to %s@%s with %s and wrote in ~/%s",
			 user, host, t->key, t->dir);
		break;
	case SSH_NO_KEY:
		snprintf(buf, len, "not ready: the key %s does not exist; run kdumpctl propagate",
			 t->key);
		break;
	case SSH_UNREACHABLE:
		snprintf(buf, len, "unreachable: cannot connect to %s port 22 within %u s%s",
			 host, t->timeout, d);
		break;
	case SSH_HOST_KEY:
		snprintf(buf, len, "host key: %s is not the server recorded in %s%s; "
			 "kdumpctl propagate records it", host, t->known_hosts, d);
		break;
	case SSH_AUTH:
		snprintf(buf, len, "not authenticated: %s@%s does not accept the key %s%s; "
			 "run kdumpctl propagate", user, host, t->key, d);
		break;
	case SSH_NOT_WRITABLE:
		snprintf(buf, len, "not writable: %s@%s cannot create or write ~/%s%s",
			 user, host, t->dir, d);
		break;
	}
}
