// SPDX-License-Identifier: GPL-2.0-or-later
/* The capture initramfs: what it is built from, and building it with dracut. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <stdarg.h>

#include "inputs.h"
#include "kdumpctl.h"
#include "log.h"
#include "net-config.h"
#include "net-dhcp.h"
#include "dump-target.h"
#include "spawn.h"
#include "ssh-target.h"
#include "strv.h"
#include "sysroot.h"
#include "util.h"
#include "watchdog.h"

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

/* One line per field of a location; a field that is not there is "(none)"
 * so that the records of two images line up. */
static int add_location(struct inputs *in, const char *prefix, const struct fs_location *loc)
{
	static const char *const keys[] = { "device", "uuid", "spec", "fstype", "subvol",
					    "options", "mountpoint", "dir" };
	_cleanup_free_ char *text = NULL;
	int r = loc->spec ? fs_location_format(loc, &text) : 0;

	for (size_t i = 0; i < ARRAY_SIZE(keys) && r == 0; i++) {
		_cleanup_free_ char *label = NULL, *value = NULL;
		size_t klen = strlen(keys[i]);
		const char *v = NULL;

		for (const char *l = text; l && *l; l += strcspn(l, "\n") + 1) {
			if (strncmp(l, keys[i], klen) == 0 && l[klen] == '=') {
				v = l + klen + 1;
				break;
			}
			if (!l[strcspn(l, "\n")])
				break;
		}
		if (asprintf(&label, "%s-%s", prefix, keys[i]) < 0 ||
		    !(value = v ? strndup(v, strcspn(v, "\n")) : strdup("(none)")))
			return -ENOMEM;
		r = inputs_add_value(in, label, value);
	}
	return r;
}

/* the record of the host's watchdog for the image (watchdog.h), or "" */
static char *watchdog_text(const struct kdump_ctx *ctx)
{
	struct watchdog_host h;
	char *text = NULL;
	int r = watchdog_probe(ctx->root, &h);

	if (r < 0)
		return r == -ENOENT ? strdup("") : NULL;
	r = watchdog_record_format(&h, watchdog_timeout_for(ctx->conf->capture_timeout,
							    h.max_timeout), &text);
	watchdog_host_clear(&h);
	return r < 0 ? NULL : text;
}

/* the driver in a watchdog input ("driver=NAME modules=..."), for messages */
static const char *watchdog_driver(const char *value)
{
	const char *d = strstr(value, "driver=");

	return d ? d + strlen("driver=") : value;
}

/* the watchdog the image would get, on one line: a driver loaded after
 * the image was built makes it stale */
static int add_watchdog(struct inputs *in, const struct kdump_ctx *ctx)
{
	_cleanup_free_ char *text = watchdog_text(ctx);

	if (!text)
		return -ENOMEM;
	for (char *c = text; *c; c++)
		if (*c == '\n')
			*c = ' ';
	return inputs_add_value(in, "watchdog", *strip_trailing(text) ? text : "none");
}

/* What the image bakes in besides files: where the dump goes, the root
 * file system and the init. */
static int add_decisions(struct inputs *in, const struct kdump_ctx *ctx)
{
	const char *devices[3] = { 0 }, **next = devices;
	struct fs_location root = { 0 };
	struct dump_target t;
	int r, rt = dump_target_resolve(ctx, true, &t);

	if (rt < 0)
		r = inputs_add_value(in, "target", strerror(-rt));
	else
		r = add_location(in, "target", &t.target) ?: add_location(in, "rootfs", &t.rootfs);
	if (t.target.device)
		*next++ = t.target.device;
	if (t.rootfs.device)
		*next++ = t.rootfs.device;
	if (r == 0)
		r = inputs_add_value(in, "capture-init",
				     capture_init_name(rebuild_choose_init(ctx, devices, true)));
	dump_target_clear(&t);
	if (r == 0 && rootfs_locate(ctx->root, "/", &root) == 0) {
		_cleanup_free_ char *spec = NULL;

		if (asprintf(&spec, "%s %s", root.spec, root.fstype) < 0)
			r = -ENOMEM;
		else
			r = inputs_add_value(in, "root-fs", spec);
	} else if (r == 0) {
		r = inputs_add_value(in, "root-fs", "(unknown)");
	}
	fs_location_clear(&root);
	/* not the crash command line: kexec gives it at load time, and the
	 * kernel command line it comes from is known only at boot, where a
	 * rebuild would put dracut on the boot's critical path */
	if (r == 0)
		r = add_watchdog(in, ctx);
	return r;
}

/* How this host reaches a network target now: the image's record, and
 * part of the inputs (a changed address, route or MTU rebuilds). Logs why
 * not unless quiet. */
static int network_record(const struct kdump_ctx *ctx, bool quiet, char **text,
			  struct net_config *nc)
{
	const char *why = NULL;
	int r = net_config_capture(ctx->conf->remote.host, nc, &why);

	if (r < 0) {
		if (!quiet)
			log_error("cannot tell how the crash kernel reaches %s: %s", ctx->conf->remote.host,
				  why);
		return r;
	}
	if (ctx->defaults->net == NET_MODE_DHCP && net_config_use_dhcp(nc) < 0) {
		if (!quiet)
			log_error("KDUMP_NET=dhcp: the crash kernel's DHCP client runs IPv4 only, and "
				  "%s is reached over IPv6; set KDUMP_NET=static", nc->server);
		return -EAFNOSUPPORT;
	}
	return net_config_format(nc, text);
}

static bool network_target(const struct kdump_conf *c)
{
	return c->target_type == CONF_TARGET_SSH || c->target_type == CONF_TARGET_NFS;
}

/* KDUMP_NET=dhcp with a network target: the DHCP client's path on the
 * host (the image carries it), or -ENOENT, said unless quiet */
static int dhcp_client(const struct kdump_ctx *ctx, bool quiet, char **path)
{
	int r;

	*path = NULL;
	if (ctx->defaults->net != NET_MODE_DHCP || !network_target(ctx->conf))
		return 0;
	r = net_dhcp_find_client(ctx->root, path);
	if (r == -ENOENT && !quiet)
		log_error("KDUMP_NET=dhcp needs the DHCP client %s in the capture image, and this "
			  "host has none (Debian: install dhcpcd-base)", NET_DHCP_CLIENT);
	return r;
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
	/* in kdump.conf too, but named: the image's modprobe.d file */
	for (char **m = c->module_options; m && *m; m++)
		r |= inputs_add_value(&in, "module-options", *m);
	if (c->kdump_pre)
		r |= add_conf_file(&in, ctx->root, "kdump_pre", c->kdump_pre);
	if (c->kdump_post)
		r |= add_conf_file(&in, ctx->root, "kdump_post", c->kdump_post);
	if (c->sshkey)
		r |= add_conf_file(&in, ctx->root, "sshkey", c->sshkey);
	if (c->target_type == CONF_TARGET_SSH)
		r |= add_conf_file(&in, ctx->root, "ssh-known-hosts", SSH_KNOWN_HOSTS);
	if (c->target_type == CONF_TARGET_SSH || c->target_type == CONF_TARGET_NFS) {
		_cleanup_free_ char *net = NULL;
		struct net_config nc;

		if (network_record(ctx, true, &net, &nc) < 0)
			r |= inputs_add_value(&in, "network", "(unknown)");
		else
			for (char *l = net, *nl; r == 0 && l && *l; l = nl ? nl + 1 : NULL) {
				nl = strchr(l, '\n');
				if (nl)
					*nl = '\0';
				r |= inputs_add_value(&in, "network", l);
			}
	}
	if (ctx->defaults->net == NET_MODE_DHCP && network_target(c)) {
		_cleanup_free_ char *client = NULL;

		if (dhcp_client(ctx, true, &client) == 0)
			r |= add_conf_file(&in, ctx->root, "dhcp-client", client);
		else
			r |= inputs_add_value(&in, "dhcp-client", "(none)");
	}
	/* the dracut module installs the host's /etc/hostname */
	r |= add_conf_file(&in, ctx->root, "hostname", "/etc/hostname");
	r |= add_decisions(&in, ctx);
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
	if (ctx->udev_busy) {
		_cleanup_free_ char *watchdog = NULL;

		/* its driver may still be on udev's queue; kdump-rearm.service
		 * looks again once udev is done */
		r = inputs_assume_recorded(&current, recorded, "watchdog", "none", &watchdog);
		if (r < 0)
			return r;
		if (r > 0)
			log_info("the capture image has a watchdog (%.*s) whose driver udev has not "
				 "loaded yet: taken as present until udev is done",
				 (int)strcspn(watchdog_driver(watchdog), " "), watchdog_driver(watchdog));
	}
	return inputs_equal(recorded, current, reason) ? 0 : 1;
}

/* drivers a crash kernel must not load, and what only costs memory there */
#define OMIT_DRIVERS "ccp kvm_amd kvm kvm_intel amdgpu radeon nouveau i915 xe drm"
#define OMIT_MODULES "plymouth resume"
/* an nfs target: the kernel's NFSv4 client (sunrpc and the rest come as
 * their dependencies) */
#define NFS_MODULES "nfs nfsv4"

struct dracut_plan {
	char **argv;
	char **env;
};

static void plan_free(struct dracut_plan *p)
{
	strv_free(p->argv);
	strv_free(p->env);
}

__attribute__((format(printf, 2, 3)))
static int push_env(struct dracut_plan *p, const char *fmt, ...)
{
	_cleanup_free_ char *s = NULL;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	return n < 0 ? -ENOMEM : strv_push(&p->env, s);
}

/* kdump.conf's options as modprobe.d lines ("options <module> <params>"),
 * the parameters as written; "" for none */
static char *module_options_text(const struct kdump_conf *c)
{
	char *text = strdup("");

	for (char **o = c->module_options; text && o && *o; o++) {
		char *more = NULL;

		if (asprintf(&more, "%soptions %s\n", text, *o) < 0)
			more = NULL;
		free(text);
		text = more;
	}
	return text;
}

/* Files the capture image needs besides kdumpctl and makedumpfile. */
static int files_list(const struct kdump_conf *c, char **out)
{
	char **v = NULL;
	int r = strv_extend(&v, c->extra_bins);

	if (r == 0 && c->kdump_pre)
		r = strv_push(&v, c->kdump_pre);
	if (r == 0 && c->kdump_post)
		r = strv_push(&v, c->kdump_post);
	if (r == 0 && !(*out = strv_join(v, "\n")))
		r = -ENOMEM;
	strv_free(v);
	return r;
}

/*
 * systemd's FailureAction= for the capture service, taken only when
 * kdumpctl save itself dies (it takes failure_action for every failure it
 * sees). dump_to_rootfs needs a working save, so it reboots.
 */
static const char *unit_failure_action(enum conf_action action)
{
	switch (action) {
	case CONF_ACTION_POWEROFF:
		return "poweroff-force";
	case CONF_ACTION_HALT:
		return "halt-force";
	case CONF_ACTION_SHELL:
		return "none";
	default:
		return "reboot-force";
	}
}

/* the location's "key=value" lines for the image, or "" */
static char *location_text(const struct fs_location *loc)
{
	char *text = NULL;

	if (!loc->spec)
		return strdup("");
	return fs_location_format(loc, &text) < 0 ? NULL : text;
}

static int plan_dracut(const struct kdump_ctx *ctx, const char *tmp, struct dracut_plan *p)
{
	const struct kdump_conf *c = ctx->conf;
	_cleanup_free_ char *files = NULL, *target = NULL, *rootfs = NULL;
	_cleanup_free_ char *watchdog = watchdog_text(ctx);
	_cleanup_free_ char *modules = c->extra_modules ? strv_join_quoted(c->extra_modules) : NULL;
	_cleanup_free_ char *modopts = module_options_text(c);
	const char *devices[3] = { 0 }, **next = devices;
	const char *located = NULL;
	struct dump_target t;
	enum capture_init init;
	char self[4096];
	int r = dump_target_resolve(ctx, false, &t);

	if (r < 0)
		return r;
	if (t.target.device)
		*next++ = t.target.device;
	if (t.rootfs.device)
		*next++ = t.rootfs.device;
	/* the file system driver of the located one (the explicit target's is c->fstype) */
	located = c->target_type == CONF_TARGET_ROOTFS ? t.target.fstype : t.rootfs.fstype;
	init = rebuild_choose_init(ctx, devices, false);
	target = location_text(&t.target);
	rootfs = location_text(&t.rootfs);
	if (!target || !rootfs || !watchdog) {
		dump_target_clear(&t);
		return -ENOMEM;
	}

	/* minimal: only our module and what it depends on (--modules), so
	 * no systemd; systemd: dracut's hostonly selection plus ours */
	const char *fixed[] = {
		dracut_program(), "--force", "--hostonly", "--hostonly-mode", "strict",
		"--no-hostonly-cmdline", "--no-early-microcode", "--compress", "zstd",
		init == CAPTURE_INIT_MINIMAL ? "--modules" : "--add", DRACUT_MODULE_NAME,
		"--omit", OMIT_MODULES, "--omit-drivers", OMIT_DRIVERS, "--kver", ctx->kver,
	};

	r = files_list(c, &files);
	for (size_t i = 0; i < ARRAY_SIZE(fixed) && r == 0; i++)
		r = strv_push(&p->argv, fixed[i]);
	for (const char **d = devices; *d && r == 0; d++)
		r = strv_push(&p->argv, "--add-device") ?: strv_push(&p->argv, *d);
	for (char **a = c->dracut_args; a && *a && r == 0; a++)
		r = strv_push(&p->argv, *a);
	/* the image and the release after "--": nothing in dracut_args can
	 * take their place (conf-dracut.c refuses positional words too) */
	if (r == 0)
		r = strv_push(&p->argv, "--") ?: strv_push(&p->argv, tmp) ?:
		    strv_push(&p->argv, ctx->kver);
	if (r == 0)
		r = push_env(p, "KDUMP_SNP_CONF=%s", ctx->config_path) ?:
		    push_env(p, "KDUMP_SNP_KDUMPCTL=%s", self_path("kdumpctl", self, sizeof(self))) ?:
		    push_env(p, "KDUMP_SNP_TARGET=%s", target) ?:
		    push_env(p, "KDUMP_SNP_ROOTFS=%s", rootfs) ?:
		    push_env(p, "KDUMP_SNP_FSTYPES=%s %s", c->fstype ? c->fstype :
			     c->target_type == CONF_TARGET_NFS ? NFS_MODULES : "",
			     located ? located : "") ?:
		    push_env(p, "KDUMP_SNP_EXTRA_MODULES=%s", modules ? modules : "") ?:
		    (modopts ? push_env(p, "KDUMP_SNP_MODULE_OPTIONS=%s", modopts) : -ENOMEM) ?:
		    push_env(p, "KDUMP_SNP_FILES=%s", files) ?:
		    push_env(p, "KDUMP_SNP_FAILURE_ACTION=%s", unit_failure_action(c->failure_action)) ?:
		    push_env(p, "KDUMP_SNP_CAPTURE_TIMEOUT=%u", c->capture_timeout) ?:
		    push_env(p, "KDUMP_SNP_WATCHDOG=%s", watchdog) ?:
		    push_env(p, "KDUMP_SNP_INIT=%s", capture_init_name(init));
	/* how the crash kernel reaches the server (ssh, nfs) */
	if (r == 0 && (c->target_type == CONF_TARGET_SSH || c->target_type == CONF_TARGET_NFS)) {
		_cleanup_free_ char *net = NULL;
		struct net_config nc;

		/* the NIC's driver, and for a VLAN the kernel's VLAN support,
		 * which the capture's RTM_NEWLINK needs loaded */
		r = network_record(ctx, false, &net, &nc) ?:
		    push_env(p, "KDUMP_SNP_NETWORK=%s", net) ?:
		    push_env(p, "KDUMP_SNP_NET_MODULES=%s%s", nc.driver, nc.vlan_id ? " 8021q" : "");
	}
	/* KDUMP_NET=dhcp: the client the module installs */
	if (r == 0 && ctx->defaults->net == NET_MODE_DHCP && network_target(c)) {
		_cleanup_free_ char *client = NULL;

		r = dhcp_client(ctx, false, &client) ?:
		    push_env(p, "KDUMP_SNP_DHCP_CLIENT=%s", client);
	}
	/* the key and the recorded host key, copied into the image */
	if (r == 0 && c->target_type == CONF_TARGET_SSH) {
		_cleanup_free_ char *key = NULL, *known = NULL;

		r = sysroot_path(ctx->root, c->sshkey, &key) ?:
		    sysroot_path(ctx->root, SSH_KNOWN_HOSTS, &known) ?:
		    push_env(p, "KDUMP_SNP_SSH_KEY=%s", key) ?:
		    push_env(p, "KDUMP_SNP_SSH_KNOWN_HOSTS=%s", known);
	}
	dump_target_clear(&t);
	return r;
}

static int run_dracut(const struct kdump_ctx *ctx, const char *tmp)
{
	struct dracut_plan plan = { 0 };
	int r = plan_dracut(ctx, tmp, &plan);

	if (r == 0) {
		log_debug("running %s", plan.argv[0]);
		r = spawn_wait(plan.argv, -1, plan.env);
		if (r != 0) {
			log_error("dracut failed (exit status %d); the previous capture image, if "
				  "any, is kept", r);
			r = -EIO;
		}
	}
	plan_free(&plan);
	return r;
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

/* The temporary image while dracut writes it: a SIGTERM (systemctl stop,
 * a start timeout), SIGINT or SIGHUP removes it before kdumpctl dies of
 * the signal. dracut gets the signal from the same stop or terminal. */
static const char *volatile building;
static const int term_signals[] = { SIGTERM, SIGINT, SIGHUP };

static void on_term(int sig)
{
	if (building)
		unlink(building);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void catch_term(const char *tmp, struct sigaction old[])
{
	struct sigaction sa = { .sa_handler = on_term };

	building = tmp;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < ARRAY_SIZE(term_signals); i++)
		sigaction(term_signals[i], &sa, &old[i]);
}

static void release_term(const struct sigaction old[])
{
	for (size_t i = 0; i < ARRAY_SIZE(term_signals); i++)
		sigaction(term_signals[i], &old[i], NULL);
	building = NULL;
}

int rebuild_image(const struct kdump_ctx *ctx)
{
	struct sigaction old[ARRAY_SIZE(term_signals)];
	_cleanup_free_ char *dir = NULL;
	_cleanup_free_ char *tmp = NULL;
	_cleanup_free_ char *inputs = NULL;
	int r;

	dir = strdup(ctx->initrd_path);
	if (!dir)
		return -ENOMEM;
	*strrchr(dir, '/') = '\0';
	r = mkdir_p(dir, 0700);
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
	catch_term(tmp, old);
	r = run_dracut(ctx, tmp);
	if (r == 0 && access(tmp, F_OK) < 0) {
		log_error("dracut succeeded but wrote no image at %s", tmp);
		r = -ENOENT;
	}
	if (r == 0 && rename(tmp, ctx->initrd_path) < 0)
		r = log_error_errno(-errno, "cannot rename %s to %s", tmp, ctx->initrd_path);
	if (r < 0)
		unlink(tmp);
	release_term(old);
	if (r < 0)
		return r;
	r = write_atomic(ctx->inputs_path, inputs);
	if (r < 0)
		return log_error_errno(r, "cannot write %s", ctx->inputs_path);
	/* the unpacked size for estimate and start, measured once here */
	r = estimate_record_image(ctx);
	if (r < 0)
		log_warn("cannot record the unpacked size of %s: %s", ctx->initrd_path, strerror(-r));
	return 0;
}
