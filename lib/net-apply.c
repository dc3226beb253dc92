// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Bringing up the capture's network in the crash kernel (net-config.h)
 * through rtnetlink: no ip(8), no shell. A DHCP record gets its address
 * from dhcpcd instead of the recorded one (net-dhcp.c).
 *
 * Rules:
 *  - The interface is the one whose MAC address is the recorded one, as
 *    /sys/class/net/<if>/address shows it: interface names differ in the
 *    crash kernel (no udev renames there).
 *  - Every wait polls every 100 ms against one deadline: the interface to
 *    appear (its driver binds while the modules load), then its carrier.
 *  - A VLAN is created on that interface once it has its carrier, under
 *    the name it has on the host (nothing else in the crash kernel has
 *    it); the address and the route go on the VLAN.
 *  - A VLAN, address or route that exists already (EEXIST) counts as added.
 */
/* net/if.h before the kernel's headers, which then leave its names alone */
#include <net/if.h>
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "net-config.h"
#include "net-dhcp.h"
#include "net-private.h"
#include "util.h"

#define POLL_MS 100

unsigned long long net_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000 + (unsigned long long)ts.tv_nsec / 1000000;
}

void net_nap(void)
{
	struct timespec ts = { 0, POLL_MS * 1000000L };

	nanosleep(&ts, NULL);
}

/* the interface with mac, by /sys/class/net; 0 when none */
static unsigned int find_by_mac(const unsigned char mac[6], char name[IF_NAMESIZE])
{
	char want[18], path[300], *have = NULL;
	unsigned int index = 0;
	struct dirent *de;
	DIR *d;

	snprintf(want, sizeof(want), "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2],
		 mac[3], mac[4], mac[5]);
	d = opendir("/sys/class/net");
	if (!d)
		return 0;
	while (!index && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || strlen(de->d_name) >= IF_NAMESIZE)
			continue;
		snprintf(path, sizeof(path), "/sys/class/net/%s/address", de->d_name);
		if (read_first_line(path, &have) == 0 && streq(have, want)) {
			index = if_nametoindex(de->d_name);
			snprintf(name, IF_NAMESIZE, "%s", de->d_name);
		}
		free(have);
		have = NULL;
	}
	closedir(d);
	return index;
}

static bool has_carrier(const char *name)
{
	_cleanup_free_ char *v = NULL;
	char path[300];

	snprintf(path, sizeof(path), "/sys/class/net/%s/carrier", name);
	return read_first_line(path, &v) == 0 && streq(v, "1");
}

static int link_up(struct mnl_socket *nl, unsigned int index, unsigned int mtu)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifi;

	nlh->nlmsg_type = RTM_NEWLINK;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = (int)index;
	ifi->ifi_flags = IFF_UP;
	ifi->ifi_change = IFF_UP;
	if (mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	return rtnl_talk(nl, nlh, NULL, NULL);
}

/* RTM_NEWLINK of the VLAN nc describes on the device at lower; its index */
static int vlan_create(struct mnl_socket *nl, const struct net_config *nc, unsigned int lower,
		       unsigned int *index)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nlattr *info, *data;
	struct ifinfomsg *ifi;
	int r;

	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_u32(nlh, IFLA_LINK, lower);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, nc->vlan_ifname);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "vlan");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	mnl_attr_put_u16(nlh, IFLA_VLAN_ID, (uint16_t)nc->vlan_id);
	mnl_attr_put_u16(nlh, IFLA_VLAN_PROTOCOL, htons((uint16_t)nc->vlan_protocol));
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	r = rtnl_talk(nl, nlh, NULL, NULL);
	if (r < 0 && r != -EEXIST)
		return r;
	*index = if_nametoindex(nc->vlan_ifname);
	return *index ? 0 : -ENODEV;
}

static int put_addr(struct nlmsghdr *nlh, int type, int family, const char *text)
{
	unsigned char a[16];

	if (inet_pton(family, text, a) != 1)
		return -EINVAL;
	mnl_attr_put(nlh, (uint16_t)type, family == AF_INET ? 4 : 16, a);
	return 0;
}

static int add_address(struct mnl_socket *nl, const struct net_config *nc, unsigned int index)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifaddrmsg *ifa;
	int r;

	/* the DHCP client's, once the link is up (net_dhcp_lease) */
	if (nc->dhcp)
		return 0;
	nlh->nlmsg_type = RTM_NEWADDR;
	nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = (unsigned char)nc->family;
	ifa->ifa_prefixlen = (unsigned char)nc->prefix;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = index;
	r = put_addr(nlh, IFA_LOCAL, nc->family, nc->address) ?:
	    put_addr(nlh, IFA_ADDRESS, nc->family, nc->address);
	if (r < 0)
		return r;
	/* no duplicate address detection: the address is the crashed host's */
	if (nc->family == AF_INET6)
		mnl_attr_put_u32(nlh, IFA_FLAGS, IFA_F_NODAD);
	r = rtnl_talk(nl, nlh, NULL, NULL);
	return r == -EEXIST ? 0 : r;
}

/* a host route to the server: through the gateway, or on the link */
static int add_route(struct mnl_socket *nl, const struct net_config *nc, unsigned int index)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtmsg *rtm;
	int r;

	if (nc->dhcp)
		return 0;
	nlh->nlmsg_type = RTM_NEWROUTE;
	nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = (unsigned char)nc->family;
	rtm->rtm_dst_len = nc->family == AF_INET ? 32 : 128;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_BOOT;
	rtm->rtm_scope = *nc->gateway ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
	rtm->rtm_type = RTN_UNICAST;
	r = put_addr(nlh, RTA_DST, nc->family, nc->server);
	if (r == 0 && *nc->gateway)
		r = put_addr(nlh, RTA_GATEWAY, nc->family, nc->gateway);
	if (r < 0)
		return r;
	mnl_attr_put_u32(nlh, RTA_OIF, index);
	r = rtnl_talk(nl, nlh, NULL, NULL);
	return r == -EEXIST ? 0 : r;
}

/* The VLAN on the device at lower, up with its MTU; its index. */
static int vlan_up(struct mnl_socket *nl, const struct net_config *nc, unsigned int lower,
		   unsigned long long deadline, unsigned int *index, const char **why)
{
	int r = vlan_create(nl, nc, lower, index);

	if (r == -EOPNOTSUPP) {
		*why = "the kernel cannot create VLAN devices (is the 8021q module in the image?)";
		return r;
	}
	if (r < 0) {
		*why = "cannot create the VLAN device";
		return r;
	}
	r = link_up(nl, *index, nc->vlan_mtu);
	if (r < 0) {
		*why = "cannot bring the VLAN device up";
		return r;
	}
	while (!has_carrier(nc->vlan_ifname) && net_now_ms() < deadline)
		net_nap();
	if (!has_carrier(nc->vlan_ifname)) {
		*why = "the VLAN device did not come up (no carrier)";
		return -ETIMEDOUT;
	}
	return 0;
}

int net_config_apply(const struct net_config *nc, unsigned int timeout_ms, const char **why)
{
	unsigned long long deadline = net_now_ms() + timeout_ms;
	char name[IF_NAMESIZE] = "";
	struct mnl_socket *nl = NULL;
	unsigned int index, lo = if_nametoindex("lo");
	int r;

	*why = "";
	r = rtnl_open(&nl);
	if (r < 0) {
		*why = "cannot open an rtnetlink socket";
		return r;
	}
	if (lo)
		link_up(nl, lo, 0);
	while (!(index = find_by_mac(nc->mac, name)) && net_now_ms() < deadline)
		net_nap();
	if (!index) {
		*why = "no interface with the recorded MAC address appeared (is its driver in the image?)";
		r = -ETIMEDOUT;
		goto out;
	}
	r = link_up(nl, index, nc->mtu);
	if (r < 0) {
		*why = "cannot bring the interface up";
		goto out;
	}
	while (!has_carrier(name) && net_now_ms() < deadline)
		net_nap();
	if (!has_carrier(name)) {
		*why = "the link did not come up (no carrier)";
		r = -ETIMEDOUT;
		goto out;
	}
	if (nc->vlan_id) {
		r = vlan_up(nl, nc, index, deadline, &index, why);
		if (r < 0)
			goto out;
	}
	r = add_address(nl, nc, index);
	if (r < 0) {
		*why = "cannot add the address";
		goto out;
	}
	r = add_route(nl, nc, index);
	if (r < 0)
		*why = "cannot add the route to the server";
	if (r == 0 && nc->dhcp)
		r = net_dhcp_lease(nc, index, deadline > net_now_ms() ? (unsigned int)(deadline - net_now_ms()) : 0,
				   why);
out:
	mnl_socket_close(nl);
	return r;
}
