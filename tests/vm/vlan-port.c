// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vlan-port: a switch's access port for one VLAN, between a QEMU guest's
 * NIC (-netdev stream on a UNIX socket: each frame preceded by its length,
 * 32 bits big-endian) and a tap device in the network namespace of the
 * test's server (tests/vm/vlan-server.sh). Frames from the guest pass only
 * when they carry an 802.1Q tag with the port's VLAN id, and lose it;
 * frames to the guest get it. Untagged frames and other VLANs are dropped,
 * so the server is reachable through the VLAN alone. The host kernel needs
 * no VLAN support for this. On SIGTERM it prints what passed and exits.
 *
 * Usage: vlan-port SOCKET VID TAP
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define FRAME_MAX 65536

static volatile sig_atomic_t stop;
static unsigned long passed, dropped, tagged;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static int tap_open(const char *name)
{
	struct ifreq ifr = { 0 };
	int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return -1;
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int unix_listen(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || strlen(path) >= sizeof(sa.sun_path))
		return -1;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	unlink(path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 1) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* 0, or -1 at the end of the stream, an error or SIGTERM */
static int read_full(int fd, unsigned char *buf, size_t len)
{
	while (len) {
		ssize_t n = read(fd, buf, len);

		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static int write_full(int fd, const unsigned char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* one frame from the guest: to the tap untagged, or dropped */
static int from_guest(int conn, int tap, unsigned int vid)
{
	static unsigned char f[FRAME_MAX];
	unsigned char hdr[4];
	uint32_t len;

	if (read_full(conn, hdr, 4) < 0)
		return -1;
	len = (uint32_t)hdr[0] << 24 | (uint32_t)hdr[1] << 16 | (uint32_t)hdr[2] << 8 | hdr[3];
	if (len > sizeof(f) || read_full(conn, f, len) < 0)
		return -1;
	if (len < 18 || f[12] != 0x81 || f[13] != 0x00 || ((f[14] << 8 | f[15]) & 0xfff) != vid) {
		dropped++;
		return 0;
	}
	memmove(f + 12, f + 16, len - 16);
	passed++;
	/* a full tap queue drops the frame, as a switch would */
	if (write(tap, f, len - 4) < 0 && errno != EAGAIN)
		return -1;
	return 0;
}

/* one frame from the server: to the guest with the tag */
static int to_guest(int tap, int conn, unsigned int vid)
{
	static unsigned char f[FRAME_MAX + 8];
	ssize_t n = read(tap, f + 8, FRAME_MAX);
	uint32_t len;

	if (n < 12)
		return n < 0 && errno != EAGAIN ? -1 : 0;
	len = (uint32_t)n + 4;
	f[0] = (unsigned char)(len >> 24);
	f[1] = (unsigned char)(len >> 16);
	f[2] = (unsigned char)(len >> 8);
	f[3] = (unsigned char)len;
	memmove(f + 4, f + 8, 12);
	f[16] = 0x81;
	f[17] = 0x00;
	f[18] = (unsigned char)(vid >> 8);
	f[19] = (unsigned char)vid;
	tagged++;
	return write_full(conn, f, len + 4);
}

static void relay(int conn, int tap, unsigned int vid)
{
	struct pollfd p[2] = { { .fd = conn, .events = POLLIN }, { .fd = tap, .events = POLLIN } };

	while (!stop) {
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		if ((p[0].revents & (POLLIN | POLLHUP | POLLERR)) && from_guest(conn, tap, vid) < 0)
			return;
		if ((p[1].revents & POLLIN) && to_guest(tap, conn, vid) < 0)
			return;
	}
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_term };
	unsigned int vid;
	int tap, lfd, conn;

	if (argc != 4 || (vid = (unsigned int)atoi(argv[2])) < 1 || vid > 4094) {
		fprintf(stderr, "usage: vlan-port SOCKET VID TAP\n");
		return 2;
	}
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	tap = tap_open(argv[3]);
	if (tap < 0) {
		perror("vlan-port: tap");
		return 1;
	}
	fcntl(tap, F_SETFL, O_NONBLOCK);
	lfd = unix_listen(argv[1]);
	if (lfd < 0) {
		perror("vlan-port: socket");
		return 1;
	}
	fprintf(stderr, "vlan-port: VLAN %u between %s and %s\n", vid, argv[1], argv[3]);
	/* a guest that reboots connects again */
	while (!stop && (conn = accept(lfd, NULL, NULL)) >= 0) {
		relay(conn, tap, vid);
		close(conn);
	}
	fprintf(stderr, "vlan-port: %lu frames of VLAN %u passed to the server, %lu dropped "
		"(untagged or another VLAN), %lu sent to the guest tagged\n", passed, vid, dropped,
		tagged);
	return 0;
}
