// SPDX-License-Identifier: GPL-2.0-or-later
/* raw-dump.c and raw-probe.c: the header that marks a dump on a raw
 * device, the write and read of its data, and what a raw dump would
 * overwrite. The "device" is a regular file in a scratch directory. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "raw-dump.h"
#include "raw-probe.h"
#include "scratch.h"

#define DEV_SIZE (64 * 1024)
#define DATA_LEN 20000

static char *at(const char *rel)
{
	static char path[4][512];
	static int i;

	i = (i + 1) % 4;
	snprintf(path[i], sizeof(path[i]), "%s/%s", scratch, rel);
	return path[i];
}

/* a "device" of size bytes of zeros, opened read-write */
static int device(size_t size)
{
	int fd = open(at("dev"), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)size), 0);
	return fd;
}

/* a file of len bytes of a pattern, opened for reading: the collector's stream */
static int stream(size_t len)
{
	char *buf = malloc(len);
	int fd;

	assert_non_null(buf);
	for (size_t i = 0; i < len; i++)
		buf[i] = (char)(i * 7 + i / 251);
	scratch_put("stream", buf, len);
	free(buf);
	fd = open(at("stream"), O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	return fd;
}

static void flip(int fd, off_t off)
{
	unsigned char c;

	assert_int_equal(pread(fd, &c, 1, off), 1);
	c ^= 0x20;
	assert_int_equal(pwrite(fd, &c, 1, off), 1);
}

static void put32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static const struct raw_header sample = {
	.state = RAW_STATE_COMPLETE,
	.format = RAW_FORMAT_FLATTENED,
	.length = 123456789012ULL,
	.crc = 0xdeadbeef,
	.crash_time = 1764680000,
	.name = "host-2026-12-02-13:40:00",
};

static void test_crc32_check_value(void **state)
{
	(void)state;
	/* the CRC-32 check value of "123456789" (IEEE 802.3, zlib's) */
	assert_int_equal(raw_crc32(0, "123456789", 9), 0xcbf43926);
	assert_int_equal(raw_crc32(raw_crc32(0, "1234", 4), "56789", 5), 0xcbf43926);
	assert_int_equal(raw_crc32(0, "", 0), 0);
}

static void test_header_round_trip(void **state)
{
	unsigned char b[RAW_HEADER_SIZE];
	struct raw_header h;

	(void)state;
	raw_header_encode(&sample, b);
	assert_memory_equal(b, "KDSNPRAW", 8);
	assert_int_equal(b[8], RAW_VERSION);
	assert_int_equal(b[24] | b[25] << 8, RAW_DATA_OFFSET);
	assert_int_equal(raw_header_decode(b, &h), 0);
	assert_int_equal(h.state, RAW_STATE_COMPLETE);
	assert_int_equal(h.format, RAW_FORMAT_FLATTENED);
	assert_true(h.length == sample.length);
	assert_int_equal(h.crc, sample.crc);
	assert_true(h.crash_time == sample.crash_time);
	assert_string_equal(h.name, sample.name);
}

static void test_header_no_magic(void **state)
{
	unsigned char b[RAW_HEADER_SIZE] = { 0 };
	struct raw_header h = { .state = RAW_STATE_COMPLETE };

	(void)state;
	assert_int_equal(raw_header_decode(b, &h), 0);
	assert_int_equal(h.state, RAW_STATE_NONE);
	/* makedumpfile's own flattened header (a kdump-utils raw dump) is not ours */
	memcpy(b, "makedumpfile", 12);
	assert_int_equal(raw_header_decode(b, &h), 0);
	assert_int_equal(h.state, RAW_STATE_NONE);
}

/* every byte of the header counts: one changed byte is a torn header */
static void test_header_torn(void **state)
{
	unsigned char b[RAW_HEADER_SIZE];
	struct raw_header h;

	(void)state;
	for (size_t i = 8; i < RAW_HEADER_SIZE; i += 13) {
		raw_header_encode(&sample, b);
		b[i] ^= 0x01;
		assert_int_equal(raw_header_decode(b, &h), -EBADMSG);
		assert_int_equal(h.state, RAW_STATE_NONE);
	}
}

/* fields that a correct CRC does not make right */
static void test_header_fields(void **state)
{
	unsigned char b[RAW_HEADER_SIZE];
	struct raw_header h;
	static const struct {
		size_t off;
		uint32_t v;
		int want;
	} cases[] = {
		{ 8, 2, -EPROTONOSUPPORT },	/* a later version */
		{ 12, 4096, -EBADMSG },		/* header size */
		{ 16, 0, -EBADMSG },		/* state */
		{ 16, 3, -EBADMSG },
		{ 20, 2, -EBADMSG },		/* format */
		{ 24, 512, -EBADMSG },		/* data offset */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		raw_header_encode(&sample, b);
		put32(b + cases[i].off, cases[i].v);
		put32(b + 508, raw_crc32(0, b, 508));
		assert_int_equal(raw_header_decode(b, &h), cases[i].want);
	}
	/* a name without its NUL */
	raw_header_encode(&sample, b);
	memset(b + 56, 'a', RAW_NAME_MAX + 1);
	put32(b + 508, raw_crc32(0, b, 508));
	assert_int_equal(raw_header_decode(b, &h), -EBADMSG);
}

static void test_write_complete_read_back(void **state)
{
	struct raw_header h = { .crash_time = 42 }, got;
	int dev = device(DEV_SIZE), in = stream(DATA_LEN), out;
	char *a, *b;

	(void)state;
	strcpy(h.name, "box-2026-12-02-13:40:00");
	assert_int_equal(raw_write_begin(dev, &h), 0);
	assert_int_equal(raw_read_header(dev, &got), 0);
	assert_int_equal(got.state, RAW_STATE_WRITING);
	assert_int_equal(raw_write_data(dev, in, DEV_SIZE - RAW_DATA_OFFSET, &h), 0);
	assert_true(h.length == DATA_LEN);
	/* the data is on the device, the header still says writing */
	assert_int_equal(raw_read_header(dev, &got), 0);
	assert_int_equal(got.state, RAW_STATE_WRITING);
	assert_int_equal(raw_write_complete(dev, &h), 0);
	assert_int_equal(raw_read_header(dev, &got), 0);
	assert_int_equal(got.state, RAW_STATE_COMPLETE);
	assert_true(got.length == DATA_LEN);
	assert_true(got.crash_time == 42);
	assert_string_equal(got.name, "box-2026-12-02-13:40:00");

	out = open(at("restored"), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_true(out >= 0);
	assert_int_equal(raw_read_data(dev, &got, out), 0);
	close(out);
	a = malloc(DATA_LEN);
	b = malloc(DATA_LEN + 1);
	assert_non_null(a);
	assert_non_null(b);
	out = open(at("restored"), O_RDONLY | O_CLOEXEC);
	assert_int_equal(pread(in, a, DATA_LEN, 0), DATA_LEN);
	assert_int_equal(read(out, b, DATA_LEN + 1), DATA_LEN);
	assert_memory_equal(a, b, DATA_LEN);
	free(a);
	free(b);
	close(out);
	close(in);
	close(dev);
}

/* a device too small for the stream: -EFBIG, and the mark says writing */
static void test_device_too_small(void **state)
{
	struct raw_header h = { 0 }, got;
	int dev = device(RAW_DATA_OFFSET + 8192), in = stream(DATA_LEN);

	(void)state;
	assert_int_equal(raw_write_begin(dev, &h), 0);
	assert_int_equal(raw_write_data(dev, in, 8192, &h), -EFBIG);
	assert_int_equal(raw_read_header(dev, &got), 0);
	assert_int_equal(got.state, RAW_STATE_WRITING);
	close(in);
	close(dev);
}

/* a new capture's first write takes the mark of the last complete one */
static void test_begin_unmarks_old_dump(void **state)
{
	struct raw_header h = { 0 }, got;
	int dev = device(DEV_SIZE), in = stream(100);

	(void)state;
	assert_int_equal(raw_write_begin(dev, &h), 0);
	assert_int_equal(raw_write_data(dev, in, DEV_SIZE - RAW_DATA_OFFSET, &h), 0);
	assert_int_equal(raw_write_complete(dev, &h), 0);
	assert_int_equal(raw_write_begin(dev, &h), 0);
	assert_int_equal(raw_read_header(dev, &got), 0);
	assert_int_equal(got.state, RAW_STATE_WRITING);
	assert_true(got.length == 0);
	close(in);
	close(dev);
}

static void write_complete(int dev, size_t len)
{
	struct raw_header h = { 0 };
	int in = stream(len);

	assert_int_equal(raw_write_begin(dev, &h), 0);
	assert_int_equal(raw_write_data(dev, in, DEV_SIZE - RAW_DATA_OFFSET, &h), 0);
	assert_int_equal(raw_write_complete(dev, &h), 0);
	close(in);
}

static void test_read_detects_changed_data(void **state)
{
	struct raw_header h;
	int dev = device(DEV_SIZE), out = open("/dev/null", O_WRONLY | O_CLOEXEC);

	(void)state;
	write_complete(dev, DATA_LEN);
	flip(dev, RAW_DATA_OFFSET + DATA_LEN - 1);
	assert_int_equal(raw_read_header(dev, &h), 0);
	assert_int_equal(h.state, RAW_STATE_COMPLETE);
	assert_int_equal(raw_read_data(dev, &h, out), -EBADMSG);
	close(out);
	close(dev);
}

static void test_read_device_ends_first(void **state)
{
	struct raw_header h;
	int dev = device(DEV_SIZE), out = open("/dev/null", O_WRONLY | O_CLOEXEC);

	(void)state;
	write_complete(dev, DATA_LEN);
	assert_int_equal(ftruncate(dev, RAW_DATA_OFFSET + 1000), 0);
	assert_int_equal(raw_read_header(dev, &h), 0);
	assert_int_equal(raw_read_data(dev, &h, out), -EIO);
	/* and a device shorter than the header */
	assert_int_equal(ftruncate(dev, 100), 0);
	assert_int_equal(raw_read_header(dev, &h), -EIO);
	close(out);
	close(dev);
}

static void test_clear(void **state)
{
	struct raw_header h;
	int dev = device(DEV_SIZE);

	(void)state;
	write_complete(dev, 10);
	assert_int_equal(raw_clear(dev), 0);
	assert_int_equal(raw_read_header(dev, &h), 0);
	assert_int_equal(h.state, RAW_STATE_NONE);
	close(dev);
}

static void test_device_size(void **state)
{
	uint64_t size = 0;
	int dev = device(DEV_SIZE), dir = open(scratch, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	(void)state;
	assert_int_equal(raw_device_size(dev, &size), 0);
	assert_true(size == DEV_SIZE);
	assert_int_equal(raw_device_size(dir, &size), -ENOTBLK);
	close(dir);
	close(dev);
}

static void test_name_valid(void **state)
{
	char longname[RAW_NAME_MAX + 2];

	(void)state;
	assert_true(raw_name_valid("host-2026-12-02-13:40:00"));
	assert_true(raw_name_valid("a.b_c+d"));
	assert_false(raw_name_valid(""));
	assert_false(raw_name_valid("."));
	assert_false(raw_name_valid(".."));
	assert_false(raw_name_valid("a/b"));
	assert_false(raw_name_valid("../etc"));
	assert_false(raw_name_valid("a b"));
	assert_false(raw_name_valid("a\nb"));
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_false(raw_name_valid(longname));
	longname[RAW_NAME_MAX] = '\0';
	assert_true(raw_name_valid(longname));
}

/* ---- what a raw dump would overwrite ------------------------------------ */

static void probe_is(const char *want)
{
	char *what = NULL;

	assert_int_equal(raw_probe_signature(at("dev"), &what), 0);
	if (want)
		assert_string_equal(what, want);
	else
		assert_null(what);
	free(what);
}

static void test_probe_empty(void **state)
{
	(void)state;
	close(device(1024 * 1024));
	probe_is(NULL);
}

static void test_probe_swap(void **state)
{
	int dev = device(1024 * 1024);

	(void)state;
	/* a version-1 swap area: the signature at the end of the first page */
	assert_int_equal(pwrite(dev, "SWAPSPACE2", 10, 4086), 10);
	assert_int_equal(pwrite(dev, "\x01\0\0\0\xff\0\0\0", 8, 1024), 8);
	close(dev);
	probe_is("a signature (swap)");
}

static void test_probe_partition_table(void **state)
{
	static const unsigned char entry[16] = { 0, 0, 0, 0, 0x83, 0, 0, 0, 0, 8, 0, 0, 0, 8, 0, 0 };
	int dev = device(1024 * 1024);

	(void)state;
	/* an MBR with one Linux partition from sector 2048 */
	assert_int_equal(pwrite(dev, entry, sizeof(entry), 446), (ssize_t)sizeof(entry));
	assert_int_equal(pwrite(dev, "\x55\xaa", 2, 510), 2);
	close(dev);
	probe_is("a partition table (dos)");
}

/* a device that holds a dump of ours is free for the next one */
static void test_probe_own_dump(void **state)
{
	int dev = device(DEV_SIZE);

	(void)state;
	write_complete(dev, DATA_LEN);
	close(dev);
	probe_is(NULL);
}

static void test_probe_missing(void **state)
{
	char *what = NULL;

	(void)state;
	assert_int_equal(raw_probe_signature(at("nothing"), &what), -ENOENT);
	assert_null(what);
}

#define T(f) cmocka_unit_test_setup_teardown(f, scratch_setup, scratch_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crc32_check_value),
		cmocka_unit_test(test_header_round_trip),
		cmocka_unit_test(test_header_no_magic),
		cmocka_unit_test(test_header_torn),
		cmocka_unit_test(test_header_fields),
		cmocka_unit_test(test_name_valid),
		T(test_write_complete_read_back),
		T(test_device_too_small),
		T(test_begin_unmarks_old_dump),
		T(test_read_detects_changed_data),
		T(test_read_device_ends_first),
		T(test_clear),
		T(test_device_size),
		T(test_probe_empty),
		T(test_probe_swap),
		T(test_probe_partition_table),
		T(test_probe_own_dump),
		T(test_probe_missing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
