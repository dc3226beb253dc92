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

static void parse_vmcoreinfo(const char *text, size_t len, struct vmcore_info *info)
{
	const char *p = text, *end = text + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

		if (n > 10 && strncmp(p, "OSRELEASE=", 10) == 0)
			snprintf(info->osrelease, sizeof(info->osrelease), "%.*s", (int)(n - 10), p + 10);
		else if (n > 9 && strncmp(p, "PAGESIZE=", 9) == 0)
			info->page_size = strtoull(p + 9, NULL, 10);
		else if (n > 10 && strncmp(p, "CRASHTIME=", 10) == 0)
			info->crash_time = strtoll(p + 10, NULL, 10);
		p += n + 1;
	}
}

/* Walk the notes of one PT_NOTE segment for VMCOREINFO. */
static void scan_notes(const char *buf, size_t len, struct vmcore_info *info)
{
	size_t off = 0;

	while (off + sizeof(Elf64_Nhdr) <= len) {
		const Elf64_Nhdr *nh = (const Elf64_Nhdr *)(buf + off);
		size_t name_off = off + sizeof(*nh);
		size_t desc_off = name_off + ((nh->n_namesz + 3) & ~3U);
		size_t next = desc_off + ((nh->n_descsz + 3) & ~3U);

		if (next > len || next <= off)
			return;
		if (nh->n_namesz >= 10 && memcmp(buf + name_off, "VMCOREINFO", 10) == 0)
			parse_vmcoreinfo(buf + desc_off, nh->n_descsz, info);
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
