/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KDUMPCTL_H
#define KDUMPCTL_H

#include <stdbool.h>

#include "conf.h"
#include "defaults.h"
#include "probe.h"

/* Exit codes of the field: 0 ok, 1 failure, 2 usage, 3 not operational. */
#define EXIT_USAGE 2
#define EXIT_NOT_OPERATIONAL 3

struct global_options {
	const char *config;   /* --config, NULL for the default */
	const char *defaults; /* --defaults, NULL for the default */
	bool debug;
	bool json;            /* status --json */
	bool yes;             /* test --yes */
	const char *vmcore;   /* save --vmcore */
	const char *target;   /* save --target */
	bool devices_later;   /* save: target devices may appear later */
};

/* Everything a verb needs, loaded once. Paths are below the sysroot. */
struct kdump_ctx {
	const char *root;
	char *config_path;
	char *defaults_path;
	struct kdump_conf *conf;
	struct kdump_defaults *defaults;
	char *kver;
	char *kernel_path;
	char *initrd_path;
	char *inputs_path;   /* the record next to the image */
	char *rundir;        /* <root>/run */
	struct snp_state snp;
	bool snp_hint;
};

/* Read and validate kdump.conf and the defaults file, printing every
 * file:line error. Returns 0 or a negative errno. */
int ctx_load(struct kdump_ctx *ctx, const struct global_options *o);
void ctx_free(struct kdump_ctx *ctx);

/* The crash command line for this host; logs and returns -EINVAL when an
 * option is refused. */
int ctx_crash_cmdline(const struct kdump_ctx *ctx, char **out);

/* Capture image: the inputs it is built from, staleness, rebuild. */
int rebuild_collect_inputs(const struct kdump_ctx *ctx, char **text);
/* 1 stale (with *reason), 0 fresh, negative errno. */
int rebuild_is_stale(const struct kdump_ctx *ctx, char **reason);
int rebuild_image(const struct kdump_ctx *ctx);

/* Serialise kdumpctl invocations; returns an fd to close, or -errno. */
int ctx_lock(const struct kdump_ctx *ctx);

typedef int (*verb_fn)(struct kdump_ctx *ctx, const struct global_options *o);

int verb_start(struct kdump_ctx *ctx, const struct global_options *o);
int verb_stop(struct kdump_ctx *ctx, const struct global_options *o);
int verb_restart(struct kdump_ctx *ctx, const struct global_options *o);
int verb_rebuild(struct kdump_ctx *ctx, const struct global_options *o);
int verb_check(struct kdump_ctx *ctx, const struct global_options *o);
int verb_status(struct kdump_ctx *ctx, const struct global_options *o);
int verb_showmem(struct kdump_ctx *ctx, const struct global_options *o);
int verb_estimate(struct kdump_ctx *ctx, const struct global_options *o);
int verb_test(struct kdump_ctx *ctx, const struct global_options *o);
int verb_save(struct kdump_ctx *ctx, const struct global_options *o);
int verb_capture(struct kdump_ctx *ctx, const struct global_options *o);

/* init-choice.c: KDUMP_CAPTURE_INIT, or for auto: systemd when one of the
 * devices (NULL-terminated) the capture mounts is stacked, else minimal;
 * says why unless quiet. */
enum capture_init rebuild_choose_init(const struct kdump_ctx *ctx, const char *const *devices,
				      bool quiet);

/* The minimal capture image's init (verb-capture.c): mount /proc, /sys,
 * /dev, /run, log to /dev/kmsg, load the image's modules. -EPERM unless
 * PID 1. capture_give_up() logs why and reboots; it does not return. */
int capture_prepare(void);
__attribute__((noreturn)) void capture_give_up(const char *why);

#endif
