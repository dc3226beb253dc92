// SPDX-License-Identifier: GPL-2.0-or-later
/* check: the configuration as kdumpctl understands it. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include "describe.h"
#include "dump-target.h"
#include "kdumpctl.h"
#include "net-dhcp.h"
#include "nfs-target.h"
#include "raw-dump.h"
#include "ssh-target.h"
#include "strv.h"
#include "sysroot.h"
#include "util.h"

static void print_list(const char *name, char **v)
{
	_cleanup_free_ char *s = v ? strv_join_quoted(v) : NULL;

	printf("%-16s %s\n", name, s && *s ? s : "(none)");
}

/* the file system and directory the capture image will mount and use */
static void print_location(const struct fs_location *loc, bool by_uuid, const char *what)
{
	if (loc->mountpoint)
		printf("%-16s %s (mounted at %s)\n", what, loc->device, loc->mountpoint);
	else
		printf("%-16s %s\n", what, loc->device);
	printf("%-16s %s\n", "target UUID:", loc->uuid ? loc->uuid
			: "unknown (libblkid cannot read one on the device)");
	printf("%-16s %s\n", "target fs type:", loc->fstype);
	printf("%-16s %s\n", "target subvol:", loc->subvol ? loc->subvol : "(none)");
	printf("%-16s %s (inside that file system)\n", "target dir:", loc->dir);
	if (by_uuid)
		printf("%-16s %s (%s is a kernel name that can change between boots)\n",
		       "image mounts:", loc->spec, loc->device);
	else
		printf("%-16s %s\n", "image mounts:", loc->spec);
}

/* where a raw dump goes and comes back; what waits on the device */
static void print_raw(const struct kdump_ctx *ctx, const struct dump_target *t)
{
	const struct fs_location *loc = &t->target;
	_cleanup_free_ char *node = NULL;
	_cleanup_close_ int fd = -1;
	struct raw_header h;
	const char *state = "no dump (no kdump-snp header)";
	char buf[RAW_NAME_MAX + 64];
	int r;

	printf("%-16s %s\n", "raw device:", loc->device);
	if (t->by_uuid)
		printf("%-16s %s (%s is a kernel name that can change between boots)\n",
		       "image writes to:", loc->spec, loc->device);
	else if (!streq(loc->spec, ctx->conf->target))
		printf("%-16s %s (the node %s names now; the image is rebuilt when it changes)\n",
		       "image writes to:", loc->spec, ctx->conf->target);
	else
		printf("%-16s %s\n", "image writes to:", loc->spec);
	printf("%-16s %s (by kdumpctl start, on the next boot)\n", "restored under:", loc->dir);
	if (sysroot_path(ctx->root, loc->device, &node) < 0)
		return;
	fd = open(node, O_RDONLY | O_CLOEXEC);
	r = fd < 0 ? -errno : raw_read_header(fd, &h);
	if (r < 0) {
		snprintf(buf, sizeof(buf), "unknown (%s)", strerror(-r));
		state = buf;
	} else if (h.state == RAW_STATE_COMPLETE) {
		snprintf(buf, sizeof(buf), "a dump waits to be restored (%s, %llu MiB)", h.name,
			 (unsigned long long)(h.length >> 20));
		state = buf;
	} else if (h.state == RAW_STATE_WRITING) {
		state = "the start of a dump whose capture did not finish";
	}
	printf("%-16s %s\n", "raw device holds:", state);
}

/* KDUMP_NET: where the crash kernel's address comes from; what stops a
 * DHCP image from being built is said here and refused by rebuild */
static void print_network(const struct kdump_ctx *ctx)
{
	_cleanup_free_ char *client = NULL;

	if (ctx->defaults->net == NET_MODE_STATIC) {
		printf("%-16s static (KDUMP_NET): this host's address, prefix and gateway on the "
		       "interface that routes to %s, recorded in the image\n", "network:",
		       ctx->conf->remote.host);
		return;
	}
	if (ctx->conf->remote.host_kind == CONF_HOST_IPV6)
		printf("%-16s dhcp (KDUMP_NET), but %s is IPv6 and the crash kernel's DHCP is "
		       "IPv4 only: set KDUMP_NET=static\n", "network:", ctx->conf->remote.host);
	else if (net_dhcp_find_client(ctx->root, &client) < 0)
		printf("%-16s dhcp (KDUMP_NET), but this host has no %s to put in the image "
		       "(Debian: install dhcpcd-base)\n", "network:", NET_DHCP_CLIENT);
	else
		printf("%-16s dhcp (KDUMP_NET): the crash kernel asks for an IPv4 address with %s, "
		       "within link_delay\n", "network:", client);
}

/* the network is not the file's validity: said on its own line, the
 * exit status stays the file's */
static void print_ssh(const struct kdump_ctx *ctx)
{
	_cleanup_free_ char *detail = NULL;
	struct ssh_target t;
	enum ssh_verdict v;
	char line[1024];

	if (ssh_target_init(&t, ctx, false) < 0)
		return;
	printf("%-16s %s\n", "sshkey:", t.key);
	printf("%-16s %s\n", "known hosts:", t.known_hosts);
	printf("%-16s ~%s@%s/%s\n", "remote dir:", t.remote->user, t.remote->host, t.dir);
	printf("%-16s %u s\n", "link_delay:", ctx->conf->link_delay);
	print_network(ctx);
	fflush(stdout);
	v = ssh_probe(&t, &detail);
	ssh_describe_verdict(&t, v, detail, line, sizeof(line));
	printf("%-16s %s\n", "reachability:", line);
	ssh_target_clear(&t);
}

/* the export, and whether it can be mounted and written now (its own
 * line, as for ssh) */
static void print_nfs(const struct kdump_ctx *ctx)
{
	const struct kdump_conf *c = ctx->conf;
	struct nfs_probe_result res;
	struct nfs_host_options o = { 0 };
	_cleanup_free_ char *msg = NULL, *source = NULL;
	char line[1024];

	printf("%-16s %s on %s (NFSv4, the kernel's client)\n", "export:", c->remote.export,
	       c->remote.host);
	printf("%-16s %s (inside the export)\n", "target dir:", c->path);
	if (nfs_target_source(&c->remote, &source) == 0 &&
	    nfs_host_options_find(ctx->root, source, &o, &msg) == 0)
		printf("%-16s %s%s%s\n", "nfs options:", o.options ? o.options : "(defaults)",
		       o.origin ? ", from " : "", o.origin ? o.origin : "");
	nfs_host_options_clear(&o);
	printf("%-16s %u s\n", "link_delay:", c->link_delay);
	print_network(ctx);
	fflush(stdout);
	nfs_probe(ctx, &res);
	nfs_describe(ctx, &res, line, sizeof(line));
	printf("%-16s %s\n", "reachability:", line);
}

int verb_check(struct kdump_ctx *ctx, const struct global_options *o)
{
	const struct kdump_conf *c = ctx->conf;
	_cleanup_free_ char *cmdline = NULL;
	struct dump_target t;
	char buf[512];
	int r;

	r = ctx_check_kernel(ctx);
	if (r < 0)
		return r;
	/* the command line is part of the check: refused options fail it */
	r = ctx_crash_cmdline(ctx, &cmdline);
	if (r < 0)
		return r;
	/* and so is a crash kernel that would hang after an SNP crash */
	r = ctx_check_snp_fix(ctx);
	if (r < 0)
		return r;
	/* and one that lockdown would refuse */
	r = ctx_check_signature(ctx);
	if (r < 0)
		return r;
	r = dump_target_resolve(ctx, false, &t);
	if (r < 0)
		return r;
	printf("%-16s %s\n", "config:", ctx->config_path);
	printf("%-16s %s\n", "defaults:", ctx->defaults_path);
	describe_target(c, buf, sizeof(buf));
	printf("%-16s %s\n", "dump target:", buf);
	if (c->target_type == CONF_TARGET_RAW)
		print_raw(ctx, &t);
	else if (t.target.spec && c->target_type != CONF_TARGET_NFS)
		print_location(&t.target, t.by_uuid, "target device:");
	if (t.rootfs.spec)
		print_location(&t.rootfs, false, "dump_to_rootfs:");
	dump_target_clear(&t);
	if (c->target_type == CONF_TARGET_SSH)
		print_ssh(ctx);
	if (c->target_type == CONF_TARGET_NFS)
		print_nfs(ctx);
	printf("%-16s %s\n", "path:", c->path);
	printf("%-16s %s\n", "core_collector:", c->core_collector);
	mdf_check(ctx, buf, sizeof(buf));
	printf("%-16s %s\n", "makedumpfile:", buf);
	collector_cpus_check(ctx, cmdline, buf, sizeof(buf));
	printf("%-16s %s\n", "collector CPUs:", buf);
	printf("%-16s %s\n", "failure_action:", conf_action_name(c->failure_action));
	printf("%-16s %s\n", "final_action:", conf_action_name(c->final_action));
	print_list("extra_bins:", c->extra_bins);
	print_list("extra_modules:", c->extra_modules);
	for (char **m = c->module_options; m && *m; m++)
		printf("%-16s %s\n", "options:", *m);
	print_list("dracut_args:", c->dracut_args);
	printf("%-16s %s\n", "kdump_pre:", c->kdump_pre ? c->kdump_pre : "(none)");
	printf("%-16s %s\n", "kdump_post:", c->kdump_post ? c->kdump_post : "(none)");
	printf("%-16s %s\n", "rebuild:", c->force_rebuild ? "always (force_rebuild)" :
	       c->force_no_rebuild ? "never once built (force_no_rebuild)" : "when stale");
	printf("%-16s %u s\n", "disk_timeout:", c->disk_timeout);
	if (c->capture_timeout)
		printf("%-16s %u s\n", "capture_timeout:", c->capture_timeout);
	else
		printf("%-16s none (0)\n", "capture_timeout:");
	describe_watchdog(ctx, c, buf, sizeof(buf));
	printf("%-16s %s\n", "watchdog:", buf);
	printf("%-16s %s (%s)\n", "crash kernel:", ctx->kernel_path, ctx->kver);
	printf("%-16s %s\n", "kernel choice:", ctx->kernel_why);
	describe_secure_boot(ctx, buf, sizeof(buf));
	printf("%-16s %s\n", "Secure Boot:", buf);
	printf("%-16s %s\n", "initramfs:", ctx->initrd_path);
	describe_snp(ctx, buf, sizeof(buf));
	printf("%-16s %s\n", "SEV-SNP:", buf);
	if (ctx->snp.capable || ctx->snp_hint) {
		describe_snp_fix(ctx, buf, sizeof(buf));
		printf("%-16s %s\n", "SNP crash:", buf);
	}
	printf("%-16s %s\n", "crash cmdline:", cmdline);
	return 0;
}
