/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KDUMP_NET_CONFIG_H
#define KDUMP_NET_CONFIG_H

#include <netinet/in.h>
#include <stdbool.h>

/*
 * The network a capture needs to reach its server, as the host has it when
 * the capture image is built: the Ethernet device the kernel routes the
 * server's address through (found again in the crash kernel by its MAC
 * address), its driver, MTU, the host's address and prefix on it and the
 * gateway, if the server is not on the link. When the route goes through
 * a VLAN, the Ethernet device is the VLAN's lower device and the VLAN,
 * created again on it, carries the address and the route. Read and
 * applied through rtnetlink with libmnl (net-config.c, net-apply.c).
 */
struct net_config {
	char ifname[16];		/* IF_NAMESIZE (net/if.h clashes with linux/if.h) */	/* on the host; the crash kernel's may differ */
	unsigned char mac[6];
	char driver[64];		/* kernel module, "" when built in or unknown */
	unsigned int mtu;
	unsigned int vlan_id;		/* 1 to 4094; 0: no VLAN, the fields below unused */
	unsigned int vlan_protocol;	/* ETH_P_8021Q or ETH_P_8021AD */
	char vlan_ifname[16];		/* the VLAN device's name, given to it again */
	unsigned int vlan_mtu;
	int family;			/* AF_INET or AF_INET6 */
	char address[INET6_ADDRSTRLEN];	/* the host's address on the interface */
	unsigned int prefix;
	char gateway[INET6_ADDRSTRLEN];	/* "" when the server is on the link */
	char server[INET6_ADDRSTRLEN];	/* the server's address */
	bool dhcp;			/* the address from DHCP in the crash kernel: no
					 * address, prefix or gateway (net-dhcp.h) */
};

/*
 * Resolve host (a name or an address) and ask the kernel how it reaches
 * it. Returns 0 and *nc, or -EHOSTUNREACH (no route, or the route is the
 * loopback: the server is this host), -ENOTSUP (the interface is neither
 * an Ethernet device nor a VLAN on one: a bridge, bond, tunnel, VLAN on
 * VLAN, ...), -ENOENT (the name does not resolve), or another negative
 * errno. *why names what was missing, for the message (a static string).
 */
int net_config_capture(const char *host, struct net_config *nc, const char **why);

/* "key=value" lines, one per field (the image's record and part of the
 * staleness record), and back; the vlan lines only with a VLAN, so that
 * the record of a host without one is what it was before VLANs. Returns
 * 0, -ENOMEM or -EINVAL. */
int net_config_format(const struct net_config *nc, char **text);
int net_config_parse(const char *text, struct net_config *nc);

/*
 * In the crash kernel: bring up lo, wait up to timeout_ms for the
 * interface with nc->mac to appear, set its MTU, bring it up, wait for its
 * carrier (same deadline); with a VLAN, create it on that interface, set
 * its MTU and bring it up; add the address and, with a gateway, a route
 * to the server through it (the VLAN, if any). Returns 0, -ETIMEDOUT
 * (*why says whether the interface or the carrier never came),
 * -EOPNOTSUPP (the kernel cannot make VLANs: 8021q missing), or another
 * negative errno.
 */
int net_config_apply(const struct net_config *nc, unsigned int timeout_ms, const char **why);

#endif
