// SPDX-License-Identifier: GPL-2.0-or-later
/* vmcore_read_info() on crafted ELF cores: valid notes, truncated notes
 * and note sizes that wrap when rounded in 32 bits. Run under ASan or
 * valgrind to see the reads that stay inside the buffers. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vmcore.h"

static char core_path[] = "/tmp/test-vmcore.XXXXXX";

/* a growing buffer for note segments */
struct notes {
	unsigned char buf[4096];
	size_t len;
};

static void put(struct notes *n, const void *p, size_t len)
{
	assert_true(n->len + len <= sizeof(n->buf));
	memcpy(n->buf + n->len, p, len);
	n->len += len;
}

static void pad4(struct notes *n)
{
	static const unsigned char zero[4];

	put(n, zero, (4 - n->len % 4) % 4);
}

/* one note as the kernel writes it: header, name with its NUL, descriptor,
 * each padded to 4 bytes (namesz counts the NUL) */
static void add_note(struct notes *n, const char *name, uint32_t type, const void *desc,
		     uint32_t descsz)
{
	Elf64_Nhdr nh = { .n_namesz = (uint32_t)strlen(name) + 1, .n_descsz = descsz,
			  .n_type = type };

	put(n, &nh, sizeof(nh));
	put(n, name, nh.n_namesz);
	pad4(n);
	put(n, desc, descsz);
	pad4(n);
}

/* a header whose sizes are given as is, with no name or descriptor after */
static void add_raw_header(struct notes *n, uint32_t namesz, uint32_t descsz)
{
	Elf64_Nhdr nh = { .n_namesz = namesz, .n_descsz = descsz, .n_type = 0 };

	put(n, &nh, sizeof(nh));
}

/*
 * Write an x86_64 ELF core: the header, one PT_NOTE holding notes (whose
 * p_filesz is note_filesz, which may claim more than is written), and
 * PT_LOAD segments of 1 MiB and 2 MiB.
 */
static void write_core(const struct notes *n, uint64_t note_filesz)
{
	Elf64_Ehdr eh = { 0 };
	Elf64_Phdr ph[3] = { 0 };
	FILE *f = fopen(core_path, "w");

	assert_non_null(f);
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = ET_CORE;
	eh.e_machine = EM_X86_64;
	eh.e_version = EV_CURRENT;
	eh.e_phoff = sizeof(eh);
	eh.e_ehsize = sizeof(eh);
	eh.e_phentsize = sizeof(Elf64_Phdr);
	eh.e_phnum = 3;
	ph[0].p_type = PT_NOTE;
	ph[0].p_offset = sizeof(eh) + sizeof(ph);
	ph[0].p_filesz = note_filesz;
	ph[1].p_type = PT_LOAD;
	ph[1].p_memsz = 1 << 20;
	ph[2].p_type = PT_LOAD;
	ph[2].p_memsz = 2 << 20;
	assert_int_equal(fwrite(&eh, sizeof(eh), 1, f), 1);
	assert_int_equal(fwrite(ph, sizeof(ph), 1, f), 1);
	if (n->len)
		assert_int_equal(fwrite(n->buf, n->len, 1, f), 1);
	assert_int_equal(fclose(f), 0);
}

static const char vmcoreinfo[] = "OSRELEASE=6.12.57+deb13-amd64\n"
				 "PAGESIZE=4096\n"
				 "SYMBOL(init_uts_ns)=ffffffff83212340\n"
				 "CRASHTIME=1764662400\n";

static void add_prstatus(struct notes *n)
{
	unsigned char prstatus[336] = { 0 };

	add_note(n, "CORE", NT_PRSTATUS, prstatus, sizeof(prstatus));
}

static void assert_no_vmcoreinfo(const struct vmcore_info *info)
{
	assert_string_equal(info->osrelease, "");
	assert_int_equal(info->page_size, 0);
	assert_int_equal(info->crash_time, 0);
	/* the PT_LOAD segments are still counted */
	assert_int_equal(info->loads, 2);
	assert_int_equal(info->memory_bytes, 3 << 20);
}

static void test_valid_notes(void **state)
{
	struct notes n = { 0 };
	struct vmcore_info info;

	add_prstatus(&n);
	add_note(&n, "VMCOREINFO", 0, vmcoreinfo, sizeof(vmcoreinfo) - 1);
	write_core(&n, n.len);
	assert_int_equal(vmcore_read_info(core_path, &info), 0);
	assert_string_equal(info.osrelease, "6.12.57+deb13-amd64");
	assert_int_equal(info.page_size, 4096);
	assert_int_equal(info.crash_time, 1764662400);
	assert_int_equal(info.loads, 2);
	assert_int_equal(info.memory_bytes, 3 << 20);
}

/* the segment claims more bytes than the file has */
static void test_segment_past_end_of_file(void **state)
{
	struct notes n = { 0 };
	struct vmcore_info info;

	add_note(&n, "VMCOREINFO", 0, vmcoreinfo, sizeof(vmcoreinfo) - 1);
	write_core(&n, n.len + 4096);
	assert_int_equal(vmcore_read_info(core_path, &info), 0);
	assert_no_vmcoreinfo(&info);
}

/* the note claims a longer descriptor than its segment holds */
static void test_truncated_descriptor(void **state)
{
	struct notes n = { 0 };
	struct vmcore_info info;

	add_note(&n, "VMCOREINFO", 0, vmcoreinfo, sizeof(vmcoreinfo) - 1);
	write_core(&n, n.len - 8);
	assert_int_equal(vmcore_read_info(core_path, &info), 0);
	assert_no_vmcoreinfo(&info);
}

/* a header with nothing after it, shorter than its name */
static void test_truncated_name(void **state)
{
	struct notes n = { 0 };
	struct vmcore_info info;

	add_raw_header(&n, 11, 0);
	write_core(&n, n.len);
	assert_int_equal(vmcore_read_info(core_path, &info), 0);
	assert_no_vmcoreinfo(&info);
}

/*
 * n_descsz = 0xFFFFFFFE rounds to 0 in 32 bits: the walk then took the
 * note for a valid one ending where it starts its descriptor and parsed
 * 4 GiB from there.
 */
static void test_descsz_wraps(void **state)
{
	struct notes n = { 0 };
	struct vmcore_info info;
	Elf64_Nhdr nh = { .n_namesz = 11, .n_descsz = 0xFFFFFFFE };

	put(&n, &nh, sizeof(nh));
	put(&n, "VMCOREINFO\0\0", 12);
	put(&n, "OSRELEASE=evil\n", 16);
	write_core(&n, n.len);
	assert_int_equal(vmcore_read_info(core_path, &info), 0);
	assert_no_vmcoreinfo(&info);
}

/* n_namesz = 0xFFFFFFFD rounds to 0: the name was compared past the end */
static void test_namesz_wraps(void **state)
{
	struct notes n = { 0 };
	struct vmcore_info info;

	add_raw_header(&n, 0xFFFFFFFD, 0);
	write_core(&n, n.len);
	assert_int_equal(vmcore_read_info(core_path, &info), 0);
	assert_no_vmcoreinfo(&info);
}

/* both at the largest sizes: the sum overflows 32 bits as well */
static void test_both_sizes_huge(void **state)
{
	struct notes n = { 0 };
	struct vmcore_info info;

	add_raw_header(&n, 0xFFFFFFFF, 0xFFFFFFFF);
	put(&n, "VMCOREINFO\0\0OSRELEASE=evil\n", 28);
	write_core(&n, n.len);
	assert_int_equal(vmcore_read_info(core_path, &info), 0);
	assert_no_vmcoreinfo(&info);
}

/* a valid note after a broken one is not reached: the walk stops */
static void test_walk_stops_at_bad_note(void **state)
{
	struct notes n = { 0 };
	struct vmcore_info info;

	add_raw_header(&n, 4, 0x7FFFFFFF);
	put(&n, "CORE", 4);
	add_note(&n, "VMCOREINFO", 0, vmcoreinfo, sizeof(vmcoreinfo) - 1);
	write_core(&n, n.len);
	assert_int_equal(vmcore_read_info(core_path, &info), 0);
	assert_no_vmcoreinfo(&info);
}

/* the last line ends the descriptor and the segment, with no newline:
 * its number is read without running past the buffer */
static void test_last_line_without_newline(void **state)
{
	static const char text[] = "OSRELEASE=6.1.0\nPAGESIZE=512";
	struct notes n = { 0 };
	struct vmcore_info info;

	assert_int_equal((sizeof(text) - 1) % 4, 0);
	add_note(&n, "VMCOREINFO", 0, text, sizeof(text) - 1);
	write_core(&n, n.len);
	assert_int_equal(vmcore_read_info(core_path, &info), 0);
	assert_string_equal(info.osrelease, "6.1.0");
	assert_int_equal(info.page_size, 512);
}

/* only a note named exactly "VMCOREINFO" (namesz 11) is VMCOREINFO */
static void test_name_must_match_exactly(void **state)
{
	struct notes n = { 0 };
	struct vmcore_info info;

	add_note(&n, "VMCOREINFOX", 0, vmcoreinfo, sizeof(vmcoreinfo) - 1);
	write_core(&n, n.len);
	assert_int_equal(vmcore_read_info(core_path, &info), 0);
	assert_no_vmcoreinfo(&info);
}

static void test_not_a_core(void **state)
{
	struct vmcore_info info;
	FILE *f = fopen(core_path, "w");

	assert_non_null(f);
	fputs("not an ELF file at all, but long enough to hold an ELF header........", f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(vmcore_read_info(core_path, &info), -ENOEXEC);
	assert_int_equal(vmcore_read_info("/nonexistent/vmcore", &info), -ENOENT);
}

static int teardown(void **state)
{
	unlink(core_path);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_notes),
		cmocka_unit_test(test_segment_past_end_of_file),
		cmocka_unit_test(test_truncated_descriptor),
		cmocka_unit_test(test_truncated_name),
		cmocka_unit_test(test_descsz_wraps),
		cmocka_unit_test(test_namesz_wraps),
		cmocka_unit_test(test_both_sizes_huge),
		cmocka_unit_test(test_walk_stops_at_bad_note),
		cmocka_unit_test(test_last_line_without_newline),
		cmocka_unit_test(test_name_must_match_exactly),
		cmocka_unit_test(test_not_a_core),
	};
	int fd = mkstemp(core_path);

	if (fd < 0)
		return 1;
	close(fd);
	return cmocka_run_group_tests(tests, NULL, teardown);
}
