/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KDUMP_ESTIMATE_H
#define KDUMP_ESTIMATE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The crashkernel= size a host needs, as a sum of parts. Each part says
 * whether it was measured on the host, computed from a measured figure,
 * or is an allowance (a figure nobody measured here).
 *
 * estimate_compute() is a pure function of its inputs: the caller
 * measures (kdumpctl/verb-estimate.c), the model adds up.
 */
enum estimate_source {
	ESTIMATE_MEASURED,
	ESTIMATE_COMPUTED,
	ESTIMATE_ALLOWANCE,
};

struct estimate_inputs {
	/* the crash kernel in memory once it has booted (text to bss),
	 * with how that figure was found */
	uint64_t kernel_bytes;
	enum estimate_source kernel_source;
	const char *kernel_how;
	/* the capture image as loaded and unpacked; 0 when not measured
	 * (not built yet, not readable), with the reason in image_how */
	uint64_t image_bytes;
	uint64_t image_unpacked_bytes;
	const char *image_how;
	const char *unpacked_how;
	/* the RAM the capture dumps */
	uint64_t ram_bytes;
	/* the capture image boots systemd and udev (stacked target devices) */
	bool systemd_init;
	/* SME is active: the crash kernel needs swiotlb bounce buffers */
	bool sme;
};

#define ESTIMATE_MAX_PARTS 12

struct estimate_part {
	char what[96];
	uint64_t bytes;
	enum estimate_source source;
	const char *how;
};

struct estimate {
	struct estimate_part part[ESTIMATE_MAX_PARTS];
	size_t n;
	/* the parts added up */
	uint64_t sum;
	/* the reservation's own memory map (struct page per 4 KiB) */
	uint64_t memmap;
	/* sum and memmap rounded up to the crashkernel= alignment (16 MiB) */
	uint64_t total;
};

void estimate_compute(const struct estimate_inputs *in, struct estimate *out);

const char *estimate_source_name(enum estimate_source s);

#endif
