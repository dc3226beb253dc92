/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KDUMPCTL_DESCRIBE_H
#define KDUMPCTL_DESCRIBE_H

#include <stdint.h>
#include <stdio.h>

#include "kdumpctl.h"

/* Human words for what status and check print. */
void describe_target(const struct kdump_conf *c, char *buf, size_t len);
void describe_snp(const struct kdump_ctx *ctx, char *buf, size_t len);
/* Whether the crash kernel survives an SNP crash, and what showed it. */
void describe_snp_fix(const struct kdump_ctx *ctx, char *buf, size_t len);
void describe_size(uint64_t bytes, char *buf, size_t len);
/* The host's hardware watchdog and how the capture uses it (with c, the
 * timeout it arms; c may be NULL), or that there is none. */
void describe_watchdog(const struct kdump_ctx *ctx, const struct kdump_conf *c,
		       char *buf, size_t len);

/* A JSON string literal, escaped. */
void json_string(FILE *f, const char *s);

#endif
