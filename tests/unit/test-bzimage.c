// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "bzimage.h"

static unsigned char img[0x2000];

static void make_image(uint16_t protocol, uint8_t loadflags, uint8_t reloc, uint16_t xload)
{
	memset(img, 0, sizeof(img));
	memcpy(img + 0x202, "HdrS", 4);
	img[0x206] = protocol & 0xff;
	img[0x207] = protocol >> 8;
	img[0x20e] = 0x00; /* version string at 0x1000 */
	img[0x20f] = 0x0e;
	img[0x211] = loadflags;
	img[0x234] = reloc;
	img[0x236] = xload & 0xff;
	img[0x237] = xload >> 8;
	img[0x238] = 0xff; /* cmdline_size 2047 */
	img[0x239] = 0x07;
	strcpy((char *)img + 0x1000, "6.12.57+deb13-amd64 (debian-kernel@lists.debian.org)");
}

static void test_good_image(void **state)
{
	struct bzimage_info info;

	make_image(0x020f, 0x01, 1, 0x7f);
	assert_int_equal(bzimage_check(img, sizeof(img), &info), BZIMAGE_OK);
	assert_int_equal(info.protocol, 0x020f);
	assert_int_equal(info.cmdline_size, 2047);
	assert_string_equal(info.version, "6.12.57+deb13-amd64 (debian-kernel@lists.debian.org)");
}

static void test_errors_in_order(void **state)
{
	struct bzimage_info info;

	make_image(0x020f, 0x01, 1, 0x3);
	assert_int_equal(bzimage_check(img, 0x100, &info), BZIMAGE_TOO_SMALL);
	make_image(0x020b, 0x01, 1, 0x3);
	assert_int_equal(bzimage_check(img, sizeof(img), &info), BZIMAGE_OLD_PROTOCOL);
	make_image(0x020f, 0x00, 1, 0x3);
	assert_int_equal(bzimage_check(img, sizeof(img), &info), BZIMAGE_NOT_BZIMAGE);
	make_image(0x020f, 0x01, 0, 0x3);
	assert_int_equal(bzimage_check(img, sizeof(img), &info), BZIMAGE_NOT_RELOCATABLE);
	make_image(0x020f, 0x01, 1, 0x2);
	assert_int_equal(bzimage_check(img, sizeof(img), &info), BZIMAGE_NO_64BIT);
	make_image(0x020f, 0x01, 1, 0x1);
	assert_int_equal(bzimage_check(img, sizeof(img), &info), BZIMAGE_NOT_ABOVE_4G);
}

static void test_magic(void **state)
{
	struct bzimage_info info;

	make_image(0x020f, 0x01, 1, 0x3);
	img[0x202] = 'X';
	assert_int_equal(bzimage_check(img, sizeof(img), &info), BZIMAGE_NO_MAGIC);
	memcpy(img, "\177ELF", 4);
	assert_int_equal(bzimage_check(img, sizeof(img), &info), BZIMAGE_ELF);
}

static void test_version_out_of_file(void **state)
{
	struct bzimage_info info;

	make_image(0x020f, 0x01, 1, 0x3);
	img[0x20f] = 0x7f; /* points far beyond the buffer */
	assert_int_equal(bzimage_check(img, sizeof(img), &info), BZIMAGE_OK);
	assert_string_equal(info.version, "");
}

static void test_strerror_names_problem(void **state)
{
	assert_non_null(strstr(bzimage_strerror(BZIMAGE_NO_64BIT), "XLF_KERNEL_64"));
	assert_non_null(strstr(bzimage_strerror(BZIMAGE_NO_MAGIC), "HdrS"));
	assert_non_null(strstr(bzimage_strerror(BZIMAGE_OLD_PROTOCOL), "2.12"));
	for (int e = BZIMAGE_OK; e <= BZIMAGE_NOT_ABOVE_4G; e++)
		assert_string_not_equal(bzimage_strerror(e), "unknown bzImage error");
}

static void test_check_file_missing(void **state)
{
	enum bzimage_error err = BZIMAGE_OK;
	struct bzimage_info info;

	assert_int_equal(bzimage_check_file("/nonexistent/vmlinuz", &err, &info), -2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_image),
		cmocka_unit_test(test_errors_in_order),
		cmocka_unit_test(test_magic),
		cmocka_unit_test(test_version_out_of_file),
		cmocka_unit_test(test_strerror_names_problem),
		cmocka_unit_test(test_check_file_missing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
