// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The capture's network record (format, parse, bad records) and, in a
 * network namespace of its own when the test may make one (root), the
 * real rtnetlink round: a veth pair configured with ip(8) as a host would
 * be, read with net_config_capture(), wiped, and brought back by
 * net_config_apply() alone; the waits end at their deadline. A VLAN on
 * the veth is read and made again where the kernel has 8021q; where it
 * has not, the apply must say so.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <linux/if_ether.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <time.h>

#include "net-config.h"
#include "shell-cmd.h"
#include "util.h"

#define UNUSED __attribute__((unused))

static const char record[] =
	"ifname=enp1s0\nmac=52:54:00:12:34:56\ndriver=virtio_net\nmtu=1500\nfamily=inet\n"
	"address=10.0.2.15\nprefix=24\ngateway=10.0.2.2\nserver=192.0.2.7\ndhcp=0\n";

static void test_round_trip(void **state UNUSED)
{
	struct net_config nc, back;
	char *text = NULL;

	assert_int_equal(net_config_parse(record, &nc), 0);
	assert_string_equal(nc.ifname, "enp1s0");
	assert_memory_equal(nc.mac, "\x52\x54\x00\x12\x34\x56", 6);
	assert_string_equal(nc.driver, "virtio_net");
	assert_int_equal(nc.mtu, 1500);
	assert_int_equal(nc.family, AF_INET);
	assert_string_equal(nc.address, "10.0.2.15");
	assert_int_equal(nc.prefix, 24);
	assert_string_equal(nc.gateway, "10.0.2.2");
	assert_string_equal(nc.server, "192.0.2.7");
	assert_false(nc.dhcp);
	assert_int_equal(nc.vlan_id, 0);	/* a record of before VLANs: none */
	assert_int_equal(net_config_format(&nc, &text), 0);
	assert_string_equal(text, record);
	assert_int_equal(net_config_parse(text, &back), 0);
	assert_memory_equal(&nc, &back, sizeof(nc));
	free(text);
	/* on the link: no gateway; IPv6 */
	assert_int_equal(net_config_parse("mac=02:00:00:00:00:01\nfamily=inet6\naddress=2001:db8::2\n"
					  "prefix=64\ngateway=\nserver=2001:db8::1\n", &nc), 0);
	assert_int_equal(nc.family, AF_INET6);
	assert_string_equal(nc.gateway, "");
}

static const char vlan_lines[] =
	"vlan=42\nvlan_protocol=802.1Q\nvlan_ifname=enp1s0.42\nvlan_mtu=1496\n";

static void test_round_trip_vlan(void **state UNUSED)
{
	struct net_config nc, back;
	char *in = NULL, *text = NULL;

	assert_true(asprintf(&in, "%s%s", record, vlan_lines) > 0);
	assert_int_equal(net_config_parse(in, &nc), 0);
	assert_string_equal(nc.ifname, "enp1s0");
	assert_int_equal(nc.mtu, 1500);
	assert_int_equal(nc.vlan_id, 42);
	assert_int_equal(nc.vlan_protocol, ETH_P_8021Q);
	assert_string_equal(nc.vlan_ifname, "enp1s0.42");
	assert_int_equal(nc.vlan_mtu, 1496);
	assert_int_equal(net_config_format(&nc, &text), 0);
	assert_string_equal(text, in);
	assert_int_equal(net_config_parse(text, &back), 0);
	assert_memory_equal(&nc, &back, sizeof(nc));
	free(text);
	free(in);
	/* 802.1ad; the name and protocol default */
	assert_true(asprintf(&in, "%svlan=4094\nvlan_protocol=802.1ad\n", record) > 0);
	assert_int_equal(net_config_parse(in, &nc), 0);
	assert_int_equal(nc.vlan_protocol, ETH_P_8021AD);
	assert_string_equal(nc.vlan_ifname, "vlan4094");
	free(in);
	assert_true(asprintf(&in, "%svlan=7\n", record) > 0);
	assert_int_equal(net_config_parse(in, &nc), 0);
	assert_int_equal(nc.vlan_protocol, ETH_P_8021Q);
	free(in);
	/* a changed VLAN is a changed record (the image is rebuilt) */
	nc.vlan_id = 43;
	assert_int_equal(net_config_format(&nc, &text), 0);
	assert_non_null(strstr(text, "vlan=43\n"));
	free(text);
}

static void expect_bad_vlan(const char *lines)
{
	char *text = NULL;
	struct net_config nc;

	assert_true(asprintf(&text, "%s%s", record, lines) > 0);
	if (net_config_parse(text, &nc) != -EINVAL)
		fail_msg("accepted: %s", lines);
	free(text);
}

static void test_bad_vlan_records(void **state UNUSED)
{
	expect_bad_vlan("vlan=0\n");
	expect_bad_vlan("vlan=4095\n");
	expect_bad_vlan("vlan=x\n");
	expect_bad_vlan("vlan=42\nvlan_protocol=802.1x\n");
	expect_bad_vlan("vlan=42\nvlan_mtu=70000\n");
	expect_bad_vlan("vlan=42\nvlan_ifname=\n");
	expect_bad_vlan("vlan=42\nvlan_ifname=a-vlan-name-too-long\n");
	/* VLAN details without a VLAN */
	expect_bad_vlan("vlan_protocol=802.1Q\n");
	expect_bad_vlan("vlan_ifname=eth0.42\n");
	expect_bad_vlan("vlan_mtu=1500\n");
}

static void expect_bad(const char *from, const char *to)
{
	char *text = NULL;
	struct net_config nc;
	const char *at = strstr(record, from);

	assert_non_null(at);
	assert_true(asprintf(&text, "%.*s%s%s", (int)(at - record), record, to,
			     at + strlen(from)) > 0);
	if (net_config_parse(text, &nc) != -EINVAL)
		fail_msg("accepted: %s", text);
	free(text);
}

static void test_bad_records(void **state UNUSED)
{
	expect_bad("mac=52:54:00:12:34:56", "mac=52:54:00:12:34");
	expect_bad("mac=52:54:00:12:34:56", "mac=52:54:00:12:34:56:78");
	expect_bad("mtu=1500", "mtu=70000");
	expect_bad("mtu=1500", "mtu=15x");
	expect_bad("family=inet", "family=ipx");
	expect_bad("prefix=24", "prefix=33");
	expect_bad("address=10.0.2.15", "address=10.0.2.300");
	expect_bad("address=10.0.2.15", "address=");
	expect_bad("address=10.0.2.15", "address=2001:db8::2");	/* not the family's */
	expect_bad("gateway=10.0.2.2", "gateway=fe80::1");
	expect_bad("server=192.0.2.7", "server=");
	expect_bad("dhcp=0", "dhcp=2");
	expect_bad("dhcp=0", "colour=blue");
	expect_bad("dhcp=0", "no equals sign");
	expect_bad("ifname=enp1s0", "ifname=an-interface-name-too-long");
}

/* ---- real rtnetlink, in a namespace of our own -------------------------------- */

static int netns_setup(void **state UNUSED)
{
	/* a sysfs of the new namespace's own: /sys/class/net shows its devices */
	if (unshare(CLONE_NEWNET | CLONE_NEWNS) < 0 ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount("sysfs", "/sys", "sysfs", 0, NULL) < 0)
		return 0;	/* the tests below skip */
	return sh("ip link add v0 address 02:00:00:00:00:0a mtu 1400 type veth peer name v1 && "
		  "ip link set v1 up && ip link set v0 up && "
		  "ip addr add 192.0.2.10/24 dev v0 && ip route add 198.51.100.0/24 via 192.0.2.1 && "
		  "ip addr add 2001:db8:a::10/64 dev v0 nodad") == 0 ? 0 : -1;
}

static bool in_netns(void)
{
	_cleanup_free_ char *v = out("ip -o link show v0 2>/dev/null");

	return *v != '\0';
}

static long long ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void test_capture_and_apply(void **state UNUSED)
{
	struct net_config nc;
	const char *why = NULL;
	char *s;

	if (!in_netns())
		skip();
	assert_int_equal(net_config_capture("198.51.100.7", &nc, &why), 0);
	assert_string_equal(nc.ifname, "v0");
	assert_memory_equal(nc.mac, "\x02\x00\x00\x00\x00\x0a", 6);
	assert_int_equal(nc.mtu, 1400);
	assert_int_equal(nc.family, AF_INET);
	assert_string_equal(nc.address, "192.0.2.10");
	assert_int_equal(nc.prefix, 24);
	assert_string_equal(nc.gateway, "192.0.2.1");
	assert_string_equal(nc.server, "198.51.100.7");
	assert_string_equal(nc.driver, "");	/* veth: a virtual device */

	/* the crash kernel's state: the link down, no address, no route, MTU default */
	assert_int_equal(sh("ip addr flush dev v0 && ip link set v0 down mtu 1500"), 0);
	assert_int_equal(net_config_apply(&nc, 3000, &why), 0);
	s = out("ip -o -4 addr show dev v0 | awk '{print $4}'");
	assert_string_equal(s, "192.0.2.10/24");
	free(s);
	s = out("cat /sys/class/net/v0/mtu");
	assert_string_equal(s, "1400");
	free(s);
	s = out("ip route get 198.51.100.7 | sed -n 's/.* via \\([^ ]*\\) dev \\([^ ]*\\).*/\\1 \\2/p'");
	assert_string_equal(s, "192.0.2.1 v0");
	free(s);
	/* again: what exists already counts as done */
	assert_int_equal(net_config_apply(&nc, 3000, &why), 0);
}

static void test_capture_ipv6_on_link(void **state UNUSED)
{
	struct net_config nc;
	const char *why = NULL;

	if (!in_netns())
		skip();
	/* the flush of the test before took it away */
	assert_int_equal(sh("ip addr replace 2001:db8:a::10/64 dev v0 nodad"), 0);
	assert_int_equal(net_config_capture("2001:db8:a::99", &nc, &why), 0);
	assert_int_equal(nc.family, AF_INET6);
	assert_string_equal(nc.address, "2001:db8:a::10");
	assert_int_equal(nc.prefix, 64);
	assert_string_equal(nc.gateway, "");
}

static void test_capture_refusals(void **state UNUSED)
{
	struct net_config nc;
	const char *why = NULL;

	if (!in_netns())
		skip();
	/* no route */
	assert_int_not_equal(net_config_capture("203.0.113.5", &nc, &why), 0);
	/* the server is this host */
	assert_int_equal(net_config_capture("192.0.2.10", &nc, &why), -EHOSTUNREACH);
	assert_string_equal(why, "it is this host");
	assert_int_equal(net_config_capture("no-such-host.invalid", &nc, &why), -ENOENT);
	/* a bridge in the way: not a plain Ethernet device */
	if (sh("ip link add br0 type bridge && ip link set br0 up && "
	       "ip addr add 192.0.2.200/30 dev br0") == 0) {
		assert_int_equal(net_config_capture("192.0.2.201", &nc, &why), -ENOTSUP);
		assert_non_null(strstr(why, "a bridge device"));
		sh("ip link del br0");
	}
}

/* the kernel of this namespace makes VLAN devices (8021q) */
static bool kernel_has_vlan(void)
{
	return system("ip link add link v0 name v0.9 type vlan id 9 2>/dev/null && "
		      "ip link del v0.9") == 0;
}

static void test_capture_and_apply_vlan(void **state UNUSED)
{
	struct net_config nc;
	const char *why = NULL;
	char *s;

	if (!in_netns())
		skip();
	if (!kernel_has_vlan()) {
		/* the record, by hand: the apply must name what is missing */
		assert_int_equal(net_config_parse(record, &nc), 0);
		memcpy(nc.mac, "\x02\x00\x00\x00\x00\x0a", 6);
		nc.vlan_id = 42;
		nc.vlan_protocol = ETH_P_8021Q;
		snprintf(nc.vlan_ifname, sizeof(nc.vlan_ifname), "v0.42");
		assert_int_equal(net_config_apply(&nc, 3000, &why), -EOPNOTSUPP);
		assert_non_null(strstr(why, "8021q"));
		print_message("  this kernel has no 8021q: the VLAN round is not run\n");
		return;
	}
	assert_int_equal(sh("ip link add link v0 name v0.42 mtu 1300 type vlan id 42 && "
			    "ip link set v0.42 up && ip addr add 203.0.113.10/24 dev v0.42 && "
			    "ip route add 192.0.2.128/25 via 203.0.113.1"), 0);
	assert_int_equal(net_config_capture("192.0.2.130", &nc, &why), 0);
	/* the NIC found by MAC is the lower device; the VLAN carries the rest */
	assert_string_equal(nc.ifname, "v0");
	assert_memory_equal(nc.mac, "\x02\x00\x00\x00\x00\x0a", 6);
	assert_int_equal(nc.mtu, 1400);
	assert_int_equal(nc.vlan_id, 42);
	assert_int_equal(nc.vlan_protocol, ETH_P_8021Q);
	assert_string_equal(nc.vlan_ifname, "v0.42");
	assert_int_equal(nc.vlan_mtu, 1300);
	assert_string_equal(nc.address, "203.0.113.10");
	assert_string_equal(nc.gateway, "203.0.113.1");

	/* the crash kernel's state: no VLAN, the link down */
	assert_int_equal(sh("ip link del v0.42 && ip link set v0 down mtu 1500"), 0);
	assert_int_equal(net_config_apply(&nc, 3000, &why), 0);
	s = out("ip -d -o link show v0.42 | grep -o 'vlan protocol 802.1Q id 42'");
	assert_string_equal(s, "vlan protocol 802.1Q id 42");
	free(s);
	s = out("cat /sys/class/net/v0/mtu /sys/class/net/v0.42/mtu | tr '\\n' ' '");
	assert_string_equal(s, "1400 1300 ");
	free(s);
	s = out("ip -o -4 addr show dev v0.42 | awk '{print $4}'");
	assert_string_equal(s, "203.0.113.10/24");
	free(s);
	s = out("ip route get 192.0.2.130 | sed -n 's/.* via \\([^ ]*\\) dev \\([^ ]*\\).*/\\1 \\2/p'");
	assert_string_equal(s, "203.0.113.1 v0.42");
	free(s);
	/* again: the VLAN that exists counts as made */
	assert_int_equal(net_config_apply(&nc, 3000, &why), 0);
	/* VLAN on VLAN is refused */
	assert_int_equal(sh("ip link add link v0.42 name v0.42.7 type vlan id 7 && ip link set v0.42.7 up && "
			    "ip addr add 198.18.0.1/24 dev v0.42.7"), 0);
	assert_int_equal(net_config_capture("198.18.0.9", &nc, &why), -ENOTSUP);
	assert_non_null(strstr(why, "QinQ"));
	sh("ip link del v0.42.7; ip link del v0.42");
}

static void test_apply_deadlines(void **state UNUSED)
{
	struct net_config nc;
	const char *why = NULL;
	long long t0;

	if (!in_netns())
		skip();
	assert_int_equal(net_config_parse(record, &nc), 0);
	/* no interface with that MAC */
	t0 = ms_now();
	assert_int_equal(net_config_apply(&nc, 500, &why), -ETIMEDOUT);
	assert_true(ms_now() - t0 < 1500);
	assert_non_null(strstr(why, "MAC address"));
	/* the interface, but its peer is down: no carrier */
	memcpy(nc.mac, "\x02\x00\x00\x00\x00\x0a", 6);
	assert_int_equal(sh("ip link set v1 down"), 0);
	t0 = ms_now();
	assert_int_equal(net_config_apply(&nc, 500, &why), -ETIMEDOUT);
	assert_true(ms_now() - t0 < 1500);
	assert_non_null(strstr(why, "carrier"));
	assert_int_equal(sh("ip link set v1 up"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_bad_records),
		cmocka_unit_test(test_round_trip_vlan),
		cmocka_unit_test(test_bad_vlan_records),
		cmocka_unit_test(test_capture_and_apply),
		cmocka_unit_test(test_capture_ipv6_on_link),
		cmocka_unit_test(test_capture_refusals),
		cmocka_unit_test(test_capture_and_apply_vlan),
		cmocka_unit_test(test_apply_deadlines),
	};

	return cmocka_run_group_tests(tests, netns_setup, NULL);
}
