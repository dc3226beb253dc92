// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * propagate (kdump-utils' verb): get an ssh target ready for the capture.
 *  1. the key: created when missing (ed25519, no passphrase: the crash
 *     kernel has nobody to type one), mode 0600;
 *  2. the server's host key: recorded in SSH_KNOWN_HOSTS on first contact
 *     (StrictHostKeyChecking=accept-new: a changed key is refused, never
 *     replaced), and the image holds that file;
 *  3. the public key: appended to ~/.ssh/authorized_keys on the server as
 *     ssh-copy-id does (umask 077, a missing final newline added), unless
 *     the key already logs in; this one login may ask for a password;
 *  4. the proof: a non-interactive login with the key alone, the recorded
 *     host key and StrictHostKeyChecking=yes, that writes in the dump
 *     directory, as the capture will.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kdumpctl.h"
#include "log.h"
#include "spawn.h"
#include "ssh-target.h"
#include "util.h"

#define INSTALL_CMD \
	"umask 077 && mkdir -p .ssh && " \
	"{ [ -z \"$(tail -c1 .ssh/authorized_keys 2>/dev/null)\" ] || echo >> .ssh/authorized_keys; } && " \
	"cat >> .ssh/authorized_keys"

static int make_key(const char *key)
{
	_cleanup_free_ char *dir = strdup(key);
	char *argv[] = { "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "kdump-snp",
			 "-f", (char *)key, NULL };
	int r;

	if (!dir)
		return -ENOMEM;
	*strrchr(dir, '/') = '\0';
	r = mkdir_p(*dir ? dir : "/", 0700);
	if (r < 0)
		return log_error_errno(r, "cannot create %s", dir);
	r = spawn_wait(argv, -1, NULL);
	if (r != 0)
		return log_error("ssh-keygen could not create %s (status %d)", key, r), -EIO;
	if (chmod(key, 0600) < 0)
		return log_error_errno(-errno, "chmod 0600 %s", key);
	log_info("created the ssh key %s (ed25519)", key);
	return 0;
}

static int check_key(const char *key)
{
	struct stat st;

	if (stat(key, &st) < 0)
		return errno == ENOENT ? make_key(key) : log_error_errno(-errno, "%s", key);
	if (!S_ISREG(st.st_mode))
		return log_error("sshkey %s is not a regular file", key), -EINVAL;
	/* ssh ignores a private key others can read */
	if (st.st_mode & 077)
		return log_error("sshkey %s is readable by others (mode %04o); ssh refuses it: "
				 "chmod 0600 it", key, (unsigned int)(st.st_mode & 07777)), -EPERM;
	return 0;
}

static int install_key(struct ssh_target *t)
{
	_cleanup_free_ char *pub = NULL;
	_cleanup_close_ int fd = -1;
	int r;

	if (asprintf(&pub, "%s.pub", t->key) < 0)
		return -ENOMEM;
	fd = open(pub, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return log_error_errno(-errno, "cannot read the public key %s", pub);
	log_info("installing %s on %s@%s (this login may ask for a password)", pub,
		 t->remote->user, t->remote->host);
	t->interactive = true;
	r = ssh_run(t, INSTALL_CMD, (const int[3]){ fd, -1, -1 });
	t->interactive = false;
	if (r != 0)
		return log_error("could not install %s on %s@%s (ssh status %d)", pub,
				 t->remote->user, t->remote->host, r), -EACCES;
	return 0;
}

int verb_propagate(struct kdump_ctx *ctx, const struct global_options *o)
{
	struct ssh_target t;
	_cleanup_free_ char *detail = NULL, *dir = NULL;
	enum ssh_verdict v;
	char line[1024];
	int r;

	if (ctx->conf->target_type != CONF_TARGET_SSH) {
		log_error("propagate is for an ssh dump target; %s has none", ctx->config_path);
		return -EINVAL;
	}
	r = ssh_target_init(&t, ctx, false);
	if (r < 0)
		return r;
	r = check_key(t.key);
	dir = r == 0 ? strdup(t.known_hosts) : NULL;
	if (dir) {
		*strrchr(dir, '/') = '\0';
		r = mkdir_p(dir, 0700);
		if (r < 0)
			log_error_errno(r, "cannot create %s", dir);
	} else if (r == 0) {
		r = -ENOMEM;
	}
	/* record the host key on first contact; a key that logs in is kept */
	t.accept_new = true;
	v = r == 0 ? ssh_probe(&t, &detail) : SSH_NO_KEY;
	if (r == 0 && v == SSH_AUTH) {
		r = install_key(&t);
		free(detail);
		detail = NULL;
		v = ssh_probe(&t, &detail);
	} else if (r == 0 && v == SSH_OK) {
		log_info("%s already logs in to %s@%s", t.key, t.remote->user, t.remote->host);
	}
	/* the proof, exactly as the capture will log in */
	t.accept_new = false;
	if (r == 0 && v != SSH_HOST_KEY && v != SSH_UNREACHABLE) {
		free(detail);
		detail = NULL;
		v = ssh_probe(&t, &detail);
	}
	if (r == 0) {
		ssh_describe_verdict(&t, v, detail, line, sizeof(line));
		if (v == SSH_OK) {
			log_info("%s", line);
			log_info("the server's host key is recorded in %s; the capture image gets it "
				 "at the next start", t.known_hosts);
		} else {
			log_error("%s", line);
			r = -EHOSTUNREACH;
		}
	}
	ssh_target_clear(&t);
	return r;
}
