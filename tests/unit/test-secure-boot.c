// SPDX-License-Identifier: GPL-2.0-or-later
/* Lockdown mode and the Authenticode signature of a kernel image. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "secure-boot.h"
#include "scratch.h"

static unsigned char img[4096];

static void put32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

/* an EFI-stub bzImage's headers: MZ, PE at 0x40, PE32+ optional header
 * with ndirs directories; the certificate table gets cert_size bytes */
static void make_pe(uint16_t magic, uint32_t ndirs, uint32_t cert_size)
{
	size_t opt = 0x40 + 24, dirs = opt + (magic == 0x20b ? 112 : 96);

	memset(img, 0, sizeof(img));
	img[0] = 'M';
	img[1] = 'Z';
	put32(img + 0x3c, 0x40);
	memcpy(img + 0x40, "PE\0\0", 4);
	img[opt] = (unsigned char)magic;
	img[opt + 1] = (unsigned char)(magic >> 8);
	put32(img + opt + (magic == 0x20b ? 108 : 92), ndirs);
	put32(img + dirs + 4 * 8, 0x2000);
	put32(img + dirs + 4 * 8 + 4, cert_size);
}

static void test_pe(void **state)
{
	(void)state;
	make_pe(0x20b, 16, 0x5a8);
	assert_int_equal(pe_signature_check(img, sizeof(img)), PE_SIG_SIGNED);
	make_pe(0x20b, 16, 0);
	assert_int_equal(pe_signature_check(img, sizeof(img)), PE_SIG_UNSIGNED);
	/* fewer than 5 directories: no certificate table */
	make_pe(0x20b, 4, 0x5a8);
	assert_int_equal(pe_signature_check(img, sizeof(img)), PE_SIG_UNSIGNED);
	make_pe(0x10b, 16, 0x100);
	assert_int_equal(pe_signature_check(img, sizeof(img)), PE_SIG_SIGNED);
	/* what is not PE: no MZ, a bad e_lfanew, no PE signature, short */
	make_pe(0x20b, 16, 0x5a8);
	img[0] = 0;
	assert_int_equal(pe_signature_check(img, sizeof(img)), PE_SIG_NOT_PE);
	make_pe(0x20b, 16, 0x5a8);
	put32(img + 0x3c, 0xfffffff0);
	assert_int_equal(pe_signature_check(img, sizeof(img)), PE_SIG_NOT_PE);
	make_pe(0x20b, 16, 0x5a8);
	img[0x41] = 'X';
	assert_int_equal(pe_signature_check(img, sizeof(img)), PE_SIG_NOT_PE);
	make_pe(0x20b, 16, 0x5a8);
	assert_int_equal(pe_signature_check(img, 0x80), PE_SIG_NOT_PE);
	make_pe(0x30b, 16, 0x5a8);
	assert_int_equal(pe_signature_check(img, sizeof(img)), PE_SIG_NOT_PE);
}


static void put_lockdown(const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/sys", scratch);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/sys/kernel", scratch);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/sys/kernel/security", scratch);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/sys/kernel/security/lockdown", scratch);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void expect_mode(const char *text, int rc, const char *mode)
{
	char *m = NULL;

	put_lockdown(text);
	assert_int_equal(probe_lockdown(scratch, &m), rc);
	if (mode)
		assert_string_equal(m, mode);
	free(m);
}

static void test_lockdown(void **state)
{
	char *m = NULL;

	(void)state;
	assert_int_equal(probe_lockdown(scratch, &m), -ENOENT);
	expect_mode("[none] integrity confidentiality\n", 0, "none");
	expect_mode("none [integrity] confidentiality\n", 0, "integrity");
	expect_mode("none integrity [confidentiality]\n", 0, "confidentiality");
	expect_mode("none integrity confidentiality\n", -EINVAL, NULL);
	expect_mode("none [] x\n", -EINVAL, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pe),
		cmocka_unit_test_setup_teardown(test_lockdown, scratch_setup, scratch_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
