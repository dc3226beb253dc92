// SPDX-License-Identifier: GPL-2.0-or-later
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>

#include "util.h"
#include "vmcore.h"

#define MAX_NOTES (16 * 1024 * 1024)

static int read_at(int fd, void *buf, size_t len, uint64_t off)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = pread(fd, (char *)buf + done, len - done, (off_t)(off + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -ENOEXEC; /* shorter than its headers say */
		done += (size_t)n;
	}
	return 0;
}

/* One "KEY=value" line of VMCOREINFO, copied so that numbers are parsed
 * from a NUL-terminated string and never past the descriptor. */
static void parse_vmcoreinfo_line(const char *p, size_t n, struct vmcore_info *info)
{
	char line[256];

	if (n >= sizeof(line))
		n = sizeof(line) - 1; /* no key we read has a longer value */
	memcpy(line, p, n);
	line[n] = '\0';
	if (strncmp(line, "OSRELEASE=", 10) == 0 && line[10])
		snprintf(info->osrelease, sizeof(info->osrelease), "%.*s",
			 (int)sizeof(info->osrelease) - 1, line + 10);
	else if (strncmp(line, "PAGESIZE=", 9) == 0 && line[9])
		info->page_size = strtoull(line + 9, NULL, 10);
	else if (strncmp(line, "CRASHTIME=", 10) == 0 && line[10])
		info->crash_time = strtoll(line + 10, NULL, 10);
}

static void parse_vmcoreinfo(const char *text, size_t len, struct vmcore_info *info)
{
	const char *p = text, *end = text + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

		parse_vmcoreinfo_line(p, n, info);
		p += n + 1;
	}
}

static uint64_t round4(uint32_t n)
{
	return ((uint64_t)n + 3) & ~UINT64_C(3);
}

/*
 * Walk the notes of one PT_NOTE segment for VMCOREINFO. Sizes are 32-bit
 * and attacker-controlled (a crafted --vmcore): round them in 64 bits and
 * check that the whole name and descriptor lie inside the segment before
 * reading either; the walk stops at the first note that does not fit.
 */
static void scan_notes(const char *buf, size_t len, struct vmcore_info *info)
{
	static const char name[] = "VMCOREINFO"; /* namesz counts its NUL */
	uint64_t off = 0;

	while (len - off >= sizeof(Elf64_Nhdr)) {
		Elf64_Nhdr nh;
		uint64_t name_off, desc_off, next;

		memcpy(&nh, buf + off, sizeof(nh));
		name_off = off + sizeof(nh);
		desc_off = name_off + round4(nh.n_namesz);
		next = desc_off + round4(nh.n_descsz);
		if (next > len)
			return;
		if (nh.n_namesz == sizeof(name) && memcmp(buf + name_off, name, sizeof(name)) == 0)
			parse_vmcoreinfo(buf + desc_off, nh.n_descsz, info);
		off = next;
	}
}

int vmcore_read_info(const char *path, struct vmcore_info *info)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	_cleanup_free_ Elf64_Phdr *ph = NULL;
	Elf64_Ehdr eh;
	int r;

	memset(info, 0, sizeof(*info));
	if (fd < 0)
		return -errno;
	r = read_at(fd, &eh, sizeof(eh), 0);
	if (r < 0)
		return r;
	if (memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_type != ET_CORE || eh.e_machine != EM_X86_64 ||
	    eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum == 0)
		return -ENOEXEC;
	ph = calloc(eh.e_phnum, sizeof(*ph));
	if (!ph)
		return -ENOMEM;
	r = read_at(fd, ph, eh.e_phnum * sizeof(*ph), eh.e_phoff);
	if (r < 0)
		return r;
	for (unsigned int i = 0; i < eh.e_phnum; i++) {
		if (ph[i].p_type == PT_LOAD) {
			info->memory_bytes += ph[i].p_memsz;
			info->loads++;
		} else if (ph[i].p_type == PT_NOTE && ph[i].p_filesz <= MAX_NOTES) {
			_cleanup_free_ char *notes = malloc(ph[i].p_filesz);

			if (!notes)
				return -ENOMEM;
			if (read_at(fd, notes, ph[i].p_filesz, ph[i].p_offset) == 0)
				scan_notes(notes, ph[i].p_filesz, info);
		}
	}
	return 0;
}
