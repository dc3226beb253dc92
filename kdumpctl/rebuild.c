// SPDX-License-Identifier: GPL-2.0-or-later
/* The capture initramfs: what it is built from, and building it with dracut. */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "inputs.h"
#include "kdumpctl.h"
#include "log.h"
#include "strv.h"
#include "sysroot.h"
#include "util.h"

static const char *dracut_program(void)
{
	const char *p = getenv("KDUMP_SNP_DRACUT");

	return p && *p ? p : "dracut";
}

/* the installed module, or the one named by KDUMP_SNP_DRACUT_MODULE_DIR (tests) */
static const char *module_dir(void)
{
	const char *p = getenv("KDUMP_SNP_DRACUT_MODULE_DIR");

	return p && *p ? p : DRACUT_MODULE_DIR;
}

static const char *self_path(const char *name, char *buf, size_t len)
{
	ssize_t n;

	if (streq(name, "kdumpctl")) {
		n = readlink("/proc/self/exe", buf, len - 1);
		if (n > 0) {
			buf[n] = '\0';
			return buf;
		}
	}
	snprintf(buf, len, "%s/%s", SBINDIR, name);
	return buf;
}

/* a file named in kdump.conf, as found below the probe root */
static int add_conf_file(struct inputs *in, const char *root, const char *label, const char *path)
{
	_cleanup_free_ char *full = NULL;

	if (sysroot_path(root, path, &full) < 0)
		return -ENOMEM;
	return inputs_add(in, label, full);
}

int rebuild_collect_inputs(const struct kdump_ctx *ctx, char **text)
{
	const struct kdump_conf *c = ctx->conf;
	struct inputs in = { 0 };
	char self[4096];
	int r = 0;

	r |= inputs_add_value(&in, "kdump-snp", PACKAGE_VERSION);
	r |= inputs_add_value(&in, "kernel-release", ctx->kver);
	r |= inputs_add_value(&in, "snp-hint", ctx->snp_hint ? "1" : "0");
	r |= inputs_add(&in, "kernel", ctx->kernel_path);
	r |= inputs_add(&in, "kdump.conf", ctx->config_path);
	r |= inputs_add(&in, "defaults", ctx->defaults_path);
	r |= inputs_add(&in, "dracut-module", module_dir());
	r |= inputs_add(&in, "kdumpctl", self_path("kdumpctl", self, sizeof(self)));
	for (char **b = c->extra_bins; b && *b; b++)
		r |= add_conf_file(&in, ctx->root, "extra_bins", *b);
	if (c->kdump_pre)
		r |= add_conf_file(&in, ctx->root, "kdump_pre", c->kdump_pre);
	if (c->kdump_post)
		r |= add_conf_file(&in, ctx->root, "kdump_post", c->kdump_post);
	if (c->sshkey)
		r |= add_conf_file(&in, ctx->root, "sshkey", c->sshkey);
	if (r) {
		inputs_clear(&in);
		return -ENOMEM;
	}
	*text = in.text ? in.text : strdup("");
	return *text ? 0 : -ENOMEM;
}

int rebuild_is_stale(const struct kdump_ctx *ctx, char **reason)
{
	_cleanup_free_ char *recorded = NULL;
	_cleanup_free_ char *current = NULL;
	struct stat st;
	ssize_t n;
	int r;

	if (stat(ctx->initrd_path, &st) < 0) {
		*reason = strdup("the capture image does not exist yet");
		return 1;
	}
	if (ctx->conf->force_no_rebuild)
		return 0;
	if (ctx->conf->force_rebuild) {
		*reason = strdup("force_rebuild is set in kdump.conf");
		return 1;
	}
	n = read_file(ctx->inputs_path, &recorded);
	if (n < 0) {
		*reason = strdup("the record of its inputs is missing");
		return 1;
	}
	r = rebuild_collect_inputs(ctx, &current);
	if (r < 0)
		return r;
	return inputs_equal(recorded, current, reason) ? 0 : 1;
}

static int run_dracut(const struct kdump_ctx *ctx, const char *tmp)
{
	char **argv = NULL;
	pid_t pid;
	int status, r = 0;
	const char *fixed[] = {
		dracut_program(), "--force", "--hostonly", "--hostonly-mode", "strict",
		"--no-hostonly-cmdline", "--compress", "zstd", "--add", DRACUT_MODULE_NAME,
		"--omit", "plymouth resume", "--kver", ctx->kver,
	};

	for (size_t i = 0; i < ARRAY_SIZE(fixed) && r == 0; i++)
		r = strv_push(&argv, fixed[i]);
	for (char **a = ctx->conf->dracut_args; a && *a && r == 0; a++)
		r = strv_push(&argv, *a);
	if (r == 0)
		r = strv_push(&argv, tmp);
	if (r == 0)
		r = strv_push(&argv, ctx->kver);
	if (r < 0) {
		strv_free(argv);
		return r;
	}
	log_debug("running %s", argv[0]);
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		setenv("KDUMP_SNP_CONF", ctx->config_path, 1);
		setenv("KDUMP_SNP_DEFAULTS", ctx->defaults_path, 1);
		execvp(argv[0], argv);
		fprintf(stderr, "kdumpctl: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	strv_free(argv);
	if (pid < 0)
		return -errno;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		log_error("dracut failed (%s %d); the previous capture image, if any, is kept",
			  WIFEXITED(status) ? "exit status" : "signal",
			  WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
		return -EIO;
	}
	return 0;
}

static int write_atomic(const char *path, const char *text)
{
	_cleanup_free_ char *tmp = NULL;
	size_t len = strlen(text);
	int fd;

	if (asprintf(&tmp, "%s.tmp", path) < 0)
		return -ENOMEM;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	if (write(fd, text, len) != (ssize_t)len || fsync(fd) < 0) {
		int r = -errno;

		close(fd);
		unlink(tmp);
		return r ? r : -EIO;
	}
	close(fd);
	if (rename(tmp, path) < 0)
		return -errno;
	return 0;
}

static int mkdir_parents(const char *path)
{
	_cleanup_free_ char *dir = strdup(path);
	char *slash;

	if (!dir)
		return -ENOMEM;
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return 0;
	*slash = '\0';
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0755) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

int rebuild_image(const struct kdump_ctx *ctx)
{
	_cleanup_free_ char *tmp = NULL;
	_cleanup_free_ char *inputs = NULL;
	int r;

	r = mkdir_parents(ctx->initrd_path);
	if (r < 0)
		return log_error_errno(r, "cannot create the directory of %s", ctx->initrd_path);
	/* inputs are read before dracut runs: a change during the build makes
	 * the next start rebuild again rather than trust a stale image */
	r = rebuild_collect_inputs(ctx, &inputs);
	if (r < 0)
		return r;
	if (asprintf(&tmp, "%s.tmp-%d", ctx->initrd_path, (int)getpid()) < 0)
		return -ENOMEM;
	log_info("building the capture image %s for kernel %s", ctx->initrd_path, ctx->kver);
	r = run_dracut(ctx, tmp);
	if (r == 0 && access(tmp, F_OK) < 0) {
		log_error("dracut succeeded but wrote no image at %s", tmp);
		r = -ENOENT;
	}
	if (r == 0 && rename(tmp, ctx->initrd_path) < 0)
		r = log_error_errno(-errno, "cannot rename %s to %s", tmp, ctx->initrd_path);
	if (r < 0) {
		unlink(tmp);
		return r;
	}
	r = write_atomic(ctx->inputs_path, inputs);
	if (r < 0)
		return log_error_errno(r, "cannot write %s", ctx->inputs_path);
	return 0;
}
