// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The crashkernel= model. What the crash kernel keeps at boot and what the
 * capture needs after it; the allowances are the parts no host figure
 * measures, sized from the bench's bisections (docs/BENCHMARKS.md). With
 * Debian's 6.12 kernel and the minimal capture image, crashkernel=80M
 * failed with 24 MiB available after the crash kernel's boot and 96M
 * worked with 38; with the dedicated crash kernel 48M (17 MiB available)
 * worked in one full run and failed in the one before (an OOM), 64M
 * worked in both. Once the capture image is unpacked and the loaded one
 * freed, the capture had 19.6 MiB where it failed (Debian's kernel,
 * which also loads its modules), 12.6 MiB at the dedicated kernel's
 * edge and 33.6 MiB where it always worked: the model gives it 22 MiB
 * (bitmaps, buffers and the allowance below).
 */
#include <stdarg.h>
#include <stdio.h>

#include "estimate.h"

#define MIB (UINT64_C(1) << 20)
/* x86_64 aligns the crashkernel= reservation to 16 MiB */
#define ALIGN_BYTES (16 * MIB)
/* the crash kernel's boot allocations besides its image, the capture
 * image and the memory map: page tables, per-CPU areas, the first MiB,
 * the ELF core header. At crashkernel=80M Debian's kernel kept 55.7 MiB:
 * 44 MiB image, 3.4 MiB capture image, 1.25 MiB memory map and 7 MiB of
 * these; at 48M the dedicated kernel kept 30.8 MiB, 5.1 of them these. */
#define BOOT_ALLOCATIONS (8 * MIB)
/* makedumpfile's heap: page and compression buffers (zstd, lzo) */
#define MAKEDUMPFILE_BUFFERS (4 * MIB)
/* slab, page tables, kernel stacks, the dump's dirty page cache and the
 * processes of the capture: kdumpctl capture as /init, makedumpfile */
#define RUNTIME_MINIMAL (18 * MIB)
/* the same with systemd and udev as init (not measured by the bench) */
#define RUNTIME_SYSTEMD (48 * MIB)
#define SWIOTLB_BYTES (64 * MIB)
/* the capture image before it is built: the sizes of Debian's systemd
 * capture image, rounded up */
#define UNBUILT_PACKED (24 * MIB)
#define UNBUILT_UNPACKED (64 * MIB)

const char *estimate_source_name(enum estimate_source s)
{
	switch (s) {
	case ESTIMATE_MEASURED:
		return "measured";
	case ESTIMATE_COMPUTED:
		return "computed";
	case ESTIMATE_ALLOWANCE:
		break;
	}
	return "allowance";
}

__attribute__((format(printf, 5, 6)))
static void add(struct estimate *e, uint64_t bytes, enum estimate_source src, const char *how,
		const char *fmt, ...)
{
	struct estimate_part *p;
	va_list ap;

	if (e->n >= ESTIMATE_MAX_PARTS)
		return;
	p = &e->part[e->n++];
	va_start(ap, fmt);
	vsnprintf(p->what, sizeof(p->what), fmt, ap);
	va_end(ap);
	p->bytes = bytes;
	p->source = src;
	p->how = how;
	e->sum += bytes;
}

void estimate_compute(const struct estimate_inputs *in, struct estimate *e)
{
	bool built = in->image_bytes > 0;
	uint64_t reserve;

	*e = (struct estimate){ 0 };
	add(e, in->kernel_bytes, in->kernel_source, in->kernel_how, "crash kernel in memory");
	add(e, BOOT_ALLOCATIONS, ESTIMATE_ALLOWANCE, "page tables, per-CPU areas, low memory",
	    "crash kernel boot allocations");
	add(e, built ? in->image_bytes : UNBUILT_PACKED,
	    built ? ESTIMATE_MEASURED : ESTIMATE_ALLOWANCE, built ? "file size" : in->image_how,
	    "capture image, as loaded");
	add(e, built ? in->image_unpacked_bytes : UNBUILT_UNPACKED,
	    built ? ESTIMATE_MEASURED : ESTIMATE_ALLOWANCE,
	    built ? in->unpacked_how : in->image_how,
	    "capture image, unpacked");
	add(e, in->ram_bytes / 4096 * 2 / 8, ESTIMATE_COMPUTED, "2 bits per 4 KiB page of MemTotal",
	    "makedumpfile bitmaps for %llu MiB of RAM", (unsigned long long)(in->ram_bytes / MIB));
	add(e, MAKEDUMPFILE_BUFFERS, ESTIMATE_ALLOWANCE, "page and compression buffers",
	    "makedumpfile buffers");
	add(e, in->systemd_init ? RUNTIME_SYSTEMD : RUNTIME_MINIMAL, ESTIMATE_ALLOWANCE,
	    in->systemd_init ? "slab, page cache, systemd and udev" :
			       "slab, page cache, kdumpctl and makedumpfile",
	    "capture at run time");
	if (in->sme)
		add(e, SWIOTLB_BYTES, ESTIMATE_ALLOWANCE, "sme flag and mem_encrypt=on",
		    "SME active: swiotlb bounce buffers");
	/* the reservation also holds its own struct pages, 64 bytes per
	 * 4 KiB page: reserve * 63/64 must hold the sum */
	reserve = (e->sum * 64 + 62) / 63;
	e->memmap = reserve - e->sum;
	e->total = (reserve + ALIGN_BYTES - 1) / ALIGN_BYTES * ALIGN_BYTES;
}
