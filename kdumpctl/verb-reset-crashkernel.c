// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * reset-crashkernel: crashkernel= for the next boot, in GRUB's snippet
 * (grub-snippet.h), from `kdumpctl estimate` or --size, applied with
 * update-grub. A crashkernel= that the admin set (an edited snippet, a
 * --size, or one in another file of GRUB's configuration) is kept.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "grub-snippet.h"
#include "kdumpctl.h"
#include "log.h"
#include "spawn.h"
#include "sysroot.h"
#include "util.h"

#define MIB (1024ULL * 1024)
#define UPDATE_GRUB_ENV "KDUMP_SNP_UPDATE_GRUB"

/* update-grub: KDUMP_SNP_UPDATE_GRUB (tests), else the one in PATH on the
 * real root; NULL when there is none (and always below a test's sysroot) */
static char *update_grub_program(const char *root)
{
	const char *env = getenv(UPDATE_GRUB_ENV);
	_cleanup_free_ char *path = NULL;
	char *dir, *save = NULL;

	if (env && *env)
		return strdup(env);
	if (!streq(root, "/"))
		return NULL;
	path = strdup(getenv("PATH") ? getenv("PATH") : "/usr/sbin:/usr/bin:/sbin:/bin");
	if (!path)
		return NULL;
	/* maintainer scripts may run with a PATH without the sbin folders */
	for (dir = strtok_r(path, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		char *p = NULL;

		if (asprintf(&p, "%s/update-grub", dir) < 0)
			return NULL;
		if (access(p, X_OK) == 0)
			return p;
		free(p);
	}
	return access("/usr/sbin/update-grub", X_OK) == 0 ? strdup("/usr/sbin/update-grub") : NULL;
}

/* run update-grub, or say what to do without it */
static int apply(const char *root, const char *value)
{
	_cleanup_free_ char *prog = update_grub_program(root);
	int r;

	/* what we printed comes before our and update-grub's stderr, in a pipe too */
	fflush(stdout);
	if (!prog) {
		if (value)
			log_info("update-grub was not found: GRUB is not this host's boot loader. "
				 "Add crashkernel=%s to the kernel command line of the boot loader "
				 "(systemd-boot: /etc/kernel/cmdline, then kernel-install add for each "
				 "kernel; zipl: /etc/zipl.conf, then zipl), then reboot", value);
		else
			log_info("update-grub was not found: remove crashkernel= from the boot "
				 "loader's kernel command line yourself");
		return 0;
	}
	char *argv[] = { prog, NULL };

	log_info("running %s", prog);
	/* its messages go to stderr, ours to stdout: keep them apart */
	r = spawn_wait(argv, STDERR_FILENO, NULL);
	if (r < 0)
		return log_error_errno(r, "cannot run %s", prog);
	if (r != 0) {
		log_error("%s failed (exit status %d); %s is written, run it again once it works",
			  prog, r, GRUB_SNIPPET_PATH);
		return -EIO;
	}
	return 0;
}

static int write_snippet(const char *path, const char *text)
{
	_cleanup_free_ char *tmp = NULL;
	_cleanup_free_ char *dir = strdup(path);
	size_t len = strlen(text);
	int fd, r;

	if (!dir || asprintf(&tmp, "%s.tmp", path) < 0)
		return -ENOMEM;
	*strrchr(dir, '/') = '\0';
	r = mkdir_p(dir, 0755);
	if (r < 0)
		return r;
	/* update-grub sources it: readable, as the other snippets are */
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	if (write(fd, text, len) != (ssize_t)len || fsync(fd) < 0) {
		r = errno ? -errno : -EIO;
		close(fd);
		unlink(tmp);
		return r;
	}
	close(fd);
	if (rename(tmp, path) < 0) {
		r = -errno;
		unlink(tmp);
		return r;
	}
	return 0;
}

static const char *state_words(const struct snippet *s)
{
	switch (s->state) {
	case SNIPPET_AUTO:
		return "the estimate";
	case SNIPPET_SIZE:
		return "set with --size";
	default:
		return "edited by hand";
	}
}

/* crashkernel= is in another file: ours steps back (an unedited estimate
 * is removed); --size cannot be honoured there */
static int defer_elsewhere(const char *root, const char *path, const struct snippet *s,
			   const struct grub_elsewhere *e, const struct global_options *o)
{
	if (o->size && !streq(o->size, "auto")) {
		log_error("%s:%u sets %s: change it there, or remove it there and run "
			  "kdumpctl reset-crashkernel again", e->file, e->line, e->token);
		return -EEXIST;
	}
	if (s->state != SNIPPET_AUTO) {
		printf("crashkernel= is set in %s:%u (%s); kept\n", e->file, e->line, e->token);
		return 0;
	}
	if (unlink(path) < 0)
		return log_error_errno(-errno, "cannot remove %s", path);
	printf("crashkernel= is set in %s:%u (%s); removed %s, which set %s from the estimate\n",
	       e->file, e->line, e->token, GRUB_SNIPPET_PATH, s->value);
	return apply(root, NULL);
}

int verb_reset_crashkernel(struct kdump_ctx *ctx, const struct global_options *o)
{
	_cleanup_free_ char *path = NULL;
	_cleanup_free_ char *text = NULL;
	_cleanup_free_ char *want = NULL;
	struct grub_elsewhere e;
	enum snippet_state mode;
	char value[CRASHKERNEL_VALUE_MAX + 1];
	struct snippet s;
	ssize_t len;
	int r;

	if (o->size && !streq(o->size, "auto") && !crashkernel_value_valid(o->size)) {
		log_error("--size=%s: not a crashkernel= value (for example 384M, "
			  "1G-4G:192M,4G-:384M, or auto for the estimate)", o->size);
		return -EINVAL;
	}
	r = sysroot_path(ctx->root, GRUB_SNIPPET_PATH, &path);
	if (r < 0)
		return r;
	len = sysroot_read_file(ctx->root, GRUB_SNIPPET_PATH, &text);
	if (len < 0 && len != -ENOENT)
		return log_error_errno((int)len, "cannot read %s", GRUB_SNIPPET_PATH);
	snippet_parse(len < 0 ? NULL : text, &s);

	r = grub_find_elsewhere(ctx->root, &e);
	if (r < 0)
		return log_error_errno(r, "cannot read GRUB's configuration in %s", GRUB_DEFAULT_PATH);
	if (r > 0) {
		r = defer_elsewhere(ctx->root, path, &s, &e, o);
		free(e.file);
		return r;
	}

	if (!o->size && (s.state == SNIPPET_SIZE || s.state == SNIPPET_HAND)) {
		printf("%s: crashkernel= %s%s%s; kept (kdumpctl reset-crashkernel --size=SIZE "
		       "or --size=auto replaces it)\n", GRUB_SNIPPET_PATH, state_words(&s),
		       s.state == SNIPPET_SIZE ? ", " : "", s.state == SNIPPET_SIZE ? s.value : "");
		return 0;
	}
	if (o->size && !streq(o->size, "auto")) {
		mode = SNIPPET_SIZE;
		snprintf(value, sizeof(value), "%s", o->size);
	} else {
		uint64_t bytes;

		r = estimate_crashkernel(ctx, NULL, &bytes);
		if (r < 0)
			return r;
		mode = SNIPPET_AUTO;
		snprintf(value, sizeof(value), "%lluM", (unsigned long long)(bytes / MIB));
	}
	if (s.state == mode && streq(s.value, value)) {
		printf("%s: crashkernel=%s (%s), unchanged\n", GRUB_SNIPPET_PATH, value, state_words(&s));
		return 0;
	}
	want = snippet_render(mode, value);
	if (!want)
		return -ENOMEM;
	r = write_snippet(path, want);
	if (r < 0)
		return log_error_errno(r, "cannot write %s", GRUB_SNIPPET_PATH);
	s.state = mode;
	printf("%s: crashkernel=%s (%s); it takes effect at the next boot\n", GRUB_SNIPPET_PATH,
	       value, state_words(&s));
	return apply(ctx->root, value);
}
