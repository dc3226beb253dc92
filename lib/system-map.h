/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KDUMP_SYSTEM_MAP_H
#define KDUMP_SYSTEM_MAP_H

#include <stdint.h>

/*
 * The span of a kernel in memory from its System.map: _end - _text, the
 * text, data, init and bss the kernel occupies once decompressed (what
 * /proc/iomem shows from "Kernel code" to "Kernel bss" when it runs).
 * Returns 0, -ENOENT when the file lacks either symbol (Debian's
 * /boot/System.map-* is a one-line placeholder), -EINVAL with *line set
 * to the first malformed line (1-based) for a line that is not
 * "ADDRESS TYPE NAME", or another negative errno from reading the file.
 */
int system_map_span(const char *path, uint64_t *bytes, unsigned *line);

#endif
