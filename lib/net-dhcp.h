/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KDUMP_NET_DHCP_H
#define KDUMP_NET_DHCP_H

#include "net-config.h"

/*
 * DHCP for the capture's network (KDUMP_NET=dhcp in the defaults file):
 * the record says dhcp=1 and carries no address, prefix or gateway; in
 * the crash kernel net_config_apply() brings the interface up as for a
 * static record and then, instead of adding the recorded address and
 * route, runs the DHCP client on it (net_dhcp_lease). IPv4 only.
 */

/* The client the capture image carries: Debian's dhcpcd (dhcpcd-base). */
#define NET_DHCP_CLIENT "dhcpcd"

/* Its absolute path as the image will have it, found under root in
 * /usr/sbin, /sbin, /usr/bin or /bin; into *path (malloc'ed). Returns 0,
 * -ENOENT or -ENOMEM. */
int net_dhcp_find_client(const char *root, char **path);

/* Turn the host's record into a DHCP one: dhcp set, the host's address,
 * prefix and gateway dropped (the crash kernel gets its own, and a new
 * lease on the host must not make the image stale). Returns 0, or
 * -EAFNOSUPPORT when the server is reached over IPv6. */
int net_config_use_dhcp(struct net_config *nc);

/*
 * In the crash kernel, on the interface at index, up and with carrier:
 * run the client once in the foreground, IPv4 only, without config file
 * or hook script, for at most timeout_ms (then SIGTERM, and SIGKILL a
 * second later: nothing of it is left running), then ask the kernel how
 * it routes nc->server: it must go out through that interface. Returns
 * 0, -ETIMEDOUT, -ENOENT (no client in the image), -EIO (the client
 * failed), -ENETUNREACH (the lease gives no route to the server) or
 * another negative errno; *why names it (a static string).
 */
int net_dhcp_lease(const struct net_config *nc, unsigned int index, unsigned int timeout_ms,
		   const char **why);

#endif
