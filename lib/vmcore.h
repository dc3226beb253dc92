/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KDUMP_VMCORE_H
#define KDUMP_VMCORE_H

#include <stdint.h>

/*
 * What a crash dump's ELF headers tell before it is saved: how much memory
 * it describes, and the crashed kernel's VMCOREINFO (release, page size,
 * crash time). Works on /proc/vmcore and on ELF files such as a saved
 * `makedumpfile -E` dump.
 */
struct vmcore_info {
	uint64_t memory_bytes; /* sum of PT_LOAD p_memsz */
	unsigned int loads;    /* PT_LOAD segments */
	char osrelease[128];   /* VMCOREINFO OSRELEASE=, "" if absent */
	uint64_t page_size;    /* VMCOREINFO PAGESIZE=, 0 if absent */
	int64_t crash_time;    /* VMCOREINFO CRASHTIME=, 0 if absent */
};

/* Returns 0, -ENOEXEC when the file is not a 64-bit x86 ELF core, or
 * another negative errno. */
int vmcore_read_info(const char *path, struct vmcore_info *info);

#endif
