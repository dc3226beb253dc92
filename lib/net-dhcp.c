// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * DHCP for the capture's network (net-dhcp.h).
 *
 * The client is dhcpcd, Debian's default DHCP client (dhcpcd-base, a
 * small binary without dependencies beyond libc), rather than one of our
 * own: leases, retransmission and the servers' quirks are its job, and
 * dracut installs it like any binary.
 *
 * Rules:
 *  - dhcpcd runs in the foreground (--nobackground) and once (--oneshot):
 *    it exits as soon as the interface has its address and routes, and
 *    leaves them in place. IPv4 only: a DHCP record for a server reached
 *    over IPv6 is refused when the image is built (net_config_use_dhcp).
 *  - No config file and no hook script: nothing but the address and the
 *    routes changes (no resolv.conf, hostname or NTP); the capture
 *    connects to the recorded address and needs no resolver.
 *  - No IPv4 link-local fallback (a 169.254 address reaches no server),
 *    no ARP probe of the offered address: the lease comes back to the MAC
 *    that held it before the crash, and the probe costs seconds of the
 *    link_delay budget.
 *  - Classless static routes are asked for besides the router: a network
 *    that routes the server that way gets the same route as the host.
 *  - The bound is what is left of link_delay; then SIGTERM, and SIGKILL
 *    a second later. Without a privsep user in the image dhcpcd is one
 *    process, so killing it leaves nothing behind.
 */
/* net/if.h before the kernel's headers, which then leave its names alone */
#include <net/if.h>
#include <arpa/inet.h>
#include <errno.h>
#include <linux/rtnetlink.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "net-dhcp.h"
#include "net-private.h"
#include "spawn.h"
#include "sysroot.h"
#include "util.h"

#define KILL_GRACE_MS 1000

int net_dhcp_find_client(const char *root, char **path)
{
	static const char *const dirs[] = { "/usr/sbin/", "/sbin/", "/usr/bin/", "/bin/" };

	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		_cleanup_free_ char *abs = NULL, *in_root = NULL;

		if (asprintf(&abs, "%s%s", dirs[i], NET_DHCP_CLIENT) < 0 ||
		    sysroot_path(root, abs, &in_root) < 0)
			return -ENOMEM;
		if (access(in_root, X_OK) == 0) {
			*path = abs;
			abs = NULL;
			return 0;
		}
	}
	return -ENOENT;
}

int net_config_use_dhcp(struct net_config *nc)
{
	if (nc->family != AF_INET)
		return -EAFNOSUPPORT;
	nc->dhcp = true;
	memset(nc->address, 0, sizeof(nc->address));
	memset(nc->gateway, 0, sizeof(nc->gateway));
	nc->prefix = 0;
	return 0;
}

/* pid's exit status once it ends by end_ms, or -ETIMEDOUT */
static int wait_until(pid_t pid, unsigned long long end_ms)
{
	int status;

	for (;;) {
		pid_t w = waitpid(pid, &status, WNOHANG);

		if (w == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
		if (w < 0 && errno != EINTR)
			return -errno;
		if (net_now_ms() >= end_ms)
			return -ETIMEDOUT;
		net_nap();
	}
}

/* SIGTERM (dhcpcd's clean exit), then SIGKILL */
static void stop(pid_t pid)
{
	kill(pid, SIGTERM);
	if (wait_until(pid, net_now_ms() + KILL_GRACE_MS) != -ETIMEDOUT)
		return;
	kill(pid, SIGKILL);
	wait_until(pid, net_now_ms() + KILL_GRACE_MS);
}

/* the client on ifname: its exit status, -ETIMEDOUT or a negative errno */
static int run_client(const char *ifname, unsigned int timeout_ms)
{
	char *argv[] = { NET_DHCP_CLIENT, "--config", "/dev/null", "--script", "",
			 "--nobackground", "--oneshot", "--ipv4only", "--noipv4ll", "--noarp",
			 "--option", "classless_static_routes", (char *)ifname, NULL };
	const int fds[3] = { -1, -1, -1 };
	pid_t pid = spawn_start(argv, fds, NULL);
	int r;

	if (pid < 0)
		return (int)pid;
	r = wait_until(pid, net_now_ms() + timeout_ms);
	if (r == -ETIMEDOUT)
		stop(pid);
	return r;
}

/* the route the lease gives to the server must leave through index */
static int check_route(const struct net_config *nc, unsigned int index, const char *ifname,
		       const char **why)
{
	struct mnl_socket *nl = NULL;
	struct rtnl_route rt = { 0 };
	int r = rtnl_open(&nl);

	if (r == 0)
		r = rtnl_route_to(nl, nc->family, nc->server, &rt);
	if (nl)
		mnl_socket_close(nl);
	if (r == 0 && (rt.type != RTN_UNICAST || rt.oif != index))
		r = -ENETUNREACH;
	if (r < 0) {
		*why = "the DHCP lease gives no route to the server through the interface "
		       "(no router, and the server is not on the link)";
		return r;
	}
	log_info("DHCP: %s has address %s; the server %s is %s%s", ifname, rt.prefsrc, nc->server,
		 *rt.gateway ? "reached through " : "on the link", rt.gateway);
	return 0;
}

int net_dhcp_lease(const struct net_config *nc, unsigned int index, unsigned int timeout_ms,
		   const char **why)
{
	char ifname[IF_NAMESIZE];
	int r;

	if (!if_indextoname(index, ifname)) {
		*why = "the interface went away";
		return -ENODEV;
	}
	log_info("asking for an IPv4 address on %s with %s (DHCP) within %.1f s", ifname,
		 NET_DHCP_CLIENT, timeout_ms / 1000.0);
	r = run_client(ifname, timeout_ms);
	if (r == 0)
		return check_route(nc, index, ifname, why);
	if (r == -ETIMEDOUT) {
		*why = "no DHCP lease within link_delay (no DHCP server answered?); dhcpcd was stopped";
	} else if (r == 127) {
		*why = "the DHCP client dhcpcd is not in the capture image";
		r = -ENOENT;
	} else if (r > 0) {
		log_error("%s exited with status %d", NET_DHCP_CLIENT, r);
		*why = "the DHCP client dhcpcd failed (its messages are above)";
		r = -EIO;
	} else {
		*why = "cannot run the DHCP client dhcpcd";
	}
	return r;
}
