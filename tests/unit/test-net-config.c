// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The capture's network record (format, parse, bad records) and, in a
 * network namespace of its own when the test may make one (root), the
 * real rtnetlink round: a veth pair configured with ip(8) as a host would
 * be, read with net_config_capture(), wiped, and brought back by
 * net_config_apply() alone; the waits end at their deadline.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <time.h>

#include "net-config.h"
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

static int sh(const char *cmd)
{
	int r = system(cmd);

	if (r != 0)
		print_error("  failed (%d): %s\n", r, cmd);
	return r;
}

/* the output of cmd, first line */
static char *out(const char *cmd)
{
	char buf[512] = "";
	FILE *p = popen(cmd, "r");

	assert_non_null(p);
	if (!fgets(buf, sizeof(buf), p))
		buf[0] = '\0';
	pclose(p);
	buf[strcspn(buf, "\n")] = '\0';
	return strdup(buf);
}

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
		sh("ip link del br0");
	}
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
		cmocka_unit_test(test_capture_and_apply),
		cmocka_unit_test(test_capture_ipv6_on_link),
		cmocka_unit_test(test_capture_refusals),
		cmocka_unit_test(test_apply_deadlines),
	};

	return cmocka_run_group_tests(tests, netns_setup, NULL);
}
