// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The network configuration a capture needs (net-config.h): read from the
 * running kernel through rtnetlink, written as a record, read back.
 *
 * libmnl rather than libnl: the capture image carries it, and libmnl is a
 * 30 KB library without dependencies that builds and parses netlink
 * messages and nothing more; libnl-route brings libnl-3, an object cache
 * and about ten times the size, for the five requests made here. Both are
 * in every distribution.
 *
 * Rules:
 *  - The route is the kernel's answer to RTM_GETROUTE for the server's
 *    first address getaddrinfo() returns: its output interface, gateway
 *    and preferred source. The address recorded is that source, or else
 *    the first global address of the family on the interface.
 *  - The interface must be an Ethernet device (ARPHRD_ETHER) that is not
 *    stacked on others (bridge, bond, team, macvlan, ipvlan, vxlan, geneve,
 *    tun, ...): one the crash kernel finds by MAC and configures alone, or
 *    a VLAN (802.1Q or 802.1ad) directly on such a device, which the crash
 *    kernel creates again on the device it found. Others, VLAN on VLAN
 *    included, are refused with -ENOTSUP and a message naming the kind.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if_arp.h>
#include <linux/if_ether.h>
#include <linux/rtnetlink.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "net-config.h"
#include "net-private.h"
#include "util.h"

/* ---- rtnetlink -------------------------------------------------------------- */

int rtnl_open(struct mnl_socket **out)
{
	struct mnl_socket *nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);

	if (!nl)
		return -errno;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		int r = -errno;

		mnl_socket_close(nl);
		return r;
	}
	*out = nl;
	return 0;
}

int rtnl_talk(struct mnl_socket *nl, struct nlmsghdr *req, mnl_cb_t cb, void *data)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	unsigned int portid = mnl_socket_get_portid(nl);
	unsigned int seq = (unsigned int)time(NULL);
	ssize_t n;
	int r;

	req->nlmsg_seq = seq;
	/* an ACK after a single answer too: it ends the wait */
	req->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	if (mnl_socket_sendto(nl, req, req->nlmsg_len) < 0)
		return -errno;
	do {
		n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (n < 0)
			return -errno;
		r = mnl_cb_run(buf, (size_t)n, seq, portid, cb, data);
	} while (r > 0);
	return r < 0 ? -errno : 0;
}

/* ---- reading the host's configuration ----------------------------------------- */

struct attrs {
	const struct nlattr *tb[128];
	unsigned int max;
};

_Static_assert(IFLA_MAX < 128 && RTA_MAX < 128 && IFA_MAX < 128, "attribute table too small");

static int attr_cb(const struct nlattr *a, void *data)
{
	struct attrs *at = data;
	unsigned int type = mnl_attr_get_type(a);

	if (type <= at->max)
		at->tb[type] = a;
	return MNL_CB_OK;
}

static void addr_text(int family, const struct nlattr *a, char *out, size_t len)
{
	if (a && mnl_attr_get_payload_len(a) == (family == AF_INET ? 4 : 16))
		inet_ntop(family, mnl_attr_get_payload(a), out, (socklen_t)len);
}

struct route_reply {
	int family;
	unsigned int oif;
	char gateway[INET6_ADDRSTRLEN];
	char prefsrc[INET6_ADDRSTRLEN];
	unsigned char type;
};

static int route_cb(const struct nlmsghdr *nlh, void *data)
{
	struct route_reply *rr = data;
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	struct attrs at = { .max = RTA_MAX };

	mnl_attr_parse(nlh, sizeof(*rtm), attr_cb, &at);
	rr->type = rtm->rtm_type;
	if (at.tb[RTA_OIF])
		rr->oif = mnl_attr_get_u32(at.tb[RTA_OIF]);
	addr_text(rr->family, at.tb[RTA_GATEWAY], rr->gateway, sizeof(rr->gateway));
	addr_text(rr->family, at.tb[RTA_PREFSRC], rr->prefsrc, sizeof(rr->prefsrc));
	return MNL_CB_OK;
}

static int get_route(struct mnl_socket *nl, int family, const void *dst, struct route_reply *rr)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtmsg *rtm;

	nlh->nlmsg_type = RTM_GETROUTE;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = (unsigned char)family;
	rtm->rtm_dst_len = family == AF_INET ? 32 : 128;
	mnl_attr_put(nlh, RTA_DST, family == AF_INET ? 4 : 16, dst);
	rr->family = family;
	return rtnl_talk(nl, nlh, route_cb, rr);
}

int rtnl_route_to(struct mnl_socket *nl, int family, const char *address, struct rtnl_route *rt)
{
	struct route_reply rr = { 0 };
	unsigned char dst[16];
	int r;

	if (inet_pton(family, address, dst) != 1)
		return -EINVAL;
	r = get_route(nl, family, dst, &rr);
	if (r < 0)
		return r;
	*rt = (struct rtnl_route){ .oif = rr.oif, .type = rr.type };
	snprintf(rt->gateway, sizeof(rt->gateway), "%s", rr.gateway);
	snprintf(rt->prefsrc, sizeof(rt->prefsrc), "%s", rr.prefsrc);
	return 0;
}

struct link_reply {
	char ifname[16];
	unsigned char mac[6];
	unsigned int mtu;
	unsigned short type;
	char kind[16];			/* IFLA_INFO_KIND, "" for a plain device */
	unsigned int lower;		/* IFLA_LINK: the device it is stacked on */
	bool lower_elsewhere;		/* ... in another network namespace */
	unsigned int vlan_id, vlan_protocol;
};

static void vlan_info(const struct nlattr *data, struct link_reply *lr)
{
	struct attrs at = { .max = IFLA_VLAN_MAX };

	mnl_attr_parse_nested(data, attr_cb, &at);
	if (at.tb[IFLA_VLAN_ID])
		lr->vlan_id = mnl_attr_get_u16(at.tb[IFLA_VLAN_ID]);
	/* network byte order, as an ethertype */
	lr->vlan_protocol = ETH_P_8021Q;
	if (at.tb[IFLA_VLAN_PROTOCOL])
		lr->vlan_protocol = ntohs(mnl_attr_get_u16(at.tb[IFLA_VLAN_PROTOCOL]));
}

static void link_info(const struct nlattr *info, struct link_reply *lr)
{
	struct attrs li = { .max = IFLA_INFO_MAX };

	mnl_attr_parse_nested(info, attr_cb, &li);
	if (li.tb[IFLA_INFO_KIND])
		snprintf(lr->kind, sizeof(lr->kind), "%s", mnl_attr_get_str(li.tb[IFLA_INFO_KIND]));
	if (streq(lr->kind, "vlan") && li.tb[IFLA_INFO_DATA])
		vlan_info(li.tb[IFLA_INFO_DATA], lr);
}

static int link_cb(const struct nlmsghdr *nlh, void *data)
{
	struct link_reply *lr = data;
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	struct attrs at = { .max = IFLA_MAX };

	mnl_attr_parse(nlh, sizeof(*ifi), attr_cb, &at);
	lr->type = ifi->ifi_type;
	if (at.tb[IFLA_IFNAME])
		snprintf(lr->ifname, sizeof(lr->ifname), "%s", mnl_attr_get_str(at.tb[IFLA_IFNAME]));
	if (at.tb[IFLA_MTU])
		lr->mtu = mnl_attr_get_u32(at.tb[IFLA_MTU]);
	if (at.tb[IFLA_ADDRESS] && mnl_attr_get_payload_len(at.tb[IFLA_ADDRESS]) == 6)
		memcpy(lr->mac, mnl_attr_get_payload(at.tb[IFLA_ADDRESS]), 6);
	if (at.tb[IFLA_LINK])
		lr->lower = mnl_attr_get_u32(at.tb[IFLA_LINK]);
	lr->lower_elsewhere = at.tb[IFLA_LINK_NETNSID] != NULL;
	if (at.tb[IFLA_LINKINFO])
		link_info(at.tb[IFLA_LINKINFO], lr);
	return MNL_CB_OK;
}

static int get_link(struct mnl_socket *nl, unsigned int index, struct link_reply *lr)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifi;

	nlh->nlmsg_type = RTM_GETLINK;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = (int)index;
	return rtnl_talk(nl, nlh, link_cb, lr);
}

#define STACKED(k) { k, "the route goes through a " k " device; only an Ethernet device, " \
			"or a VLAN on one, is supported" }

/* Why a device on top of others is refused (the crash kernel would have to
 * build it), or NULL for a plain one. A device of another kind that is
 * Ethernet (veth, dummy) is taken as it is. */
static const char *stacked_why(const char *kind)
{
	static const struct {
		const char *kind, *why;
	} kinds[] = { STACKED("bridge"), STACKED("bond"), STACKED("team"), STACKED("macvlan"),
		      STACKED("macvtap"), STACKED("ipvlan"), STACKED("vxlan"), STACKED("geneve"),
		      STACKED("tun"), STACKED("hsr"), STACKED("macsec") };

	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++)
		if (streq(kind, kinds[i].kind))
			return kinds[i].why;
	return NULL;
}

/* An Ethernet device the crash kernel finds by its MAC alone, or why not */
static const char *plain_why(const struct link_reply *lr)
{
	if (stacked_why(lr->kind))
		return stacked_why(lr->kind);
	if (lr->type != ARPHRD_ETHER)
		return "the route goes through an interface that is not an Ethernet device";
	return NULL;
}

/* The lower device of the VLAN the route goes through, into *lower: it
 * must be a plain Ethernet device. */
static int vlan_lower(struct mnl_socket *nl, const struct link_reply *vlan,
		      struct link_reply *lower, const char **why)
{
	int r;

	*why = NULL;
	if (!vlan->vlan_id)
		*why = "cannot read the VLAN id of the interface the route goes through";
	else if (!vlan->lower || vlan->lower_elsewhere)
		*why = "the route goes through a VLAN whose lower device is in another "
		       "network namespace";
	if (*why)
		return -ENOTSUP;
	r = get_link(nl, vlan->lower, lower);
	if (r < 0) {
		*why = "cannot read the device the VLAN is on";
		return r;
	}
	if (streq(lower->kind, "vlan"))
		*why = "the route goes through a VLAN on a VLAN (QinQ), which is not supported";
	else if (lower->type != ARPHRD_ETHER)
		*why = "the route goes through a VLAN on a device that is not Ethernet";
	else if (stacked_why(lower->kind))
		*why = "the route goes through a VLAN on a bridge, bond or other stacked device; "
		       "only a VLAN on an Ethernet device is supported";
	return *why ? -ENOTSUP : 0;
}

/* the devices of the route into *nc: the Ethernet device and its VLAN, if any */
static int route_devices(struct mnl_socket *nl, unsigned int oif, struct net_config *nc,
			 const char **why)
{
	struct link_reply dev = { 0 }, lower = { 0 };
	const struct link_reply *eth = &dev;
	int r = get_link(nl, oif, &dev);

	if (r < 0) {
		*why = "cannot read the interface the route goes through";
		return r;
	}
	if (streq(dev.kind, "vlan")) {
		r = vlan_lower(nl, &dev, &lower, why);
		if (r < 0)
			return r;
		nc->vlan_id = dev.vlan_id;
		nc->vlan_protocol = dev.vlan_protocol;
		nc->vlan_mtu = dev.mtu;
		memcpy(nc->vlan_ifname, dev.ifname, sizeof(nc->vlan_ifname));
		eth = &lower;
	} else if ((*why = plain_why(&dev)) != NULL) {
		return -ENOTSUP;
	}
	memcpy(nc->ifname, eth->ifname, sizeof(nc->ifname));
	memcpy(nc->mac, eth->mac, sizeof(nc->mac));
	nc->mtu = eth->mtu;
	return 0;
}

struct addr_reply {
	unsigned int index;
	int family;
	const char *want;		/* the preferred source, or "" */
	char address[INET6_ADDRSTRLEN];
	unsigned int prefix;
	bool exact;
};

static int addr_cb(const struct nlmsghdr *nlh, void *data)
{
	struct addr_reply *ar = data;
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	struct attrs at = { .max = IFA_MAX };
	char a[INET6_ADDRSTRLEN] = "";

	if (ifa->ifa_index != ar->index || ifa->ifa_family != ar->family ||
	    ifa->ifa_scope != RT_SCOPE_UNIVERSE || ar->exact)
		return MNL_CB_OK;
	mnl_attr_parse(nlh, sizeof(*ifa), attr_cb, &at);
	addr_text(ar->family, at.tb[IFA_LOCAL] ? at.tb[IFA_LOCAL] : at.tb[IFA_ADDRESS], a,
		  sizeof(a));
	if (!*a)
		return MNL_CB_OK;
	ar->exact = streq(a, ar->want);
	if (ar->exact || !*ar->address) {
		snprintf(ar->address, sizeof(ar->address), "%s", a);
		ar->prefix = ifa->ifa_prefixlen;
	}
	return MNL_CB_OK;
}

static int get_addr(struct mnl_socket *nl, struct addr_reply *ar)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifaddrmsg *ifa;

	nlh->nlmsg_type = RTM_GETADDR;
	nlh->nlmsg_flags = NLM_F_DUMP;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = (unsigned char)ar->family;
	return rtnl_talk(nl, nlh, addr_cb, ar);
}

/* the module of /sys/class/net/IF/device/driver, or "" (built in, virtual) */
static void read_driver(const char *ifname, char *out, size_t len)
{
	char path[128], target[256];
	const char *base;
	ssize_t n;

	*out = '\0';
	snprintf(path, sizeof(path), "/sys/class/net/%s/device/driver/module", ifname);
	n = readlink(path, target, sizeof(target) - 1);
	if (n <= 0)
		return;
	target[n] = '\0';
	base = strrchr(target, '/') ? strrchr(target, '/') + 1 : target;
	if (strlen(base) < len)
		memcpy(out, base, strlen(base) + 1);
}

int net_config_capture(const char *host, struct net_config *nc, const char **why)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai = NULL;
	struct route_reply rr = { 0 };
	struct addr_reply ar = { 0 };
	struct mnl_socket *nl = NULL;
	const void *dst;
	int r;

	*nc = (struct net_config){ 0 };
	*why = "";
	r = getaddrinfo(host, NULL, &hints, &ai);
	if (r != 0) {
		*why = r == EAI_SYSTEM ? strerror(errno) : gai_strerror(r);
		return -ENOENT;
	}
	nc->family = ai->ai_family;
	dst = nc->family == AF_INET ? (const void *)&((struct sockaddr_in *)ai->ai_addr)->sin_addr
				    : (const void *)&((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr;
	inet_ntop(nc->family, dst, nc->server, sizeof(nc->server));
	r = rtnl_open(&nl);
	if (r == 0)
		r = get_route(nl, nc->family, dst, &rr);
	freeaddrinfo(ai);
	if (r < 0) {
		*why = "the kernel has no route to it";
		goto out;
	}
	if (rr.type == RTN_LOCAL || !rr.oif) {
		*why = rr.type == RTN_LOCAL ? "it is this host" : "the route has no interface";
		r = -EHOSTUNREACH;
		goto out;
	}
	snprintf(nc->gateway, sizeof(nc->gateway), "%s", rr.gateway);
	r = route_devices(nl, rr.oif, nc, why);
	if (r < 0)
		goto out;
	ar.index = rr.oif;
	ar.family = nc->family;
	ar.want = rr.prefsrc;
	r = get_addr(nl, &ar);
	if (r == 0 && !*ar.address) {
		*why = "the interface has no global address of the server's family";
		r = -EADDRNOTAVAIL;
	}
	if (r < 0)
		goto out;
	snprintf(nc->address, sizeof(nc->address), "%s", ar.address);
	nc->prefix = ar.prefix;
	read_driver(nc->ifname, nc->driver, sizeof(nc->driver));
out:
	if (nl)
		mnl_socket_close(nl);
	return r;
}

/* ---- the record ------------------------------------------------------------------ */

static const char *vlan_protocol_name(unsigned int protocol)
{
	return protocol == ETH_P_8021AD ? "802.1ad" : "802.1Q";
}

int net_config_format(const struct net_config *nc, char **text)
{
	const unsigned char *m = nc->mac;
	_cleanup_free_ char *vlan = NULL;
	int n;

	if (nc->vlan_id &&
	    asprintf(&vlan, "vlan=%u\nvlan_protocol=%s\nvlan_ifname=%s\nvlan_mtu=%u\n", nc->vlan_id,
		     vlan_protocol_name(nc->vlan_protocol), nc->vlan_ifname, nc->vlan_mtu) < 0)
		return -ENOMEM;
	n = asprintf(text,
		     "ifname=%s\nmac=%02x:%02x:%02x:%02x:%02x:%02x\ndriver=%s\nmtu=%u\n"
		     "family=%s\naddress=%s\nprefix=%u\ngateway=%s\nserver=%s\ndhcp=%d\n%s",
		     nc->ifname, m[0], m[1], m[2], m[3], m[4], m[5], nc->driver, nc->mtu,
		     nc->family == AF_INET6 ? "inet6" : "inet", nc->address, nc->prefix,
		     nc->gateway, nc->server, nc->dhcp, vlan ? vlan : "");
	return n < 0 ? -ENOMEM : 0;
}

static int parse_uint(const char *v, unsigned int max, unsigned int *out)
{
	char *end;
	unsigned long n;

	errno = 0;
	n = strtoul(v, &end, 10);
	if (!*v || *end || errno || n > max)
		return -EINVAL;
	*out = (unsigned int)n;
	return 0;
}

static int parse_field(struct net_config *nc, const char *key, const char *v)
{
	unsigned char probe[16];
	unsigned int u;
	int end = 0;

	if (streq(key, "ifname"))
		return snprintf(nc->ifname, sizeof(nc->ifname), "%s", v) < (int)sizeof(nc->ifname) ? 0 : -EINVAL;
	if (streq(key, "mac"))
		return sscanf(v, "%2hhx:%2hhx:%2hhx:%2hhx:%2hhx:%2hhx%n", &nc->mac[0], &nc->mac[1],
			      &nc->mac[2], &nc->mac[3], &nc->mac[4], &nc->mac[5], &end) == 6 &&
		       v[end] == '\0' ? 0 : -EINVAL;
	if (streq(key, "driver"))
		return snprintf(nc->driver, sizeof(nc->driver), "%s", v) < (int)sizeof(nc->driver) ? 0 : -EINVAL;
	if (streq(key, "mtu"))
		return parse_uint(v, 65535, &nc->mtu);
	if (streq(key, "family")) {
		nc->family = streq(v, "inet") ? AF_INET : streq(v, "inet6") ? AF_INET6 : 0;
		return nc->family ? 0 : -EINVAL;
	}
	if (streq(key, "prefix"))
		return parse_uint(v, 128, &nc->prefix);
	if (streq(key, "vlan"))
		return parse_uint(v, 4094, &nc->vlan_id) ?: nc->vlan_id ? 0 : -EINVAL;
	if (streq(key, "vlan_protocol")) {
		nc->vlan_protocol = streq(v, "802.1Q") ? ETH_P_8021Q : 0;
		if (streq(v, "802.1ad"))
			nc->vlan_protocol = ETH_P_8021AD;
		return nc->vlan_protocol ? 0 : -EINVAL;
	}
	if (streq(key, "vlan_ifname"))
		return *v && snprintf(nc->vlan_ifname, sizeof(nc->vlan_ifname), "%s", v) <
				     (int)sizeof(nc->vlan_ifname) ? 0 : -EINVAL;
	if (streq(key, "vlan_mtu"))
		return parse_uint(v, 65535, &nc->vlan_mtu);
	if (streq(key, "dhcp")) {
		if (parse_uint(v, 1, &u) < 0)
			return -EINVAL;
		nc->dhcp = u;
		return 0;
	}
	/* the addresses, checked against the family once it is known */
	if (streq(key, "address") || streq(key, "gateway") || streq(key, "server")) {
		char *f = streq(key, "address") ? nc->address : streq(key, "gateway") ? nc->gateway
										   : nc->server;

		if (*v && inet_pton(AF_INET, v, probe) != 1 && inet_pton(AF_INET6, v, probe) != 1)
			return -EINVAL;
		snprintf(f, INET6_ADDRSTRLEN, "%s", v);
		return 0;
	}
	return -EINVAL;
}

/* vlan_* keys belong to a vlan= line; the protocol defaults to 802.1Q and
 * the name to vlan<id> */
static int vlan_complete(struct net_config *nc)
{
	if (!nc->vlan_id)
		return nc->vlan_protocol || *nc->vlan_ifname || nc->vlan_mtu ? -EINVAL : 0;
	if (!nc->vlan_protocol)
		nc->vlan_protocol = ETH_P_8021Q;
	if (!*nc->vlan_ifname)
		snprintf(nc->vlan_ifname, sizeof(nc->vlan_ifname), "vlan%u", nc->vlan_id);
	return 0;
}

int net_config_parse(const char *text, struct net_config *nc)
{
	unsigned char probe[16];

	*nc = (struct net_config){ 0 };
	for (const char *l = text; *l;) {
		size_t len = strcspn(l, "\n");
		char line[256], *eq;

		if (len >= sizeof(line))
			return -EINVAL;
		memcpy(line, l, len);
		line[len] = '\0';
		l += len + (l[len] == '\n');
		if (!*line)
			continue;
		eq = strchr(line, '=');
		if (!eq)
			return -EINVAL;
		*eq = '\0';
		if (parse_field(nc, line, eq + 1) < 0)
			return -EINVAL;
	}
	/* a DHCP record has no address: the crash kernel's comes from the lease */
	if (!nc->family || !*nc->server || (!*nc->address && !nc->dhcp) ||
	    (*nc->address && inet_pton(nc->family, nc->address, probe) != 1) ||
	    inet_pton(nc->family, nc->server, probe) != 1 ||
	    (*nc->gateway && inet_pton(nc->family, nc->gateway, probe) != 1) ||
	    nc->prefix > (nc->family == AF_INET ? 32U : 128U))
		return -EINVAL;
	return vlan_complete(nc);
}
