/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KDUMPCTL_GRUB_SNIPPET_H
#define KDUMPCTL_GRUB_SNIPPET_H

#include <stdbool.h>
#include <stddef.h>

/*
 * crashkernel= for GRUB: the snippet that `kdumpctl reset-crashkernel`
 * writes, /etc/default/grub.d/zz-kdump-snp.cfg (zz-: grub-mkconfig sources
 * the .cfg files of grub.d in name order and the kernel takes the last crashkernel=, so
 * ours comes after the snippets that set the command line, kdump-tools.cfg
 * included). Its last two lines are a marker and the setting:
 *   # kdump-snp-crashkernel: auto 256M      (the estimate; reset rewrites it)
 *   # kdump-snp-crashkernel: size 512M      (given with --size; kept)
 *   GRUB_CMDLINE_LINUX_DEFAULT="$GRUB_CMDLINE_LINUX_DEFAULT crashkernel=256M"
 * Any other content (no marker, another setting, a second setting, a size
 * that is not the marker's) is the admin's hand and is kept.
 */
#define GRUB_SNIPPET_PATH "/etc/default/grub.d/zz-kdump-snp.cfg"
#define GRUB_DEFAULT_PATH "/etc/default/grub"
#define GRUB_SNIPPET_DIR "/etc/default/grub.d"
/* kdump-tools' snippet: the peer's default, which ours overrides */
#define GRUB_PEER_SNIPPET "kdump-tools.cfg"
#define GRUB_MARKER "# kdump-snp-crashkernel: "
#define CRASHKERNEL_VALUE_MAX 64

enum snippet_state {
	SNIPPET_ABSENT,
	SNIPPET_AUTO,   /* as written from the estimate */
	SNIPPET_SIZE,   /* as written with --size */
	SNIPPET_HAND,   /* edited or written by the admin */
};

struct snippet {
	enum snippet_state state;
	char value[CRASHKERNEL_VALUE_MAX + 1]; /* AUTO, SIZE: the size */
};

/* Classify the text of the snippet file (NULL: absent). */
void snippet_parse(const char *text, struct snippet *s);

/* The file's text for a state (AUTO or SIZE) and value; NULL without memory. */
char *snippet_render(enum snippet_state state, const char *value);

/* Whether value is a crashkernel= value kdumpctl writes: a size (384M) or
 * ranges (1G-4G:192M,4G-:384M), with an optional @offset; digits, K, M,
 * G, T, '-', ':', ',' and '@', at most CRASHKERNEL_VALUE_MAX characters. */
bool crashkernel_value_valid(const char *value);

/* A crashkernel= that GRUB's configuration sets outside our snippet: in
 * /etc/default/grub or another .cfg file of grub.d (not kdump-tools.cfg), on a
 * line that is not a comment. */
struct grub_elsewhere {
	char *file; /* below the root */
	unsigned int line;
	char token[CRASHKERNEL_VALUE_MAX + 16]; /* "crashkernel=..." */
};

/* 1 and *e filled when found, 0 when not, negative errno. */
int grub_find_elsewhere(const char *root, struct grub_elsewhere *e);

#endif
