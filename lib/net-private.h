/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KDUMP_NET_PRIVATE_H
#define KDUMP_NET_PRIVATE_H

/* Shared by net-config.c and net-apply.c: one rtnetlink request. */
#include <libmnl/libmnl.h>

/* A bound NETLINK_ROUTE socket; returns 0 or -errno. */
int rtnl_open(struct mnl_socket **nl);

/* Send req (NLM_F_REQUEST and NLM_F_ACK are added) and
 * read the answer up to the ACK, each message through cb. Returns 0 or -errno (a
 * netlink error's). */
int rtnl_talk(struct mnl_socket *nl, struct nlmsghdr *req, mnl_cb_t cb, void *data);

#endif
