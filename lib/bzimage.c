// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The checks mirror what the kernel's x86_64 kexec_file_load(2) bzImage
 * loader requires, so that we can say exactly what is wrong before the
 * kernel answers a bare ENOEXEC. Offsets are from the x86 boot protocol
 * (Documentation/arch/x86/boot.rst).
 */
#include <errno.h>
#include <fcntl.h>

#include "bzimage.h"
#include "util.h"

#define OFF_SETUP_SECTS 0x1f1
#define OFF_HEADER 0x202
#define OFF_VERSION 0x206
#define OFF_KERNEL_VERSION 0x20e
#define OFF_LOADFLAGS 0x211
#define OFF_RELOCATABLE 0x234
#define OFF_XLOADFLAGS 0x236
#define OFF_CMDLINE_SIZE 0x238
#define OFF_INIT_SIZE 0x260
#define SETUP_HEADER_END 0x268 /* end of the 2.12 setup header */

/* the setup code, where the version string lives, is at most 32 KiB */
#define BZIMAGE_PROBE_SIZE (64 * 1024)

#define HDRS_MAGIC 0x53726448 /* "HdrS" */
#define MIN_PROTOCOL 0x020c
#define LOADED_HIGH 0x01
#define XLF_KERNEL_64 0x0001
#define XLF_CAN_BE_LOADED_ABOVE_4G 0x0002

static uint16_t get16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static void read_version(const unsigned char *buf, size_t len, struct bzimage_info *info)
{
	size_t off = (size_t)get16(buf + OFF_KERNEL_VERSION) + 0x200;
	size_t i;

	info->version[0] = '\0';
	if (get16(buf + OFF_KERNEL_VERSION) == 0 || off >= len)
		return;
	for (i = 0; i + 1 < sizeof(info->version) && off + i < len; i++) {
		unsigned char c = buf[off + i];

		if (c == '\0' || c < 0x20 || c > 0x7e)
			break;
		info->version[i] = (char)c;
	}
	info->version[i] = '\0';
}

enum bzimage_error bzimage_check(const unsigned char *buf, size_t len,
				 struct bzimage_info *info)
{
	memset(info, 0, sizeof(*info));
	if (len < SETUP_HEADER_END)
		return BZIMAGE_TOO_SMALL;
	if (memcmp(buf, "\177ELF", 4) == 0)
		return BZIMAGE_ELF;
	if (get32(buf + OFF_HEADER) != HDRS_MAGIC)
		return BZIMAGE_NO_MAGIC;

	info->protocol = get16(buf + OFF_VERSION);
	info->loadflags = buf[OFF_LOADFLAGS];
	info->relocatable = buf[OFF_RELOCATABLE];
	info->xloadflags = get16(buf + OFF_XLOADFLAGS);
	info->cmdline_size = get32(buf + OFF_CMDLINE_SIZE);
	info->init_size = get32(buf + OFF_INIT_SIZE);
	read_version(buf, len, info);

	if (info->protocol < MIN_PROTOCOL)
		return BZIMAGE_OLD_PROTOCOL;
	if (!(info->loadflags & LOADED_HIGH))
		return BZIMAGE_NOT_BZIMAGE;
	if (!info->relocatable)
		return BZIMAGE_NOT_RELOCATABLE;
	if (!(info->xloadflags & XLF_KERNEL_64))
		return BZIMAGE_NO_64BIT;
	if (!(info->xloadflags & XLF_CAN_BE_LOADED_ABOVE_4G))
		return BZIMAGE_NOT_ABOVE_4G;
	return BZIMAGE_OK;
}

const char *bzimage_strerror(enum bzimage_error err)
{
	switch (err) {
	case BZIMAGE_OK:
		return "a loadable x86_64 bzImage";
	case BZIMAGE_TOO_SMALL:
		return "file is too small to be a kernel image (shorter than the x86 boot setup header)";
	case BZIMAGE_ELF:
		return "an ELF file (an uncompressed vmlinux?), not a bzImage; load /boot/vmlinuz-<version> instead";
	case BZIMAGE_NO_MAGIC:
		return "not an x86 bzImage: no \"HdrS\" boot header at offset 0x202";
	case BZIMAGE_OLD_PROTOCOL:
		return "boot protocol is older than 2.12; kexec_file_load needs a kernel of 3.8 or newer";
	case BZIMAGE_NOT_BZIMAGE:
		return "a zImage, not a bzImage (loadflags lack LOADED_HIGH)";
	case BZIMAGE_NOT_RELOCATABLE:
		return "kernel is not relocatable (built without CONFIG_RELOCATABLE)";
	case BZIMAGE_NO_64BIT:
		return "a 32-bit kernel: xloadflags lack XLF_KERNEL_64, so it has no 64-bit entry point";
	case BZIMAGE_NOT_ABOVE_4G:
		return "kernel cannot be loaded above 4 GiB (xloadflags lack XLF_CAN_BE_LOADED_ABOVE_4G)";
	}
	return "unknown bzImage error";
}

int bzimage_check_file(const char *path, enum bzimage_error *err,
		       struct bzimage_info *info)
{
	_cleanup_free_ unsigned char *buf = malloc(BZIMAGE_PROBE_SIZE);
	ssize_t n;

	if (!buf)
		return -ENOMEM;
	n = read_file_head(path, buf, BZIMAGE_PROBE_SIZE);
	if (n < 0)
		return (int)n;
	*err = bzimage_check(buf, (size_t)n, info);
	return 0;
}
