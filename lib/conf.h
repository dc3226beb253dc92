/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KDUMP_CONF_H
#define KDUMP_CONF_H

#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>

/*
 * /etc/kdump.conf: the directive syntax RHEL/Fedora users know, parsed and
 * validated once. Every error carries file:line:column and the offending
 * word; all errors of a file are collected, not just the first. A config
 * that parses here cannot fail for configuration reasons at crash time.
 */

enum conf_target_type {
	CONF_TARGET_ROOTFS, /* no target directive: `path` on the root file system */
	CONF_TARGET_FS,     /* ext4|ext3|ext2|xfs|btrfs <device> */
	CONF_TARGET_RAW,    /* raw <device> */
	CONF_TARGET_NFS,    /* nfs <host:/export> */
	CONF_TARGET_SSH,    /* ssh <user@host> */
};

enum conf_host_kind {
	CONF_HOST_NAME,
	CONF_HOST_IPV4,
	CONF_HOST_IPV6,
};

/* A network target's value, understood (conf-remote.c). */
struct conf_remote {
	char *user;		/* ssh: the login name */
	char *host;		/* a name or an address; IPv6 without brackets */
	enum conf_host_kind host_kind;
	char *export;		/* nfs: the absolute path exported */
};

/* Parse the value of an ssh (user@host) or nfs (host:/export) target.
 * Returns 0 and fills *remote, or -EINVAL with *offset (0-based, in value)
 * and *why (a static message), or -ENOMEM. */
int conf_remote_parse(enum conf_target_type type, const char *value,
		      struct conf_remote *remote, size_t *offset, const char **why);
void conf_remote_clear(struct conf_remote *remote);
/* Check NFS mount options (the host's for the export, nfs-host-options.h):
 * comma-separated words the kernel's NFS client reads, none that kdump-snp
 * sets itself or that would stop the dump (addr=, ro, NFS versions 2, 3).
 * Returns 0, or -EINVAL with *offset and *why as conf_remote_parse. */
int conf_nfs_options_check(const char *value, size_t *offset, const char **why);
/* The host as URLs and mount.nfs write it: an IPv6 address in brackets. */
int conf_remote_host_for_url(const struct conf_remote *remote, char **out);

enum conf_action {
	CONF_ACTION_REBOOT,
	CONF_ACTION_POWEROFF,
	CONF_ACTION_HALT,
	CONF_ACTION_SHELL,
	CONF_ACTION_DUMP_TO_ROOTFS, /* failure_action only */
};

enum conf_collector {
	CONF_COLLECTOR_MAKEDUMPFILE,
	CONF_COLLECTOR_CP,
	CONF_COLLECTOR_CAT,
};

/* makedumpfile keeps up to this many dump levels (NUM_ARRAY_DUMP_LEVEL) */
#define CONF_MDF_MAX_LEVELS 32

enum conf_mdf_compression {
	CONF_MDF_UNCOMPRESSED,
	CONF_MDF_ZLIB,		/* -c */
	CONF_MDF_LZO,		/* -l */
	CONF_MDF_SNAPPY,	/* -p */
	CONF_MDF_ZSTD,		/* -z */
};

enum conf_mdf_format {
	CONF_MDF_KDUMP,		/* kdump-compressed (the default) */
	CONF_MDF_ELF,		/* -E */
};

/* What makedumpfile will do with the options of core_collector, read as
 * its getopt_long() reads them (conf-collector.c); all zero for cp/cat. */
struct conf_mdf {
	/* the last -d: levels tried in order, the next one when the target
	 * is full; none given is makedumpfile's level 0 */
	unsigned char dump_levels[CONF_MDF_MAX_LEVELS];
	unsigned int n_dump_levels;
	enum conf_mdf_compression compression;
	enum conf_mdf_format format;
	bool flattened;		/* -F: flattened format on stdout (ssh) */
	unsigned int num_threads;	/* --num-threads; 0 when not given */
};

struct kdump_conf {
	char *path;                 /* absolute; default /var/crash */
	char *core_collector;       /* as written; default below */
	char **collector_argv;      /* split, NULL-terminated */
	enum conf_collector collector;
	struct conf_mdf mdf;        /* makedumpfile's options, understood */
	enum conf_target_type target_type;
	char *fstype;               /* CONF_TARGET_FS: ext4, xfs, ... */
	char *target;               /* as written: /dev/vdb1, UUID=..., LABEL=... */
	char *target_device;        /* resolved device node (FS and RAW) */
	struct conf_remote remote;  /* CONF_TARGET_SSH and CONF_TARGET_NFS */
	char *sshkey;               /* ssh: default CONF_DEFAULT_SSHKEY */
	unsigned int link_delay;    /* network targets: seconds; default below */
	enum conf_action failure_action; /* default reboot */
	enum conf_action final_action;   /* default reboot */
	char **extra_bins;          /* NULL-terminated; absolute paths */
	char **extra_modules;       /* NULL-terminated; module names */
	char **module_options;      /* NULL-terminated; "<module> <parameters>",
				     * one per module (kdump.conf options) */
	char **dracut_args;         /* NULL-terminated; split words */
	char *kdump_pre;
	char *kdump_post;
	bool force_rebuild;
	bool force_no_rebuild;
	unsigned int disk_timeout;    /* seconds to wait for the dump device */
	unsigned int capture_timeout; /* seconds from /init to the final action; 0: none */
};

#define CONF_DEFAULT_PATH "/var/crash"
/* 90 s: what the capture waited before the directive existed */
#define CONF_DEFAULT_DISK_TIMEOUT 90
/* 2 hours; kdump.conf(5) gives the reasons */
#define CONF_DEFAULT_CAPTURE_TIMEOUT 7200
#define CONF_DEFAULT_COLLECTOR "makedumpfile -l --message-level 7 -d 31"
#define CONF_DEFAULT_SSHKEY "/root/.ssh/kdump_id_ed25519"
/* how long the capture waits for the link, then for the server */
#define CONF_DEFAULT_LINK_DELAY 60
#define CONF_MAX_LINK_DELAY 3600

struct conf_error {
	char *file;
	unsigned int line;   /* 1-based; 0 when the error is about the whole file */
	unsigned int column; /* 1-based column of the offending word; 0 if none */
	char *message;       /* names the offending word, without file:line */
};

struct conf_errors {
	struct conf_error *v;
	size_t n;
};

/* Resolve a device spec (/dev/..., UUID=..., LABEL=...) to a device node.
 * Returns 0 and a newly allocated *devnode, or -ENOENT when no such device
 * exists, or another negative errno. */
typedef int (*conf_resolve_fn)(const char *spec, char **devnode, void *data);

struct conf_env {
	const char *root;         /* files named by the config are checked below it */
	conf_resolve_fn resolve;  /* NULL: conf_resolve_blkid */
	void *resolve_data;
};

/* The default resolver, through libblkid (blkid_evaluate_spec). */
int conf_resolve_blkid(const char *spec, char **devnode, void *data);

/*
 * Parse and validate. Returns 0 and *conf, or -EINVAL with errs filled (one
 * entry per problem), or another negative errno (the file cannot be read:
 * errs then has one entry with line 0). name is used in messages.
 */
int conf_parse_file(const char *path, const struct conf_env *env,
		    struct kdump_conf **conf, struct conf_errors *errs);
int conf_parse_buffer(const char *name, const char *buf, size_t len,
		      const struct conf_env *env, struct kdump_conf **conf,
		      struct conf_errors *errs);

void conf_free(struct kdump_conf *conf);
void conf_errors_free(struct conf_errors *errs);

/* Append an error (lib/conf-errors.c); returns 0 or -ENOMEM. */
__attribute__((format(printf, 5, 6)))
int conf_errors_addf(struct conf_errors *errs, const char *file, unsigned int line,
		     unsigned int column, const char *fmt, ...);
__attribute__((format(printf, 5, 0)))
int conf_errors_vaddf(struct conf_errors *errs, const char *file, unsigned int line,
		      unsigned int column, const char *fmt, va_list ap);

/* "file:line:column: message" (parts that are 0 are left out); newly allocated. */
char *conf_error_format(const struct conf_error *err);

const char *conf_action_name(enum conf_action action);
const char *conf_target_type_name(enum conf_target_type type);

#endif
