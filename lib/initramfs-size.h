/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KDUMP_INITRAMFS_SIZE_H
#define KDUMP_INITRAMFS_SIZE_H

#include <stdint.h>

/*
 * How many bytes an initramfs image unpacks to: uncompressed cpio segments
 * (such as dracut's early microcode archive) count as they are, and the
 * compressed rest is run through its decompressor (zstd, gzip, xz, lz4,
 * bzip2 found by magic) and counted. Returns 0 or a negative errno
 * (-EPROTONOSUPPORT for an unknown format, -ENOENT if the decompressor is
 * not installed).
 */
int initramfs_unpacked_size(const char *path, uint64_t *size);

#endif
