/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KDUMPCTL_SSH_TARGET_H
#define KDUMPCTL_SSH_TARGET_H

#include <stdbool.h>

#include "kdumpctl.h"

/*
 * An ssh dump target as OpenSSH's client reaches it, the same way from
 * `check`, `start`, `propagate` and the capture: no ssh_config (-F none),
 * only the configured key, the server's host key from the file propagate
 * recorded it in and StrictHostKeyChecking=yes, never a prompt, bounded
 * waits. The remote directory is `path` relative to the user's home.
 */

/* On the host (below the sysroot): the host keys propagate records. */
#define SSH_KNOWN_HOSTS "/var/lib/kdump-snp/ssh_known_hosts"
/* In the capture image. */
#define SSH_IMAGE_KEY "/etc/kdump-snp/ssh/id"
#define SSH_IMAGE_KNOWN_HOSTS "/etc/kdump-snp/ssh/known_hosts"
/* In the capture image: the network record (net-config.h). */
#define NET_IMAGE_FILE "/etc/kdump-snp/network"

struct ssh_target {
	const struct conf_remote *remote;
	char *key;		/* private key file */
	char *known_hosts;	/* recorded host keys */
	char *dir;		/* `path` relative to the remote home */
	const char *address;	/* in the image: connect here, the host key is remote->host's */
	unsigned int timeout;	/* seconds to connect, and between signs of life */
	bool accept_new;	/* propagate: record an unknown host key (never a changed one) */
	bool interactive;	/* propagate's install: other keys and a password may do */
};

/* For this configuration, on the host (paths below ctx->root) or, when
 * in_image, with the image's key and known hosts. */
int ssh_target_init(struct ssh_target *t, const struct kdump_ctx *ctx, bool in_image);
void ssh_target_clear(struct ssh_target *t);

/* s in single quotes for the remote shell; newly allocated or NULL. */
char *ssh_quote(const char *s);

/* Run the shell command cmd on the server with fds 0-2 of ssh as given
 * (-1: kdumpctl's own). Returns ssh's status: the command's, or 255 when
 * ssh itself failed (unreachable, host key, authentication), or a
 * negative errno. */
int ssh_run(const struct ssh_target *t, const char *cmd, const int fds[3]);

/* The ssh command for cmd, to start it in a pipeline. */
int ssh_argv(const struct ssh_target *t, const char *cmd, char ***argv);

enum ssh_verdict {
	SSH_OK,
	SSH_NO_KEY,		/* the key file is missing */
	SSH_UNREACHABLE,	/* no TCP connection to port 22 */
	SSH_HOST_KEY,		/* no recorded host key, or a different one */
	SSH_AUTH,		/* the server does not take the key */
	SSH_NOT_WRITABLE,	/* logged in; cannot create or write the directory */
};

/* Try what the capture will do: connect, authenticate, create the
 * directory and write in it. *detail gets ssh's own words (or NULL). */
enum ssh_verdict ssh_probe(const struct ssh_target *t, char **detail);

/* One line for people: "reachable: ..." or what is wrong and the fix. */
void ssh_describe_verdict(const struct ssh_target *t, enum ssh_verdict v, const char *detail,
			  char *buf, size_t len);

#endif
