/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KDUMP_NET_PRIVATE_H
#define KDUMP_NET_PRIVATE_H

/* Shared by net-config.c, net-apply.c and net-dhcp.c: rtnetlink requests. */
#include <libmnl/libmnl.h>
#include <netinet/in.h>

/* A bound NETLINK_ROUTE socket; returns 0 or -errno. */
int rtnl_open(struct mnl_socket **nl);

/* Send req (NLM_F_REQUEST and NLM_F_ACK are added) and
 * read the answer up to the ACK, each message through cb. Returns 0 or -errno (a
 * netlink error's). */
int rtnl_talk(struct mnl_socket *nl, struct nlmsghdr *req, mnl_cb_t cb, void *data);

/* How the kernel routes to address (text, of family): the output
 * interface, the gateway ("" on the link) and the preferred source.
 * Returns 0 or -errno (-ENETUNREACH: no route). */
struct rtnl_route {
	unsigned int oif;
	unsigned char type;		/* RTN_UNICAST, RTN_LOCAL, ... */
	char gateway[INET6_ADDRSTRLEN];
	char prefsrc[INET6_ADDRSTRLEN];
};

int rtnl_route_to(struct mnl_socket *nl, int family, const char *address, struct rtnl_route *rt);

/* The bounded waits of the crash kernel's network (net-apply.c): the
 * CLOCK_MONOTONIC time in milliseconds, and one poll interval's sleep. */
unsigned long long net_now_ms(void);
void net_nap(void);

#endif
