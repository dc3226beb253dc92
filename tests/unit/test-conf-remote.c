// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Network dump targets: every form of `ssh user@host` and `nfs
 * host:/export` conf-remote.c accepts, each bad input with its column,
 * and how the rest of the parser treats ssh (default sshkey, link_delay)
 * and nfs (`options`, NFS mount options).
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

#include "conf.h"
#include "strv.h"
#include "util.h"

#define UNUSED __attribute__((unused))

static void expect_ok(enum conf_target_type type, const char *value, const char *user,
		      const char *host, enum conf_host_kind kind, const char *export)
{
	struct conf_remote r = { 0 };
	const char *why = NULL;
	size_t off = 99;

	if (conf_remote_parse(type, value, &r, &off, &why) != 0)
		fail_msg("\"%s\": refused at %zu: %s", value, off, why);
	if (user)
		assert_string_equal(r.user, user);
	else
		assert_null(r.user);
	assert_string_equal(r.host, host);
	assert_int_equal(r.host_kind, kind);
	if (export)
		assert_string_equal(r.export, export);
	else
		assert_null(r.export);
	conf_remote_clear(&r);
	assert_null(r.host);
}

static void expect_bad(enum conf_target_type type, const char *value, size_t offset,
		       const char *why)
{
	struct conf_remote r = { 0 };
	const char *got = NULL;
	size_t off = 99;

	if (conf_remote_parse(type, value, &r, &off, &got) != -EINVAL)
		fail_msg("\"%s\" was accepted", value);
	if (off != offset || !strstr(got, why))
		fail_msg("\"%s\": got offset %zu \"%s\", want %zu \"%s\"", value, off, got,
			 offset, why);
	assert_null(r.host);
	assert_null(r.user);
}

static void test_ssh_forms(void **state UNUSED)
{
	expect_ok(CONF_TARGET_SSH, "kdump@dumphost", "kdump", "dumphost", CONF_HOST_NAME, NULL);
	expect_ok(CONF_TARGET_SSH, "root@dump-01.example.org", "root", "dump-01.example.org",
		  CONF_HOST_NAME, NULL);
	expect_ok(CONF_TARGET_SSH, "root@dumphost.", "root", "dumphost.", CONF_HOST_NAME, NULL);
	expect_ok(CONF_TARGET_SSH, "k.d_u-mp@10.0.2.2", "k.d_u-mp", "10.0.2.2",
		  CONF_HOST_IPV4, NULL);
	/* kdump-utils' example writes the IPv6 address bare */
	expect_ok(CONF_TARGET_SSH, "user@2001:db8::1:2:3:4", "user", "2001:db8::1:2:3:4",
		  CONF_HOST_IPV6, NULL);
	expect_ok(CONF_TARGET_SSH, "user@[2001:db8::1]", "user", "2001:db8::1",
		  CONF_HOST_IPV6, NULL);
	expect_ok(CONF_TARGET_SSH, "user@fe80::1%eth0", "user", "fe80::1%eth0",
		  CONF_HOST_IPV6, NULL);
	expect_ok(CONF_TARGET_SSH, "user@[::ffff:10.0.0.1]", "user", "::ffff:10.0.0.1",
		  CONF_HOST_IPV6, NULL);
	/* a label may start with a digit (RFC 1123) */
	expect_ok(CONF_TARGET_SSH, "u@3com.example", "u", "3com.example", CONF_HOST_NAME, NULL);
}

static void test_ssh_bad(void **state UNUSED)
{
	expect_bad(CONF_TARGET_SSH, "dumphost", 0, "user@host");
	expect_bad(CONF_TARGET_SSH, "@dumphost", 0, "user before '@' is empty");
	expect_bad(CONF_TARGET_SSH, "kdump@", 6, "host is empty");
	expect_bad(CONF_TARGET_SSH, "-oProxyCommand=x@dumphost", 0, "cannot start with '-'");
	expect_bad(CONF_TARGET_SSH, "kd$mp@dumphost", 2, "user name character");
	expect_bad(CONF_TARGET_SSH, "abcdefghijklmnopqrstuvwxyz0123456@h", 0, "longer than 32");
	expect_bad(CONF_TARGET_SSH, "a@b@c", 3, "second '@'");
	expect_bad(CONF_TARGET_SSH, "kdump@dump_host", 10, "host name character");
	expect_bad(CONF_TARGET_SSH, "kdump@-dumphost", 6, "starts with '-'");
	expect_bad(CONF_TARGET_SSH, "kdump@dumphost-.org", 14, "ends with '-'");
	expect_bad(CONF_TARGET_SSH, "kdump@dumphost-", 14, "ends with '-'");
	expect_bad(CONF_TARGET_SSH, "kdump@dump..org", 11, "empty label");
	expect_bad(CONF_TARGET_SSH, "kdump@300.1.1.1", 6, "IPv4");
	expect_bad(CONF_TARGET_SSH, "kdump@10.0.2", 6, "IPv4");
	expect_bad(CONF_TARGET_SSH, "kdump@2001:db8:::1", 6, "IPv6");
	expect_bad(CONF_TARGET_SSH, "kdump@dumphost:/var/crash", 6, "takes no");
	expect_bad(CONF_TARGET_SSH, "kdump@[2001:db8::1", 6, "closing ']'");
	expect_bad(CONF_TARGET_SSH, "kdump@[dumphost]", 7, "IPv6");
	expect_bad(CONF_TARGET_SSH, "kdump@fe80::1%", 13, "zone");
	expect_bad(CONF_TARGET_SSH, "kdump@fe80::1%e/0", 15, "zone");
	{
		char v[300];

		/* 64 bytes in one label */
		snprintf(v, sizeof(v), "u@%s.org",
			 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
		expect_bad(CONF_TARGET_SSH, v, 65, "longer than 63");
		/* 254 bytes in all */
		memset(v, 'a', sizeof(v));
		memcpy(v, "u@", 2);
		for (size_t i = 2 + 60; i < 2 + 254; i += 61)
			v[i] = '.';
		v[2 + 254] = '\0';
		expect_bad(CONF_TARGET_SSH, v, 2, "longer than 253");
	}
}

static void test_nfs_forms(void **state UNUSED)
{
	expect_ok(CONF_TARGET_NFS, "dumphost:/export/crash", NULL, "dumphost", CONF_HOST_NAME,
		  "/export/crash");
	expect_ok(CONF_TARGET_NFS, "10.0.2.2:/", NULL, "10.0.2.2", CONF_HOST_IPV4, "/");
	expect_ok(CONF_TARGET_NFS, "[2001:db8::1:2:3:4]:/export/tmp", NULL,
		  "2001:db8::1:2:3:4", CONF_HOST_IPV6, "/export/tmp");
	/* a ':' in the export is the server's business */
	expect_ok(CONF_TARGET_NFS, "nas.example.org:/a:b", NULL, "nas.example.org",
		  CONF_HOST_NAME, "/a:b");
}

static void test_nfs_bad(void **state UNUSED)
{
	expect_bad(CONF_TARGET_NFS, "dumphost", 0, "host:/export");
	expect_bad(CONF_TARGET_NFS, ":/export", 0, "host is empty");
	expect_bad(CONF_TARGET_NFS, "dumphost:export", 9, "not an absolute path");
	expect_bad(CONF_TARGET_NFS, "dumphost:", 9, "not an absolute path");
	expect_bad(CONF_TARGET_NFS, "dumphost:/export/../etc", 9, "\"..\"");
	expect_bad(CONF_TARGET_NFS, "2001:db8::1:/export", 0, "in brackets");
	expect_bad(CONF_TARGET_NFS, "[2001:db8::1]/export", 13, "host:/export");
	expect_bad(CONF_TARGET_NFS, "[2001:db8::1:/export", 0, "closing ']'");
	expect_bad(CONF_TARGET_NFS, "[10.0.0.1]:/export", 1, "IPv6");
	expect_bad(CONF_TARGET_NFS, "dump host:/x", 4, "host name character");
	expect_bad(CONF_TARGET_NFS, "user@dumphost:/x", 4, "host name character");
}

static void test_host_for_url(void **state UNUSED)
{
	struct conf_remote r = { .host = "2001:db8::1", .host_kind = CONF_HOST_IPV6 };
	char *s = NULL;

	assert_int_equal(conf_remote_host_for_url(&r, &s), 0);
	assert_string_equal(s, "[2001:db8::1]");
	free(s);
	r = (struct conf_remote){ .host = "10.0.2.2", .host_kind = CONF_HOST_IPV4 };
	assert_int_equal(conf_remote_host_for_url(&r, &s), 0);
	assert_string_equal(s, "10.0.2.2");
	free(s);
}

/* ---- in a kdump.conf ----------------------------------------------------- */

static int parse(const char *text, struct kdump_conf **c, struct conf_errors *errs)
{
	/* files the configuration names are looked up below an empty root */
	static const struct conf_env env = { .root = "/nonexistent-kdump-root" };

	return conf_parse_buffer("t.conf", text, strlen(text), &env, c, errs);
}

static void expect_error(const char *text, const char *want)
{
	struct conf_errors errs = { 0 };
	struct kdump_conf *c = NULL;
	char *got;

	assert_int_equal(parse(text, &c, &errs), -EINVAL);
	assert_null(c);
	assert_int_equal(errs.n, 1);
	got = conf_error_format(&errs.v[0]);
	assert_non_null(got);
	if (!streq(got, want))
		fail_msg("got  \"%s\"\nwant \"%s\"", got, want);
	free(got);
	conf_errors_free(&errs);
}

static void test_conf_ssh(void **state UNUSED)
{
	struct conf_errors errs = { 0 };
	struct kdump_conf *c = NULL;

	/* the default key, which may not exist yet (propagate makes it) */
	assert_int_equal(parse("ssh kdump@[2001:db8::1]\npath /var/crash\n", &c, &errs), 0);
	assert_int_equal(c->target_type, CONF_TARGET_SSH);
	assert_string_equal(c->target, "kdump@[2001:db8::1]");
	assert_string_equal(c->remote.user, "kdump");
	assert_string_equal(c->remote.host, "2001:db8::1");
	assert_string_equal(c->sshkey, CONF_DEFAULT_SSHKEY);
	assert_int_equal(c->link_delay, CONF_DEFAULT_LINK_DELAY);
	conf_free(c);
	c = NULL;
	assert_int_equal(parse("ssh kdump@10.0.2.2\nsshkey /etc/kdump/id\nlink_delay 0\n"
			       "core_collector makedumpfile -F -l -d 31\n", &c, &errs), 0);
	assert_string_equal(c->sshkey, "/etc/kdump/id");
	assert_int_equal(c->link_delay, 0);
	assert_true(c->mdf.flattened);
	conf_free(c);
	c = NULL;
	assert_int_equal(parse("link_delay 3600\nssh a@b\n", &c, &errs), 0);
	assert_int_equal(c->link_delay, 3600);
	conf_free(c);
	assert_int_equal(errs.n, 0);
}

static void test_conf_errors(void **state UNUSED)
{
	expect_error("path /var/crash\nssh  dumphost\n",
		     "t.conf:2:6: ssh target \"dumphost\": an ssh target is user@host");
	expect_error("ssh kdump@300.1.1.1\n",
		     "t.conf:1:11: ssh target \"kdump@300.1.1.1\": not a valid IPv4 address");
	expect_error("\tnfs 2001:db8::1:/export\n",
		     "t.conf:1:6: nfs target \"2001:db8::1:/export\": an IPv6 address goes in "
		     "brackets here: [address]:/export");
	expect_error("ssh a@b\nlink_delay 3601\n",
		     "t.conf:2:12: link_delay must be a number of seconds from 0 to 3600, not \"3601\"");
	expect_error("ssh a@b\nlink_delay -1\n",
		     "t.conf:2:12: link_delay must be a number of seconds from 0 to 3600, not \"-1\"");
	expect_error("ssh a@b\nlink_delay 5s\n",
		     "t.conf:2:12: link_delay must be a number of seconds from 0 to 3600, not \"5s\"");
	expect_error("ssh a@b\nlink_delay 99999999999999999999999\n",
		     "t.conf:2:12: link_delay must be a number of seconds from 0 to 3600, "
		     "not \"99999999999999999999999\"");
	expect_error("link_delay 5\n",
		     "t.conf:1:12: link_delay needs a network (ssh or nfs) target");
	expect_error("ssh a@b\nlink_delay 5\nlink_delay 6\n",
		     "t.conf:3:1: \"link_delay\" given twice; first on line 2");
	expect_error("ssh a@b\nsshkey relative/id\n",
		     "t.conf:2:8: sshkey \"relative/id\" is not an absolute path");
	expect_error("ssh a@b\ncore_collector cp\n",
		     "t.conf:2:16: core_collector \"cp\" cannot write to an ssh target; use makedumpfile");
	/* -F writes to stdout: only an ssh target takes it */
	expect_error("core_collector makedumpfile -F -d 31\n",
		     "t.conf:1:29: makedumpfile option \"-F\" is only for ssh targets");
}

static void expect_options_bad(const char *value, size_t offset, const char *why)
{
	const char *got = NULL;
	size_t off = 99;

	if (conf_nfs_options_check(value, &off, &got) != -EINVAL)
		fail_msg("options \"%s\" were accepted", value);
	if (off != offset || !strstr(got, why))
		fail_msg("\"%s\": got offset %zu \"%s\", want %zu \"%s\"", value, off, got,
			 offset, why);
}

static void test_nfs_options(void **state UNUSED)
{
	size_t off;
	const char *why;

	assert_int_equal(conf_nfs_options_check("vers=4.1", &off, &why), 0);
	assert_int_equal(conf_nfs_options_check("soft,timeo=50,retrans=2,sec=sys", &off, &why), 0);
	assert_int_equal(conf_nfs_options_check("nfsvers=4,clientaddr=fe80::1%x", &off, &why),
			 -EINVAL);
	assert_int_equal(conf_nfs_options_check("v4,rsize=1048576,nconnect=4,local_lock=none",
						&off, &why), 0);
	expect_options_bad("", 0, "empty mount option");
	expect_options_bad("soft,,hard", 5, "empty mount option");
	expect_options_bad("soft,", 5, "empty mount option");
	expect_options_bad("=4", 0, "without a name");
	expect_options_bad("timeo=", 5, "'=' and no value");
	expect_options_bad("Soft", 0, "name character");
	expect_options_bad("soft timeo=5", 4, "name character");
	expect_options_bad("sec=krb5;x", 8, "value character");
	expect_options_bad("soft,addr=10.0.0.1", 5, "addr= is set by kdump-snp");
	expect_options_bad("rw,ro", 3, "the dump is written");
	expect_options_bad("vers=3", 0, "NFS version 4");
	expect_options_bad("nfsvers=2", 0, "NFS version 4");
	expect_options_bad("v3", 0, "NFS version 4");
	expect_options_bad("vers=4.3", 5, "not an NFS version 4");
	expect_options_bad("vers=44", 5, "not an NFS version 4");
}

static void test_conf_nfs(void **state UNUSED)
{
	struct conf_errors errs = { 0 };
	struct kdump_conf *c = NULL;

	assert_int_equal(parse("nfs [2001:db8::2]:/srv/crash\npath /hosts/a\n", &c, &errs), 0);
	assert_int_equal(c->target_type, CONF_TARGET_NFS);
	assert_string_equal(c->remote.host, "2001:db8::2");
	assert_string_equal(c->remote.export, "/srv/crash");
	assert_string_equal(c->path, "/hosts/a");
	assert_null(c->sshkey);
	assert_int_equal(c->link_delay, CONF_DEFAULT_LINK_DELAY);
	conf_free(c);
	c = NULL;
	assert_int_equal(parse("nfs nas:/export\nlink_delay 20\n", &c, &errs), 0);
	assert_int_equal(c->link_delay, 20);
	conf_free(c);
	assert_int_equal(errs.n, 0);
}

/* options <module> <parameters> (kexec-tools' form): kept as written, merged per
 * module as modprobe.d merges them; no meaning for an nfs target */
static void test_module_options(void **state UNUSED)
{
	struct conf_errors errs = { 0 };
	struct kdump_conf *c = NULL;

	assert_int_equal(parse("path /var/crash\n", &c, &errs), 0);
	assert_non_null(c->module_options);
	assert_null(c->module_options[0]);
	conf_free(c);
	c = NULL;
	assert_int_equal(parse("options loop  max_loop=1 \"x=$(reboot)\"  # not a parameter\n"
			       "nfs nas:/export\n"
			       "options nfs nfs4_disable_idmapping=0\n"
			       "options loop max_part=`id`\n",
			       &c, &errs), 0);
	assert_int_equal(strv_length(c->module_options), 2);
	assert_string_equal(c->module_options[0], "loop max_loop=1 \"x=$(reboot)\" max_part=`id`");
	assert_string_equal(c->module_options[1], "nfs nfs4_disable_idmapping=0");
	conf_free(c);
	c = NULL;
	/* '-' and '_' name the same module */
	assert_int_equal(parse("options iTCO-wdt heartbeat=30\noptions iTCO_wdt nowayout=1\n", &c,
			       &errs), 0);
	assert_int_equal(strv_length(c->module_options), 1);
	assert_string_equal(c->module_options[0], "iTCO-wdt heartbeat=30 nowayout=1");
	conf_free(c);
	assert_int_equal(errs.n, 0);
}

#define OLD_FORM                                                                              \
	"looks like NFS mount options; options now gives kernel module parameters (options "  \
	"<module> <parameters>) and an nfs target is mounted with the host's options for the " \
	"export (its mount, else its /etc/fstab line): remove this line"

static void test_module_options_errors(void **state UNUSED)
{
	expect_error("options loop\n",
		     "t.conf:1:13: options loop gives no parameters (options <module> <parameters>)");
	expect_error("path /x\noptions /lib/modules/loop.ko max_loop=1\n",
		     "t.conf:2:9: options \"/lib/modules/loop.ko\" is not a module name "
		     "(options <module> <parameters>)");
	/* kdump-snp's old one-word NFS mount options: what changed, said */
	expect_error("nfs nas:/export\noptions vers=4.2,soft\n",
		     "t.conf:2:9: options \"vers=4.2,soft\" " OLD_FORM);
	expect_error("options  soft,timeo=600\n", "t.conf:1:10: options \"soft,timeo=600\" " OLD_FORM);
	expect_error("nfs nas:/export\noptions soft,hard\n",
		     "t.conf:2:9: options \"soft,hard\" " OLD_FORM);
	/* a word that is neither: no parameters, or not a module name */
	expect_error("nfs nas:/export\noptions soft\n",
		     "t.conf:2:13: options soft gives no parameters (options <module> <parameters>)");
	expect_error("options vers=4.2 soft\n",
		     "t.conf:1:9: options \"vers=4.2\" is not a module name "
		     "(options <module> <parameters>)");
}

static void test_conf_nfs_errors(void **state UNUSED)
{
	expect_error("nfs a:/x\nnfs b:/y\n",
		     "t.conf:2:1: second dump target \"nfs\"; \"nfs\" on line 1 is already the target");
	expect_error("nfs nas:/export\nsshkey /root/id\n",
		     "t.conf:2:8: sshkey \"/root/id\" needs an ssh target");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ssh_forms),
		cmocka_unit_test(test_ssh_bad),
		cmocka_unit_test(test_nfs_forms),
		cmocka_unit_test(test_nfs_bad),
		cmocka_unit_test(test_host_for_url),
		cmocka_unit_test(test_conf_ssh),
		cmocka_unit_test(test_conf_errors),
		cmocka_unit_test(test_nfs_options),
		cmocka_unit_test(test_module_options),
		cmocka_unit_test(test_module_options_errors),
		cmocka_unit_test(test_conf_nfs),
		cmocka_unit_test(test_conf_nfs_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
