// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nfs-mount.c: the option string the kernel gets, the versions tried in
 * mount.nfs's order, transient errors tried again until the deadline and
 * the others returned at once. The mount itself is a fake here (the
 * kernel's NFS client and a server are in the VM scenario nfs-target).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "nfs-host-options.h"
#include "nfs-mount.h"
#include "scratch.h"
#include "util.h"

#define UNUSED __attribute__((unused))

static char mnt[] = "/tmp/test-nfs-mount.XXXXXX";

/* what the fake mount was given, and what it answers */
struct fake {
	char options[8][128];
	size_t calls;
	const int *answers;	/* -errno per call; the last one repeats */
	size_t n_answers;
};

static int fake_mount(const char *source, const char *options, const char *mountpoint,
		      unsigned int timeout_ms, void *data)
{
	struct fake *f = data;
	size_t i = f->calls < f->n_answers ? f->calls : f->n_answers - 1;

	assert_string_equal(source, "[2001:db8::1]:/export");
	assert_string_equal(mountpoint, mnt);
	assert_true(timeout_ms >= 1000);
	if (f->calls < ARRAY_SIZE(f->options))
		snprintf(f->options[f->calls], sizeof(f->options[0]), "%s", options);
	f->calls++;
	return f->answers[i];
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int run(struct fake *f, const char *extra, unsigned int timeout_ms, const char **vers,
	       int *last)
{
	return nfs_mount_with(fake_mount, f, "[2001:db8::1]:/export", "2001:db8::1", extra, mnt,
			      timeout_ms, vers, last);
}

static int setup(void **state UNUSED)
{
	return mkdtemp(mnt) ? 0 : -1;
}

static int teardown(void **state UNUSED)
{
	return rmdir(mnt);
}

static void test_options(void **state UNUSED)
{
	char *s = NULL;

	assert_int_equal(nfs_mount_options("4.2", "192.0.2.1", NULL, &s), 0);
	assert_string_equal(s, "vers=4.2,addr=192.0.2.1");
	free(s);
	assert_int_equal(nfs_mount_options(NULL, "fe80::1%eth0", "vers=4.1,soft,timeo=50", &s), 0);
	assert_string_equal(s, "addr=fe80::1%eth0,vers=4.1,soft,timeo=50");
	free(s);
	assert_int_equal(nfs_mount_options("4.0", "192.0.2.1", "", &s), 0);
	assert_string_equal(s, "vers=4.0,addr=192.0.2.1");
	free(s);
}

static void test_names_version(void **state UNUSED)
{
	assert_false(nfs_options_name_version(NULL));
	assert_false(nfs_options_name_version("soft,timeo=50"));
	assert_false(nfs_options_name_version("server_vers=1"));
	assert_false(nfs_options_name_version("vers="));
	assert_true(nfs_options_name_version("vers=4.1"));
	assert_true(nfs_options_name_version("soft,nfsvers=4"));
	assert_true(nfs_options_name_version("rsize=65536,v4"));
}

/* 4.2, then 4.1, then 4.0, as long as the server does not speak one */
static void test_versions_step_down(void **state UNUSED)
{
	static const int answers[] = { -EPROTONOSUPPORT, -EPROTONOSUPPORT, 0 };
	struct fake f = { .answers = answers, .n_answers = ARRAY_SIZE(answers) };
	const char *vers = "x";
	int last = -1;

	assert_int_equal(run(&f, NULL, 5000, &vers, &last), 0);
	assert_int_equal(f.calls, 3);
	assert_string_equal(f.options[0], "vers=4.2,addr=2001:db8::1");
	assert_string_equal(f.options[1], "vers=4.1,addr=2001:db8::1");
	assert_string_equal(f.options[2], "vers=4.0,addr=2001:db8::1");
	assert_string_equal(vers, "4.0");
}

/* a server that speaks no NFSv4 at all: the last answer is the error */
static void test_no_version_left(void **state UNUSED)
{
	static const int answers[] = { -EPROTONOSUPPORT };
	struct fake f = { .answers = answers, .n_answers = 1 };
	const char *vers;
	int last;

	assert_int_equal(run(&f, NULL, 5000, &vers, &last), -EPROTONOSUPPORT);
	assert_int_equal(f.calls, 3);
	assert_null(vers);
}

/* the options name the version: that one only, and *vers says so */
static void test_version_from_options(void **state UNUSED)
{
	static const int answers[] = { -EPROTONOSUPPORT };
	struct fake f = { .answers = answers, .n_answers = 1 };
	static const int ok[] = { 0 };
	struct fake g = { .answers = ok, .n_answers = 1 };
	const char *vers = "x";
	int last;

	assert_int_equal(run(&f, "vers=4.1,soft", 5000, &vers, &last), -EPROTONOSUPPORT);
	assert_int_equal(f.calls, 1);
	assert_string_equal(f.options[0], "addr=2001:db8::1,vers=4.1,soft");
	assert_int_equal(run(&g, "nfsvers=4.2", 5000, &vers, &last), 0);
	assert_null(vers);
}

/* a server still starting is tried again once a second */
static void test_transient_retried(void **state UNUSED)
{
	static const int answers[] = { -ECONNREFUSED, -EHOSTUNREACH, 0 };
	struct fake f = { .answers = answers, .n_answers = ARRAY_SIZE(answers) };
	const char *vers;
	double t0 = now();
	int last;

	assert_int_equal(run(&f, NULL, 10000, &vers, &last), 0);
	assert_int_equal(f.calls, 3);
	/* the same version each time: a refused connection says nothing about it */
	assert_string_equal(f.options[2], "vers=4.2,addr=2001:db8::1");
	assert_true(now() - t0 >= 1.9);
}

/* ... until the deadline, which ends it with the last error */
static void test_deadline(void **state UNUSED)
{
	static const int answers[] = { -ECONNREFUSED };
	struct fake f = { .answers = answers, .n_answers = 1 };
	const char *vers;
	double t0 = now(), took;
	int last = 0;

	assert_int_equal(run(&f, NULL, 2500, &vers, &last), -ETIMEDOUT);
	took = now() - t0;
	assert_int_equal(last, ECONNREFUSED);
	assert_true(took >= 1.0 && took < 3.5);
	assert_true(f.calls >= 2 && f.calls <= 3);
}

/* what waiting cannot change is returned at once */
static void test_final_errors(void **state UNUSED)
{
	static const int denied[] = { -EACCES };
	static const int missing[] = { -ENOENT };
	static const int badopt[] = { -EINVAL };
	const int *all[] = { denied, missing, badopt };
	const char *vers;
	int last;

	for (size_t i = 0; i < ARRAY_SIZE(all); i++) {
		struct fake f = { .answers = all[i], .n_answers = 1 };

		assert_int_equal(run(&f, NULL, 10000, &vers, &last), all[i][0]);
		assert_int_equal(f.calls, 1);
		assert_int_equal(last, -all[i][0]);
	}
	assert_false(nfs_error_transient(EACCES));
	assert_true(nfs_error_transient(ETIMEDOUT));
}

/* the host's options, filtered as kdump-utils' mkdumprd (to_mount) */
static void expect_filtered(const char *raw, const char *want)
{
	char *out = NULL, *bad = NULL;
	const char *why = NULL;

	assert_int_equal(nfs_host_options_filter(raw, &out, &why, &bad), 0);
	if (!streq(out, want))
		fail_msg("\"%s\": got \"%s\", want \"%s\"", raw, out, want);
	free(out);
}

static void expect_refused(const char *raw, const char *option, const char *why_part)
{
	char *out = NULL, *bad = NULL;
	const char *why = NULL;

	assert_int_equal(nfs_host_options_filter(raw, &out, &why, &bad), -EINVAL);
	assert_null(out);
	assert_string_equal(bad, option);
	assert_non_null(strstr(why, why_part));
	free(bad);
}

static void test_host_options_filter(void **state UNUSED)
{
	/* a kernel's mountinfo options: the connection is the host's */
	expect_filtered("rw,relatime,vers=4.2,rsize=1048576,wsize=1048576,namlen=255,hard,"
			"proto=tcp,timeo=600,retrans=2,sec=sys,clientaddr=192.0.2.5,"
			"local_lock=none,addr=192.0.2.1",
			"rw,relatime,vers=4.2,rsize=1048576,wsize=1048576,namlen=255,hard,"
			"timeo=600,retrans=2,sec=sys,local_lock=none");
	/* fstab: mount(8)'s own options go, ro becomes rw */
	expect_filtered("defaults,noauto,nofail,_netdev,x-systemd.automount,ro,soft,timeo=50",
			"rw,soft,timeo=50");
	expect_filtered("defaults", "");
	expect_filtered("", "");
	expect_filtered("mountaddr=192.0.2.1,mountproto=udp,vers=4.1", "vers=4.1");
	expect_refused("rw,vers=3,hard", "vers=3", "NFS version 4");
	expect_refused("soft,nfsvers=4.7", "nfsvers=4.7", "not an NFS version 4");
	expect_refused("soft,sec=krb5;x", "sec=krb5;x", "value character");
}

/* text into REL (an absolute path) below the scratch root */
static void put(const char *rel, const char *text)
{
	scratch_put(rel + 1, text, strlen(text));
}

static const char *const mountinfo =
	"22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw\n"
	"40 22 0:40 / /mnt/other rw,relatime shared:2 - nfs4 nas:/other "
	"rw,vers=4.1,addr=192.0.2.1\n"
	"41 22 0:41 / /mnt/crash rw,noatime shared:3 - nfs4 nas:/srv/crash "
	"rw,vers=4.2,hard,proto=tcp,clientaddr=192.0.2.5,addr=192.0.2.1\n";

static const char *const fstab =
	"# /etc/fstab\n"
	"/dev/vda1 / ext4 defaults 0 1\n"
	"\n"
	"nas:/srv/crash/ /mnt/crash nfs4 noauto,soft,timeo=50 0 0\n"
	"nas:/old /mnt/old nfs vers=3,nolock 0 0\n"
	"nas:/with\\040space /mnt/s nfs4 ro 0 0\n";

static void expect_found(const char *source, const char *options, const char *origin)
{
	struct nfs_host_options o;
	char *msg = NULL, want[256];

	assert_int_equal(nfs_host_options_find(scratch, source, &o, &msg), 0);
	assert_null(msg);
	if (!options) {
		assert_null(o.options);
	} else {
		assert_non_null(o.options);
		assert_string_equal(o.options, options);
	}
	if (!origin) {
		assert_null(o.origin);
	} else {
		snprintf(want, sizeof(want), "%s%s", scratch, origin);
		assert_string_equal(o.origin, want);
	}
	nfs_host_options_clear(&o);
}

static void test_host_options_find(void **state UNUSED)
{
	struct nfs_host_options o;
	char *msg = NULL, want[512];

	/* no mount table and no fstab: the defaults */
	expect_found("nas:/srv/crash", NULL, NULL);
	put("/etc/fstab", fstab);
	/* not mounted: its fstab line (a trailing '/' names the same export) */
	expect_found("nas:/srv/crash", "soft,timeo=50", "/etc/fstab:4");
	expect_found("nas:/with space", "rw", "/etc/fstab:6");
	expect_found("nas:/elsewhere", NULL, NULL);
	/* NFSv3 in fstab: refused, naming the file, line and option */
	assert_int_equal(nfs_host_options_find(scratch, "nas:/old", &o, &msg), -EINVAL);
	snprintf(want, sizeof(want), "%s/etc/fstab:5: the host mounts nas:/old with option "
		 "\"vers=3\": kdump-snp mounts NFS version 4 (4, 4.0, 4.1 or 4.2)", scratch);
	assert_string_equal(msg, want);
	assert_null(o.options);
	free(msg);
	/* mounted: the mount wins over fstab */
	put("/proc/self/mountinfo", mountinfo);
	expect_found("nas:/srv/crash", "rw,noatime,vers=4.2,hard",
		     "/proc/self/mountinfo (mounted on /mnt/crash)");
	expect_found("nas:/other", "rw,relatime,vers=4.1", "/proc/self/mountinfo (mounted on /mnt/other)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_host_options_filter),
		cmocka_unit_test_setup_teardown(test_host_options_find, scratch_setup, scratch_teardown),
		cmocka_unit_test(test_names_version),
		cmocka_unit_test(test_versions_step_down),
		cmocka_unit_test(test_no_version_left),
		cmocka_unit_test(test_version_from_options),
		cmocka_unit_test(test_transient_retried),
		cmocka_unit_test(test_deadline),
		cmocka_unit_test(test_final_errors),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
