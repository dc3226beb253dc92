// SPDX-License-Identifier: GPL-2.0-or-later
/* The header and the data of a dump on a raw device (see raw-dump.h). */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "raw-dump.h"
#include "util.h"

#define CHUNK (1024 * 1024)

uint32_t raw_crc32(uint32_t crc, const void *buf, size_t len)
{
	static uint32_t table[256];
	const unsigned char *p = buf;

	if (!table[1]) {
		for (uint32_t i = 0; i < 256; i++) {
			uint32_t c = i;

			for (int k = 0; k < 8; k++)
				c = c & 1 ? 0xedb88320U ^ (c >> 1) : c >> 1;
			table[i] = c;
		}
	}
	crc = ~crc;
	while (len--)
		crc = table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

static void put32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static void put64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint32_t get32(const unsigned char *p)
{
	uint32_t v = 0;

	for (int i = 3; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static uint64_t get64(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

void raw_header_encode(const struct raw_header *h, unsigned char out[RAW_HEADER_SIZE])
{
	memset(out, 0, RAW_HEADER_SIZE);
	memcpy(out, RAW_MAGIC, 8);
	put32(out + 8, RAW_VERSION);
	put32(out + 12, RAW_HEADER_SIZE);
	put32(out + 16, h->state);
	put32(out + 20, h->format);
	put64(out + 24, RAW_DATA_OFFSET);
	put64(out + 32, h->length);
	put32(out + 40, h->crc);
	put64(out + 48, (uint64_t)h->crash_time);
	memcpy(out + 56, h->name, strnlen(h->name, RAW_NAME_MAX));
	put32(out + 508, raw_crc32(0, out, 508));
}

int raw_header_decode(const unsigned char in[RAW_HEADER_SIZE], struct raw_header *h)
{
	uint32_t state;

	*h = (struct raw_header){ 0 };
	if (memcmp(in, RAW_MAGIC, 8) != 0)
		return 0;
	if (get32(in + 508) != raw_crc32(0, in, 508))
		return -EBADMSG;
	if (get32(in + 8) != RAW_VERSION)
		return -EPROTONOSUPPORT;
	state = get32(in + 16);
	if (get32(in + 12) != RAW_HEADER_SIZE || get64(in + 24) != RAW_DATA_OFFSET ||
	    (state != RAW_STATE_WRITING && state != RAW_STATE_COMPLETE) ||
	    get32(in + 20) != RAW_FORMAT_FLATTENED || in[56 + RAW_NAME_MAX] != '\0')
		return -EBADMSG;
	h->state = (enum raw_state)state;
	h->format = RAW_FORMAT_FLATTENED;
	h->length = get64(in + 32);
	h->crc = get32(in + 40);
	h->crash_time = (int64_t)get64(in + 48);
	memcpy(h->name, in + 56, RAW_NAME_MAX + 1);
	return 0;
}

int raw_device_size(int fd, uint64_t *size)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (S_ISBLK(st.st_mode))
		return ioctl(fd, BLKGETSIZE64, size) < 0 ? -errno : 0;
	if (!S_ISREG(st.st_mode))
		return -ENOTBLK;
	*size = (uint64_t)st.st_size;
	return 0;
}

static int write_at(int fd, const void *buf, size_t len, uint64_t off)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = pwrite(fd, p, len, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -ENOSPC;
		p += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

/* the header block: the header, zeros to RAW_DATA_OFFSET; synced */
static int write_block0(int fd, const struct raw_header *h)
{
	unsigned char block[RAW_DATA_OFFSET] = { 0 };
	int r;

	if (h)
		raw_header_encode(h, block);
	r = write_at(fd, block, sizeof(block), 0);
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	return r;
}

int raw_read_header(int fd, struct raw_header *h)
{
	unsigned char buf[RAW_HEADER_SIZE];
	size_t got = 0;

	while (got < sizeof(buf)) {
		ssize_t n = pread(fd, buf + got, sizeof(buf) - got, (off_t)got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
		got += (size_t)n;
	}
	return raw_header_decode(buf, h);
}

int raw_write_begin(int fd, struct raw_header *h)
{
	h->state = RAW_STATE_WRITING;
	h->format = RAW_FORMAT_FLATTENED;
	h->length = 0;
	h->crc = 0;
	return write_block0(fd, h);
}

int raw_write_data(int fd, int in, uint64_t capacity, struct raw_header *h)
{
	_cleanup_free_ char *buf = malloc(CHUNK);
	uint64_t len = 0;
	uint32_t crc = 0;

	if (!buf)
		return -ENOMEM;
	for (;;) {
		ssize_t n = read_full(in, buf, CHUNK);
		int r;

		if (n < 0)
			return (int)n;
		if (n == 0)
			break;
		if ((uint64_t)n > capacity - len)
			return -EFBIG;
		r = write_at(fd, buf, (size_t)n, RAW_DATA_OFFSET + len);
		if (r < 0)
			return r;
		crc = raw_crc32(crc, buf, (size_t)n);
		len += (uint64_t)n;
	}
	if (fdatasync(fd) < 0)
		return -errno;
	h->length = len;
	h->crc = crc;
	return 0;
}

int raw_write_complete(int fd, struct raw_header *h)
{
	h->state = RAW_STATE_COMPLETE;
	return write_block0(fd, h);
}

int raw_read_data(int fd, const struct raw_header *h, int out)
{
	_cleanup_free_ char *buf = malloc(CHUNK);
	uint64_t done = 0;
	uint32_t crc = 0;

	if (!buf)
		return -ENOMEM;
	while (done < h->length) {
		size_t want = h->length - done < CHUNK ? (size_t)(h->length - done) : CHUNK;
		ssize_t n = pread(fd, buf, want, (off_t)(RAW_DATA_OFFSET + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
		crc = raw_crc32(crc, buf, (size_t)n);
		for (ssize_t w = 0; w < n;) {
			ssize_t m = write(out, buf + w, (size_t)(n - w));

			if (m < 0 && errno == EINTR)
				continue;
			if (m < 0)
				return errno == EPIPE ? -EPIPE : -errno;
			w += m;
		}
		done += (uint64_t)n;
	}
	return crc == h->crc ? 0 : -EBADMSG;
}

int raw_clear(int fd)
{
	return write_block0(fd, NULL);
}

bool raw_name_valid(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > RAW_NAME_MAX || streq(name, ".") || streq(name, ".."))
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      strchr("._:+-", c)))
			return false;
	}
	return true;
}
