/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KDUMPCTL_H
#define KDUMPCTL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "conf.h"
#include "defaults.h"
#include "estimate.h"
#include "probe.h"
#include "snp-fix.h"

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
	const char *size;     /* reset-crashkernel --size */
	const char *kernel_version; /* rebuild --kernel-version */
	bool devices_later;   /* save: target devices may appear later */
	bool settle;          /* --settle: wait for udev before reading the host */
};

/* Everything a verb needs, loaded once. Paths are below the sysroot. */
struct kdump_ctx {
	const char *root;
	char *config_path;
	char *defaults_path;
	struct kdump_conf *conf;
	struct kdump_defaults *defaults;
	char *kver;          /* the crash kernel's release */
	char *kernel_path;
	char *kernel_why;    /* why that kernel (crash-kernel.h) */
	char *kernel_error;  /* KDUMP_KERNEL names no usable image: why; the
			      * running kernel is described instead */
	bool kernel_dedicated;
	char *initrd_path;
	char *inputs_path;   /* the record next to the image */
	char *rundir;        /* <root>/run */
	struct snp_state snp;
	bool snp_known;      /* probe_snp_state() succeeded */
	bool snp_hint;
	struct snp_fix_info snp_fix; /* of the crash kernel (kver) */
	/* udev was still loading this boot's drivers when the host was read
	 * (start, restart): a watchdog the image has may not be loaded yet */
	bool udev_busy;
	/* Errors of kdump.conf and the defaults file, empty when both are
	 * valid. Then conf is NULL (or defaults are the built-in ones, when
	 * the defaults file has errors), and only verbs that need no valid
	 * configuration run (status, stop, showmem, estimate). */
	struct conf_errors errs;
};

/* Read and validate kdump.conf and the defaults file into ctx; their
 * errors are kept in ctx->errs (print them with ctx_print_errors). Returns
 * 0 (with or without errors) or a negative errno when the host cannot be
 * described at all (no memory, no kernel release). */
int ctx_load(struct kdump_ctx *ctx, const struct global_options *o);
void ctx_free(struct kdump_ctx *ctx);

/* At most CTX_ERRORS_SHOWN errors of ctx->errs, one a line, with indent
 * before each, then "... and N more". */
#define CTX_ERRORS_SHOWN 20
void ctx_print_errors(const struct kdump_ctx *ctx, FILE *f, const char *indent);

/* The crash command line for this host; logs and returns -EINVAL when an
 * option is refused. */
int ctx_crash_cmdline(const struct kdump_ctx *ctx, char **out);

/* -ENOENT (logged) when KDUMP_KERNEL names no usable image; for the verbs
 * that build for or load the crash kernel. */
int ctx_check_kernel(const struct kdump_ctx *ctx);

/* On a host where the crash kernel gets kdump_snp=1, refuse (logging why
 * and the override) a crash kernel not known to survive an SNP crash;
 * -ENOEXEC then. */
int ctx_check_snp_fix(const struct kdump_ctx *ctx);

/* secure-boot-check.c: under lockdown, refuse (logging what to do) a
 * crash kernel without a signature; -EKEYREJECTED then. */
int ctx_check_signature(const struct kdump_ctx *ctx);
/* "lockdown integrity; crash kernel signed (...)" */
void describe_secure_boot(const struct kdump_ctx *ctx, char *buf, size_t len);

/* Capture image: the inputs it is built from, staleness, rebuild. */
int rebuild_collect_inputs(const struct kdump_ctx *ctx, char **text);
/* 1 stale (with *reason), 0 fresh, negative errno. */
int rebuild_is_stale(const struct kdump_ctx *ctx, char **reason);
int rebuild_image(const struct kdump_ctx *ctx);

/* estimate-host.c: the crashkernel= model (lib/estimate.h) fed with this
 * host's figures; estimate_record_image() keeps the image's unpacked size
 * beside it (<image>.size) after a build. Negative errno (logged). */
int estimate_host(const struct kdump_ctx *ctx, struct estimate *e);
int estimate_record_image(const struct kdump_ctx *ctx);

/* mdf-check.c: the makedumpfile the capture image gets against the running
 * kernel; a line for check in line; warns and returns 1 when that kernel
 * is newer than the makedumpfile release supports, else 0. */
int mdf_check(const struct kdump_ctx *ctx, char *line, size_t len);

/* collector-cpus.c: core_collector's --num-threads against the crash
 * kernel's CPUs (crash command line cmdline); a line for check in line
 * (NULL with len 0: none); warns and returns 1 when the threads outnumber
 * those CPUs, else 0. */
int collector_cpus_check(const struct kdump_ctx *ctx, const char *cmdline, char *line,
			 size_t len);

/* Serialise kdumpctl invocations that change the host (start, stop,
 * rebuild, ...): taken before anything is read, so that the second of two
 * works from what the first left. Returns an fd to close, or -errno
 * (logged; for verb when not run as root). */
int ctx_lock(const char *root, const char *verb);

/* kvm_amd, which decides whether SNP is enabled on a capable host, is not
 * loaded yet and KDUMP_SNP is auto */
bool ctx_snp_undecided(const struct kdump_ctx *ctx);

/* udev-boot.c: whether udev is loading drivers now; the bounded wait for
 * it (logged); kdump-rearm.service queued to check again once it is done
 * (0 or a negative errno, logged). */
bool udev_loading(const char *root);
void udev_wait_drivers(const char *root);
int udev_rearm_later(const char *root);

typedef int (*verb_fn)(struct kdump_ctx *ctx, const struct global_options *o);

int verb_start(struct kdump_ctx *ctx, const struct global_options *o);
int verb_stop(struct kdump_ctx *ctx, const struct global_options *o);
int verb_restart(struct kdump_ctx *ctx, const struct global_options *o);
int verb_rebuild(struct kdump_ctx *ctx, const struct global_options *o);
int verb_check(struct kdump_ctx *ctx, const struct global_options *o);
int verb_status(struct kdump_ctx *ctx, const struct global_options *o);
/* status when ctx_load failed with err: not operational, with the reason
 * and what is known; returns EXIT_NOT_OPERATIONAL. */
int status_unavailable(const struct kdump_ctx *ctx, const struct global_options *o, int err);
int verb_showmem(struct kdump_ctx *ctx, const struct global_options *o);
int verb_estimate(struct kdump_ctx *ctx, const struct global_options *o);
/* The crashkernel= size estimate recommends, in bytes (a multiple of
 * 16 MiB); its table goes to out unless NULL. */
int estimate_crashkernel(const struct kdump_ctx *ctx, FILE *out, uint64_t *recommended);
int verb_reset_crashkernel(struct kdump_ctx *ctx, const struct global_options *o);
int verb_test(struct kdump_ctx *ctx, const struct global_options *o);
int verb_save(struct kdump_ctx *ctx, const struct global_options *o);
int verb_capture(struct kdump_ctx *ctx, const struct global_options *o);
int verb_propagate(struct kdump_ctx *ctx, const struct global_options *o);

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
