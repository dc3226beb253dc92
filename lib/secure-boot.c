// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <unistd.h>

#include "secure-boot.h"
#include "sysroot.h"
#include "util.h"

int probe_lockdown(const char *root, char **mode)
{
	_cleanup_free_ char *line = NULL;
	char *open, *close;
	int r = sysroot_read_line(root, "/sys/kernel/security/lockdown", &line);

	if (r < 0)
		return r;
	open = strchr(line, '[');
	close = open ? strchr(open, ']') : NULL;
	if (!close || close == open + 1)
		return -EINVAL;
	*close = '\0';
	*mode = strdup(open + 1);
	return *mode ? 0 : -ENOMEM;
}

static uint32_t le16(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t le32(const unsigned char *p)
{
	return le16(p) | le16(p + 2) << 16;
}

/*
 * PE/COFF (Microsoft PE format, "Optional Header Data Directories"):
 * "MZ", e_lfanew at 0x3c -> "PE\0\0" and the 20-byte COFF header, then
 * the optional header: magic 0x20b (PE32+) or 0x10b (PE32), the number of
 * data directories at 108 (92), the directories at 112 (96), 8 bytes each;
 * entry 4 is the certificate table (file offset, size).
 */
enum pe_sig pe_signature_check(const unsigned char *buf, size_t len)
{
	size_t pe, opt, ndir_off, dir_off;
	uint32_t magic;

	if (len < 0x40 || buf[0] != 'M' || buf[1] != 'Z')
		return PE_SIG_NOT_PE;
	pe = le32(buf + 0x3c);
	if (pe > len - 24 || memcmp(buf + pe, "PE\0\0", 4) != 0)
		return PE_SIG_NOT_PE;
	opt = pe + 24;
	if (opt + 2 > len)
		return PE_SIG_NOT_PE;
	magic = le16(buf + opt);
	if (magic == 0x20b) {
		ndir_off = opt + 108;
		dir_off = opt + 112;
	} else if (magic == 0x10b) {
		ndir_off = opt + 92;
		dir_off = opt + 96;
	} else {
		return PE_SIG_NOT_PE;
	}
	if (dir_off + 5 * 8 > len)
		return PE_SIG_NOT_PE;
	if (le32(buf + ndir_off) < 5)
		return PE_SIG_UNSIGNED;
	return le32(buf + dir_off + 4 * 8 + 4) ? PE_SIG_SIGNED : PE_SIG_UNSIGNED;
}

int pe_signature_check_file(const char *path, enum pe_sig *sig)
{
	unsigned char buf[4096];
	ssize_t n;
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf));
	if (n < 0)
		return -errno;
	*sig = pe_signature_check(buf, (size_t)n);
	return 0;
}
