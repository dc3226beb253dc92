/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KDUMP_DEFAULTS_H
#define KDUMP_DEFAULTS_H

#include "conf.h"
#include "snp-policy.h"

/*
 * The defaults file (/etc/default/kdump): shell-style KEY=value lines,
 * parsed without running a shell. Values may be unquoted, "double quoted"
 * or 'single quoted'; `export KEY=value` is accepted; no expansion is done
 * ($ is taken literally inside single quotes and refused elsewhere, since a
 * shell would expand it). Unknown keys are errors, with file:line:column.
 */
/* KDUMP_CAPTURE_INIT: what runs in the capture image (kdumpctl rebuild). */
enum capture_init {
	CAPTURE_INIT_AUTO,    /* minimal unless a device needs udev (dm, md) */
	CAPTURE_INIT_MINIMAL, /* kdumpctl capture as /init: no systemd, no udev */
	CAPTURE_INIT_SYSTEMD, /* systemd and udev, kdump-capture.service */
};

/* KDUMP_NET: where the crash kernel's address comes from, for ssh and nfs
 * targets (net-config.h). */
enum net_mode {
	NET_MODE_STATIC, /* the host's address, prefix and gateway, recorded at rebuild */
	NET_MODE_DHCP,   /* a DHCP client (IPv4) in the capture image */
};

struct kdump_defaults {
	char *commandline;        /* KDUMP_COMMANDLINE: replaces /proc/cmdline */
	char *commandline_append; /* KDUMP_COMMANDLINE_APPEND */
	char *commandline_remove; /* KDUMP_COMMANDLINE_REMOVE: parameter names */
	char *kernelver;          /* KDUMP_KERNELVER: "" = running kernel */
	char *kernel;             /* KDUMP_KERNEL: auto, running or a path (crash-kernel.h) */
	char *img;                /* KDUMP_IMG: image name prefix, default vmlinuz */
	char *initrd_dir;         /* KDUMP_INITRD_DIR: default /var/lib/kdump */
	char **kexec_args;        /* KEXEC_ARGS, split */
	enum snp_mode snp;        /* KDUMP_SNP */
	enum capture_init capture_init; /* KDUMP_CAPTURE_INIT */
	enum net_mode net;        /* KDUMP_NET */
	bool debug;               /* -d in KEXEC_ARGS */
};

#define DEFAULTS_IMG "vmlinuz"
#define DEFAULTS_INITRD_DIR "/var/lib/kdump"

/* Returns 0, -EINVAL with errs filled, or a negative errno for I/O (errs
 * has one entry with line 0). A missing file is not an error when
 * missing_ok: the defaults apply. */
int defaults_parse_file(const char *path, bool missing_ok,
			struct kdump_defaults **out, struct conf_errors *errs);
int defaults_parse_buffer(const char *name, const char *buf, size_t len,
			  struct kdump_defaults **out, struct conf_errors *errs);
void defaults_free(struct kdump_defaults *d);

const char *capture_init_name(enum capture_init init);
const char *net_mode_name(enum net_mode mode);

#endif
