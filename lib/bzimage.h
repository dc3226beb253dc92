/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KDUMP_BZIMAGE_H
#define KDUMP_BZIMAGE_H

#include <stddef.h>
#include <stdint.h>

/*
 * Checks that a file is an x86 bzImage that kexec_file_load(2) can load on
 * x86_64: the "HdrS" boot-protocol header, protocol 2.12 or newer, a
 * relocatable kernel, loadable above 4 GiB with a 64-bit entry point
 * (xloadflags XLF_KERNEL_64 and XLF_CAN_BE_LOADED_ABOVE_4G).
 */
enum bzimage_error {
	BZIMAGE_OK = 0,
	BZIMAGE_TOO_SMALL,      /* shorter than the setup header */
	BZIMAGE_ELF,            /* an ELF file such as vmlinux */
	BZIMAGE_NO_MAGIC,       /* no "HdrS": not a bzImage */
	BZIMAGE_OLD_PROTOCOL,   /* boot protocol older than 2.12 */
	BZIMAGE_NOT_BZIMAGE,    /* zImage (loadflags without LOADED_HIGH) */
	BZIMAGE_NOT_RELOCATABLE,
	BZIMAGE_NO_64BIT,       /* 32-bit only kernel: no XLF_KERNEL_64 */
	BZIMAGE_NOT_ABOVE_4G,   /* cannot be loaded above 4 GiB */
};

struct bzimage_info {
	uint16_t protocol;      /* e.g. 0x020f for 2.15 */
	uint8_t loadflags;
	uint8_t relocatable;
	uint16_t xloadflags;
	uint32_t cmdline_size;  /* longest command line, without the NUL */
	uint32_t init_size;     /* memory the kernel needs to decompress and start */
	char version[128];      /* kernel version string, "" if none */
};

/* Inspect the first bytes of a kernel image (len may be the file size). */
enum bzimage_error bzimage_check(const unsigned char *buf, size_t len,
				 struct bzimage_info *info);

/* A sentence for the error, naming what is wrong. */
const char *bzimage_strerror(enum bzimage_error err);

/* Read path and check it; returns 0 or a negative errno for I/O errors,
 * in which case *err is untouched. */
int bzimage_check_file(const char *path, enum bzimage_error *err,
		       struct bzimage_info *info);

#endif
