// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * KDUMP_NET=dhcp: the record of a DHCP capture, the client found on the
 * host, and, in a network namespace of its own when the test may make one
 * (root), the crash kernel's side on a veth pair with a stand-in for
 * dhcpcd (a script on PATH that does what its mode says: lease, fail,
 * hang, or lease without a route), so that the bound, the kill and every
 * outcome are seen. The real dhcpcd runs in the VM scenario ssh-dhcp.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "net-config.h"
#include "net-dhcp.h"
#include "scratch.h"
#include "shell-cmd.h"
#include "util.h"

#define UNUSED __attribute__((unused))

static const char host_record[] =
	"ifname=enp1s0\nmac=52:54:00:12:34:56\ndriver=virtio_net\nmtu=1500\nfamily=inet\n"
	"address=10.0.2.15\nprefix=24\ngateway=10.0.2.2\nserver=192.0.2.7\ndhcp=0\n";
static const char dhcp_record[] =
	"ifname=enp1s0\nmac=52:54:00:12:34:56\ndriver=virtio_net\nmtu=1500\nfamily=inet\n"
	"address=\nprefix=0\ngateway=\nserver=192.0.2.7\ndhcp=1\n";

static void test_record(void **state UNUSED)
{
	struct net_config nc, back;
	char *text = NULL;

	assert_int_equal(net_config_parse(host_record, &nc), 0);
	assert_int_equal(net_config_use_dhcp(&nc), 0);
	assert_true(nc.dhcp);
	assert_int_equal(net_config_format(&nc, &text), 0);
	assert_string_equal(text, dhcp_record);
	assert_int_equal(net_config_parse(text, &back), 0);
	assert_memory_equal(&nc, &back, sizeof(nc));
	free(text);
	/* a static record still needs its address */
	assert_int_equal(net_config_parse("mac=52:54:00:12:34:56\nfamily=inet\naddress=\n"
					  "server=192.0.2.7\ndhcp=0\n", &nc), -EINVAL);
	/* a DHCP record's server is checked as before */
	assert_int_equal(net_config_parse("family=inet\nserver=192.0.2.300\ndhcp=1\n", &nc), -EINVAL);
	/* the client is IPv4 only */
	assert_int_equal(net_config_parse("mac=02:00:00:00:00:01\nfamily=inet6\naddress=2001:db8::2\n"
					  "prefix=64\nserver=2001:db8::1\n", &nc), 0);
	assert_int_equal(net_config_use_dhcp(&nc), -EAFNOSUPPORT);
	assert_false(nc.dhcp);
	assert_string_equal(nc.address, "2001:db8::2");
}

/* rel below the scratch directory, made executable */
static void make_executable(const char *rel)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", scratch, rel);
	assert_int_equal(chmod(path, 0755), 0);
}

static void test_find_client(void **state UNUSED)
{
	char *path = NULL;

	assert_int_equal(net_dhcp_find_client(scratch, &path), -ENOENT);
	scratch_put("sbin/dhcpcd", "#!/bin/sh\n", 10);
	/* not executable: not a client */
	assert_int_equal(net_dhcp_find_client(scratch, &path), -ENOENT);
	make_executable("sbin/dhcpcd");
	assert_int_equal(net_dhcp_find_client(scratch, &path), 0);
	assert_string_equal(path, "/sbin/dhcpcd");
	free(path);
	scratch_put("usr/sbin/dhcpcd", "#!/bin/sh\n", 10);
	make_executable("usr/sbin/dhcpcd");
	assert_int_equal(net_dhcp_find_client(scratch, &path), 0);
	assert_string_equal(path, "/usr/sbin/dhcpcd");
	free(path);
}

/* ---- the crash kernel's side, in a namespace of our own -------------------------- */

/* What the stand-in does, by KDUMP_TEST_DHCP: "lease" adds an address and
 * a default route as dhcpcd would; "noroute" the address alone; "fail"
 * exits 1; "hang" never ends. It records its pid and arguments. */
static const char fake_client[] =
	"#!/bin/sh\n"
	"echo $$ >\"$KDUMP_TEST_DIR/pid\"\n"
	"echo \"$*\" >\"$KDUMP_TEST_DIR/args\"\n"
	"for ifname; do :; done\n"
	"case $KDUMP_TEST_DHCP in\n"
	"lease) ip addr add 192.0.2.10/24 dev \"$ifname\" && ip route add default via 192.0.2.1 ;;\n"
	"noroute) ip addr add 192.0.2.10/24 dev \"$ifname\" ;;\n"
	"fail) echo 'no lease' >&2; exit 1 ;;\n"
	"hang) exec sleep 60 ;;\n"
	"esac\n";

static bool netns;
static char *orig_path;

static int netns_setup(void **state UNUSED)
{
	/* a sysfs of the new namespace's own: /sys/class/net shows its devices */
	if (unshare(CLONE_NEWNET | CLONE_NEWNS) < 0 ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount("sysfs", "/sys", "sysfs", 0, NULL) < 0)
		return 0;	/* the tests below skip */
	orig_path = strdup(getenv("PATH") ? getenv("PATH") : "/usr/sbin:/usr/bin:/sbin:/bin");
	netns = orig_path && sh("ip link add v0 address 02:00:00:00:00:0a type veth peer name v1 && "
		   "ip link set v1 up") == 0;
	return netns ? 0 : -1;
}

/* a fresh scratch directory with the stand-in first on PATH, the
 * interface down and bare, as the crash kernel finds it */
static int client_setup(void **state)
{
	static char path[8192];
	int r = scratch_setup(state);

	if (r < 0 || !netns)
		return r;
	scratch_put("bin/dhcpcd", fake_client, sizeof(fake_client) - 1);
	make_executable("bin/dhcpcd");
	snprintf(path, sizeof(path), "%s/bin:%s", scratch, orig_path);
	setenv("PATH", path, 1);
	setenv("KDUMP_TEST_DIR", scratch, 1);
	return sh("ip addr flush dev v0 && ip link set v0 down");
}

static int client_teardown(void **state)
{
	if (orig_path)
		setenv("PATH", orig_path, 1);
	return scratch_teardown(state);
}

static long long ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* net_config_apply() of the DHCP record for v0, the stand-in in mode */
static int apply(const char *mode, unsigned int timeout_ms, const char **why, long long *took)
{
	struct net_config nc;
	long long t0 = ms_now();
	int r;

	assert_int_equal(net_config_parse(dhcp_record, &nc), 0);
	memcpy(nc.mac, "\x02\x00\x00\x00\x00\x0a", 6);
	snprintf(nc.server, sizeof(nc.server), "198.51.100.7");
	setenv("KDUMP_TEST_DHCP", mode, 1);
	r = net_config_apply(&nc, timeout_ms, why);
	*took = ms_now() - t0;
	return r;
}

static void test_lease(void **state UNUSED)
{
	const char *why = NULL;
	long long took;
	char *s;

	if (!netns)
		skip();
	assert_int_equal(apply("lease", 5000, &why, &took), 0);
	s = out("ip -o -4 addr show dev v0 | awk '{print $4}'");
	assert_string_equal(s, "192.0.2.10/24");
	free(s);
	s = out("ip route get 198.51.100.7 | sed -n 's/.* via \\([^ ]*\\) dev \\([^ ]*\\).*/\\1 \\2/p'");
	assert_string_equal(s, "192.0.2.1 v0");
	free(s);
	/* one shot, IPv4, no script, no config, on the interface found by MAC */
	s = out("cat \"$KDUMP_TEST_DIR/args\"");
	assert_string_equal(s, "--config /dev/null --script  --nobackground --oneshot --ipv4only "
			    "--noipv4ll --noarp --option classless_static_routes v0");
	free(s);
}

static void test_no_route(void **state UNUSED)
{
	const char *why = NULL;
	long long took;

	if (!netns)
		skip();
	assert_int_equal(apply("noroute", 5000, &why, &took), -ENETUNREACH);
	assert_non_null(strstr(why, "no route to the server"));
}

static void test_client_fails(void **state UNUSED)
{
	const char *why = NULL;
	long long took;

	if (!netns)
		skip();
	assert_int_equal(apply("fail", 5000, &why, &took), -EIO);
	assert_non_null(strstr(why, "dhcpcd failed"));
}

/* the bound holds, and the client is gone afterwards */
static void test_client_hangs(void **state UNUSED)
{
	const char *why = NULL;
	long long took;
	char *s;

	if (!netns)
		skip();
	assert_int_equal(apply("hang", 1500, &why, &took), -ETIMEDOUT);
	assert_non_null(strstr(why, "no DHCP lease"));
	/* the deadline, plus at most the SIGTERM grace and a poll */
	assert_true(took >= 1400 && took < 3000);
	s = out("cat \"$KDUMP_TEST_DIR/pid\"");
	assert_true(*s);
	assert_int_equal(kill((pid_t)atoi(s), 0), -1);
	assert_int_equal(errno, ESRCH);
	free(s);
}

static void test_no_client(void **state UNUSED)
{
	const char *why = NULL;
	long long took;

	if (!netns)
		skip();
	setenv("PATH", "/nonexistent", 1);
	assert_int_equal(apply("lease", 5000, &why, &took), -ENOENT);
	assert_non_null(strstr(why, "not in the capture image"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_record),
		cmocka_unit_test_setup_teardown(test_find_client, scratch_setup, scratch_teardown),
		cmocka_unit_test_setup_teardown(test_lease, client_setup, client_teardown),
		cmocka_unit_test_setup_teardown(test_no_route, client_setup, client_teardown),
		cmocka_unit_test_setup_teardown(test_client_fails, client_setup, client_teardown),
		cmocka_unit_test_setup_teardown(test_client_hangs, client_setup, client_teardown),
		cmocka_unit_test_setup_teardown(test_no_client, client_setup, client_teardown),
	};

	return cmocka_run_group_tests(tests, netns_setup, NULL);
}
