/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KDUMP_RAW_DUMP_H
#define KDUMP_RAW_DUMP_H

#include <stdbool.h>
#include <stdint.h>

/*
 * A dump on a raw device (kdump.conf `raw <device>`): block 0 (4 KiB) holds
 * a header that marks it, the collector's stream (makedumpfile -F) starts
 * at byte 4096. The header, in the first 512 bytes of block 0 (the rest is
 * zero), little-endian:
 *
 *     0  magic "KDSNPRAW"            48  crash time, Unix seconds (s64)
 *     8  version (u32) = 1           56  name[192]: "<host>-<date>" of the
 *    12  header size (u32) = 512         capture, NUL-terminated
 *    16  state (u32): 1 writing,    248  zero
 *        2 complete                 508  CRC-32 of bytes 0..507 (u32)
 *    20  format (u32): 1 flattened
 *    24  data offset (u64) = 4096
 *    32  data length (u64)
 *    40  CRC-32 of the data (u32)
 *    44  zero (u32)
 *
 * The capture writes the header in state "writing" and syncs it before the
 * first byte of data, and the header in state "complete" (with the length
 * and CRC of the data) only after the data is synced: a capture cut short
 * leaves "writing", which is never restored. The CRC is IEEE 802.3's (the
 * one zlib and gzip use). Clearing the mark zeroes block 0.
 */

#define RAW_MAGIC "KDSNPRAW"
#define RAW_VERSION 1
#define RAW_HEADER_SIZE 512
#define RAW_DATA_OFFSET 4096
#define RAW_NAME_MAX 191

enum raw_state {
	RAW_STATE_NONE = 0,	/* no magic: no dump of ours */
	RAW_STATE_WRITING = 1,
	RAW_STATE_COMPLETE = 2,
};

enum raw_format {
	RAW_FORMAT_FLATTENED = 1,	/* makedumpfile -F: makedumpfile -R restores it */
};

struct raw_header {
	enum raw_state state;
	enum raw_format format;
	uint64_t length;		/* bytes of data after RAW_DATA_OFFSET */
	uint32_t crc;			/* of those bytes */
	int64_t crash_time;
	char name[RAW_NAME_MAX + 1];
};

/* CRC-32 (IEEE), continued from crc (0 to start). */
uint32_t raw_crc32(uint32_t crc, const void *buf, size_t len);

void raw_header_encode(const struct raw_header *h, unsigned char out[RAW_HEADER_SIZE]);
/* Returns 0 and *h (state NONE when the magic is absent), -EBADMSG when
 * the header's CRC, size, offset or state is wrong (a torn or foreign
 * header), or -EPROTONOSUPPORT for a version this code does not know. */
int raw_header_decode(const unsigned char in[RAW_HEADER_SIZE], struct raw_header *h);

/* The size of a block device or a regular file, in bytes. */
int raw_device_size(int fd, uint64_t *size);

/* Read the header of fd as raw_header_decode() does (-EIO on a short read). */
int raw_read_header(int fd, struct raw_header *h);

/* The capture: h (state and length ignored) written as "writing" and
 * synced; then the data read from in to its end, written after the header,
 * at most capacity bytes (-EFBIG past that: the device is too small) and
 * synced; then the header as "complete". *h gets the length and CRC.
 * Returns 0 or a negative errno; the header says "writing" on failure. */
int raw_write_begin(int fd, struct raw_header *h);
int raw_write_data(int fd, int in, uint64_t capacity, struct raw_header *h);
int raw_write_complete(int fd, struct raw_header *h);

/* The restore: the data of a complete header copied to out; -EBADMSG when
 * its CRC is not the header's, -EIO when the device ends first, -EPIPE
 * when out stops reading. */
int raw_read_data(int fd, const struct raw_header *h, int out);

/* Zero block 0 and sync: the dump is no longer marked. */
int raw_clear(int fd);

/* A header name that is safe as one directory name: 1 to RAW_NAME_MAX
 * bytes of [A-Za-z0-9._:+-], not "." or "..". */
bool raw_name_valid(const char *name);

#endif
