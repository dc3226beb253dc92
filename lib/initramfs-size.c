// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "initramfs-size.h"
#include "util.h"

static const struct {
	const unsigned char magic[6];
	size_t len;
	const char *program;
} formats[] = {
	{ { 0x28, 0xb5, 0x2f, 0xfd }, 4, "zstd" },
	{ { 0x1f, 0x8b }, 2, "gzip" },
	{ { 0xfd, '7', 'z', 'X', 'Z', 0 }, 6, "xz" },
	{ { 0x02, 0x21, 0x4c, 0x18 }, 4, "lz4" },
	{ { 0x04, 0x22, 0x4d, 0x18 }, 4, "lz4" },
	{ { 'B', 'Z', 'h' }, 3, "bzip2" },
};

static uint64_t hex8(const char *p)
{
	char buf[9];

	memcpy(buf, p, 8);
	buf[8] = '\0';
	return strtoull(buf, NULL, 16);
}

/* Length of the newc cpio archive at buf, up to and including its trailer
 * and padding; 0 when it is not one or is cut short. */
static size_t cpio_length(const char *buf, size_t len)
{
	size_t off = 0;

	while (off + 110 <= len && (memcmp(buf + off, "070701", 6) == 0 ||
				    memcmp(buf + off, "070702", 6) == 0)) {
		uint64_t fsize = hex8(buf + off + 54), nsize = hex8(buf + off + 94);
		bool trailer = nsize == 11 && off + 110 + 11 <= len &&
			       memcmp(buf + off + 110, "TRAILER!!!", 10) == 0;

		off = (off + 110 + nsize + 3) & ~(size_t)3;
		off = (off + fsize + 3) & ~(size_t)3;
		if (trailer) {
			while (off < len && buf[off] == '\0')
				off++;
			return off <= len ? off : 0;
		}
	}
	return 0;
}

static int count_decompressed(const char *program, int in_fd, uint64_t *count)
{
	int pipefd[2], status;
	char buf[65536];
	ssize_t n;
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid == 0) {
		dup2(in_fd, STDIN_FILENO);
		dup2(pipefd[1], STDOUT_FILENO);
		execlp(program, program, "-dc", (char *)NULL);
		_exit(127);
	}
	close(pipefd[1]);
	if (pid < 0) {
		close(pipefd[0]);
		return -errno;
	}
	*count = 0;
	while ((n = read(pipefd[0], buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR))
		*count += n > 0 ? (uint64_t)n : 0;
	close(pipefd[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return -ENOENT;
	/* a trailing garbage warning still leaves the counted archive */
	return WIFEXITED(status) && WEXITSTATUS(status) <= 2 ? 0 : -EIO;
}

int initramfs_unpacked_size(const char *path, uint64_t *size)
{
	_cleanup_free_ char *buf = NULL;
	_cleanup_close_ int fd = -1;
	ssize_t n = read_file(path, &buf);
	size_t off = 0, seg;

	if (n < 0)
		return (int)n;
	*size = 0;
	while ((seg = cpio_length(buf + off, (size_t)n - off)) > 0) {
		*size += seg;
		off += seg;
	}
	if (off == (size_t)n)
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(formats); i++) {
		uint64_t count;
		int r;

		if ((size_t)n - off < formats[i].len || memcmp(buf + off, formats[i].magic, formats[i].len))
			continue;
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return -errno;
		if (lseek(fd, (off_t)off, SEEK_SET) < 0)
			return -errno;
		r = count_decompressed(formats[i].program, fd, &count);
		if (r < 0)
			return r;
		*size += count;
		return 0;
	}
	return -EPROTONOSUPPORT;
}
