// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kdump.conf parser: the corpus under tests/conf (every file, each stating
 * what it expects in its leading comments) and the API around it.
 *
 * Corpus conventions:
 *  - invalid/NAME.conf starts with one or more `# expect: ERROR` lines;
 *    the parse must fail with exactly these errors, in this order, as
 *    conf_error_format() prints them (the file name is the base name).
 *  - valid/NAME.conf may have `# check: FIELD=VALUE` lines; the parse must
 *    succeed and each field must have that value (vectors as
 *    strv_join_quoted() prints them).
 *  - Files the configurations name are looked up below root/, and devices
 *    through stub_resolve() below.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "conf.h"
#include "strv.h"
#include "util.h"

#ifndef CONF_CORPUS
#define CONF_CORPUS "tests/conf"
#endif

#define UNUSED __attribute__((unused))

/* Devices the corpus may name. */
static int stub_resolve(const char *spec, char **devnode, void *data UNUSED)
{
	static const struct {
		const char *spec, *node;
	} known[] = {
		{ "/dev/vdb1", "/dev/vdb1" },
		{ "/dev/vdc", "/dev/vdc" },
		{ "UUID=4b7f2c1e-8d3a-4f6b-9e2d-1a5c7b9e0f31", "/dev/vdb1" },
		{ "LABEL=kdump", "/dev/vdb2" },
		{ "PARTUUID=6a1f0c2d-01", "/dev/vdb3" },
		{ "PARTLABEL=crash", "/dev/vdb4" },
	};
	size_t i;

	if (streq(spec, "LABEL=broken"))
		return -EIO;
	for (i = 0; i < ARRAY_SIZE(known); i++)
		if (streq(spec, known[i].spec)) {
			*devnode = strdup(known[i].node);
			return *devnode ? 0 : -ENOMEM;
		}
	return -ENOENT;
}

static const struct conf_env corpus_env = {
	.root = CONF_CORPUS "/root",
	.resolve = stub_resolve,
};

static int parse(const char *text, struct kdump_conf **conf,
		 struct conf_errors *errs)
{
	return conf_parse_buffer("t.conf", text, strlen(text), &corpus_env,
				 conf, errs);
}

/* Parse text that must fail with exactly one error, formatted as want. */
static void check_error(const char *text, const char *want)
{
	struct kdump_conf *conf = NULL;
	struct conf_errors errs = { 0 };
	char *got;

	assert_int_equal(parse(text, &conf, &errs), -EINVAL);
	assert_null(conf);
	if (errs.n != 1) {
		size_t i;

		for (i = 0; i < errs.n; i++)
			print_error("  got: %s\n", errs.v[i].message);
	}
	assert_int_equal(errs.n, 1);
	got = conf_error_format(&errs.v[0]);
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
	conf_errors_free(&errs);
}

static struct kdump_conf *parse_ok(const char *text)
{
	struct kdump_conf *conf = NULL;
	struct conf_errors errs = { 0 };
	size_t i;
	int r;

	r = parse(text, &conf, &errs);
	for (i = 0; i < errs.n; i++)
		print_error("  unexpected: %s\n", errs.v[i].message);
	assert_int_equal(r, 0);
	assert_int_equal(errs.n, 0);
	assert_non_null(conf);
	return conf;
}

/* ---- the corpus -------------------------------------------------------- */

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted *.conf names in dir. */
static char **list_corpus(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		size_t n = strlen(e->d_name);

		if (n > 5 && streq(e->d_name + n - 5, ".conf"))
			assert_int_equal(strv_push(&names, e->d_name), 0);
	}
	closedir(d);
	assert_non_null(names);
	qsort(names, strv_length(names), sizeof(*names), name_cmp);
	return names;
}

/* The values of the leading "# KEY: " lines of buf. */
static char **header_values(const char *buf, size_t len, const char *key)
{
	char **v = NULL;
	size_t klen = strlen(key), pos = 0;

	assert_int_equal(strv_extend(&v, NULL), 0);
	while (pos < len && buf[pos] == '#') {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - buf) : len;

		if (end - pos > klen && memcmp(buf + pos, key, klen) == 0) {
			char *s = strndup(buf + pos + klen, end - pos - klen);

			assert_non_null(s);
			assert_int_equal(strv_push(&v, s), 0);
			free(s);
		}
		pos = end + 1;
	}
	return v;
}

static char *conf_field(const struct kdump_conf *c, const char *field)
{
	const char *s = NULL;
	char *out;

	if (streq(field, "path"))
		s = c->path;
	else if (streq(field, "core_collector"))
		s = c->core_collector;
	else if (streq(field, "collector_argv"))
		return strv_join_quoted(c->collector_argv);
	else if (streq(field, "collector"))
		s = c->collector == CONF_COLLECTOR_CP ? "cp" :
			c->collector == CONF_COLLECTOR_CAT ? "cat" : "makedumpfile";
	else if (streq(field, "target_type"))
		s = conf_target_type_name(c->target_type);
	else if (streq(field, "fstype"))
		s = c->fstype;
	else if (streq(field, "target"))
		s = c->target;
	else if (streq(field, "target_device"))
		s = c->target_device;
	else if (streq(field, "sshkey"))
		s = c->sshkey;
	else if (streq(field, "failure_action"))
		s = conf_action_name(c->failure_action);
	else if (streq(field, "final_action"))
		s = conf_action_name(c->final_action);
	else if (streq(field, "extra_bins"))
		return strv_join_quoted(c->extra_bins);
	else if (streq(field, "extra_modules"))
		return strv_join_quoted(c->extra_modules);
	else if (streq(field, "module_options"))
		return strv_join(c->module_options, "|");
	else if (streq(field, "dracut_args"))
		return strv_join_quoted(c->dracut_args);
	else if (streq(field, "kdump_pre"))
		s = c->kdump_pre;
	else if (streq(field, "kdump_post"))
		s = c->kdump_post;
	else if (streq(field, "force_rebuild"))
		s = c->force_rebuild ? "1" : "0";
	else if (streq(field, "force_no_rebuild"))
		s = c->force_no_rebuild ? "1" : "0";
	else if (streq(field, "disk_timeout") || streq(field, "capture_timeout")) {
		assert_true(asprintf(&out, "%u", streq(field, "disk_timeout") ?
				     c->disk_timeout : c->capture_timeout) > 0);
		return out;
	}
	else
		fail_msg("unknown check field \"%s\"", field);
	out = strdup(s ? s : "(null)");
	assert_non_null(out);
	return out;
}

/* Returns the number of mismatches, printed. */
static int corpus_file(const char *kind, const char *name)
{
	_cleanup_free_ char *path = NULL, *buf = NULL;
	struct kdump_conf *conf = NULL;
	struct conf_errors errs = { 0 };
	char **expect, **checks;
	ssize_t len;
	int r, bad = 0;
	size_t i, n;

	assert_true(asprintf(&path, "%s/%s/%s", CONF_CORPUS, kind, name) > 0);
	len = read_file(path, &buf);
	assert_true(len >= 0);
	expect = header_values(buf, (size_t)len, "# expect: ");
	checks = header_values(buf, (size_t)len, "# check: ");
	r = conf_parse_buffer(name, buf, (size_t)len, &corpus_env, &conf, &errs);

	if (streq(kind, "valid")) {
		if (r != 0 || errs.n) {
			print_error("%s: want success, got %d:\n", path, r);
			bad++;
		}
		for (i = 0; conf && checks[i]; i++) {
			char *eq = strchr(checks[i], '='), *got;

			assert_non_null(eq);
			*eq = '\0';
			got = conf_field(conf, checks[i]);
			if (!streq(got, eq + 1)) {
				print_error("%s: %s: want \"%s\", got \"%s\"\n",
					    path, checks[i], eq + 1, got);
				bad++;
			}
			free(got);
		}
	} else {
		if (!expect[0]) {
			print_error("%s: no \"# expect:\" line\n", path);
			bad++;
		}
		if (r != -EINVAL || conf) {
			print_error("%s: want -EINVAL, got %d\n", path, r);
			bad++;
		}
		/* expect[] ends at its NULL: never read past it */
		for (i = 0, n = strv_length(expect); i < errs.n || i < n; i++) {
			char *got = i < errs.n ? conf_error_format(&errs.v[i]) : NULL;
			const char *want = i < n ? expect[i] : NULL;

			if (!got || !want || !streq(got, want)) {
				print_error("%s:\n  want: %s\n  got:  %s\n", path,
					    want ? want : "(nothing)",
					    got ? got : "(nothing)");
				bad++;
			}
			free(got);
		}
	}
	if (bad && errs.n && streq(kind, "valid"))
		for (i = 0; i < errs.n; i++)
			print_error("  %s\n", errs.v[i].message);
	strv_free(expect);
	strv_free(checks);
	conf_errors_free(&errs);
	conf_free(conf);
	return bad;
}

static void run_corpus(const char *kind, size_t at_least)
{
	_cleanup_free_ char *dir = NULL;
	char **names;
	size_t i;
	int bad = 0;

	assert_true(asprintf(&dir, "%s/%s", CONF_CORPUS, kind) > 0);
	names = list_corpus(dir);
	for (i = 0; names[i]; i++)
		bad += corpus_file(kind, names[i]);
	print_message("%zu %s configurations\n", i, kind);
	assert_true(i >= at_least);
	strv_free(names);
	assert_int_equal(bad, 0);
}

static void test_corpus_valid(void **state UNUSED)
{
	run_corpus("valid", 8);
}

static void test_corpus_invalid(void **state UNUSED)
{
	run_corpus("invalid", 45);
}

/* The fixture files keep their modes in git; the corpus relies on them. */
static void test_fixture_root_modes(void **state UNUSED)
{
	struct stat st;

	assert_int_equal(stat(CONF_CORPUS "/root/usr/local/bin/pre.sh", &st), 0);
	assert_true(st.st_mode & 0100);
	assert_int_equal(stat(CONF_CORPUS "/root/usr/local/bin/noexec.sh", &st), 0);
	assert_false(st.st_mode & 0111);
}

/* ---- the API ------------------------------------------------------------- */

static void test_defaults(void **state UNUSED)
{
	struct kdump_conf *c = parse_ok("");
	char *s;

	assert_string_equal(c->path, CONF_DEFAULT_PATH);
	assert_string_equal(c->core_collector, CONF_DEFAULT_COLLECTOR);
	s = strv_join_quoted(c->collector_argv);
	assert_string_equal(s, CONF_DEFAULT_COLLECTOR);
	free(s);
	assert_int_equal(c->collector, CONF_COLLECTOR_MAKEDUMPFILE);
	assert_int_equal(c->target_type, CONF_TARGET_ROOTFS);
	assert_null(c->target);
	assert_null(c->target_device);
	assert_null(c->fstype);
	assert_null(c->sshkey);
	assert_int_equal(c->failure_action, CONF_ACTION_REBOOT);
	assert_int_equal(c->final_action, CONF_ACTION_REBOOT);
	/* empty vectors, never NULL */
	assert_non_null(c->extra_bins);
	assert_null(c->extra_bins[0]);
	assert_non_null(c->extra_modules);
	assert_null(c->extra_modules[0]);
	assert_non_null(c->dracut_args);
	assert_null(c->dracut_args[0]);
	assert_null(c->kdump_pre);
	assert_null(c->kdump_post);
	assert_false(c->force_rebuild);
	assert_false(c->force_no_rebuild);
	conf_free(c);
}

static void test_accumulate(void **state UNUSED)
{
	struct kdump_conf *c = parse_ok(
		"extra_bins /usr/bin/kdump-helper\n"
		"dracut_args --add-drivers 'a b'\n"
		"extra_bins /usr/local/bin/pre.sh /usr/local/bin/post.sh\n"
		"dracut_args -i \"c\\\"d\" e\\ f\n"
		"extra_modules virtio_blk\n"
		"extra_modules nvme xfs\n");

	assert_int_equal(strv_length(c->extra_bins), 3);
	assert_string_equal(c->extra_bins[0], "/usr/bin/kdump-helper");
	assert_string_equal(c->extra_bins[1], "/usr/local/bin/pre.sh");
	assert_string_equal(c->extra_bins[2], "/usr/local/bin/post.sh");
	assert_int_equal(strv_length(c->dracut_args), 5);
	assert_string_equal(c->dracut_args[0], "--add-drivers");
	assert_string_equal(c->dracut_args[1], "a b");
	assert_string_equal(c->dracut_args[2], "-i");
	assert_string_equal(c->dracut_args[3], "c\"d");
	assert_string_equal(c->dracut_args[4], "e f");
	assert_int_equal(strv_length(c->extra_modules), 3);
	assert_string_equal(c->extra_modules[2], "xfs");
	conf_free(c);
}

static void test_collector_kinds(void **state UNUSED)
{
	struct kdump_conf *c;

	c = parse_ok("core_collector cp\n");
	assert_int_equal(c->collector, CONF_COLLECTOR_CP);
	assert_int_equal(strv_length(c->collector_argv), 1);
	conf_free(c);
	c = parse_ok("core_collector cat\n");
	assert_int_equal(c->collector, CONF_COLLECTOR_CAT);
	conf_free(c);
	c = parse_ok("core_collector makedumpfile --work-dir '/var/tmp/with space' -e\n");
	assert_int_equal(c->collector, CONF_COLLECTOR_MAKEDUMPFILE);
	assert_string_equal(c->core_collector,
			    "makedumpfile --work-dir '/var/tmp/with space' -e");
	assert_string_equal(c->collector_argv[2], "/var/tmp/with space");
	conf_free(c);
}

static void test_targets(void **state UNUSED)
{
	struct kdump_conf *c;

	c = parse_ok("ext2 /dev/vdc\n");
	assert_int_equal(c->target_type, CONF_TARGET_FS);
	assert_string_equal(c->fstype, "ext2");
	assert_string_equal(c->target_device, "/dev/vdc");
	conf_free(c);
	c = parse_ok("ext3 PARTLABEL=crash\n");
	assert_int_equal(c->target_type, CONF_TARGET_FS);
	assert_string_equal(c->fstype, "ext3");
	assert_string_equal(c->target, "PARTLABEL=crash");
	assert_string_equal(c->target_device, "/dev/vdb4");
	conf_free(c);
	c = parse_ok("ext2 /dev/vdb1\nfailure_action dump_to_rootfs\n");
	assert_int_equal(c->failure_action, CONF_ACTION_DUMP_TO_ROOTFS);
	conf_free(c);
}

static void test_errors_inline(void **state UNUSED)
{
	/* the second of two problems on one line of extra_bins is reported too */
	struct kdump_conf *conf = NULL;
	struct conf_errors errs = { 0 };

	assert_int_equal(parse("extra_bins rel /nope\n", &conf, &errs), -EINVAL);
	assert_int_equal(errs.n, 2);
	assert_int_equal(errs.v[0].column, 12);
	assert_int_equal(errs.v[1].column, 16);
	conf_errors_free(&errs);

	check_error("path /var/crash # c\npath /x", "t.conf:2:1: \"path\" given twice; first on line 1");
	check_error("sshkey /root/.ssh/kdump_id_rsa\nssh a@b@c\n",
		    "t.conf:2:8: ssh target \"a@b@c\": a second '@'");
	check_error("failure_action shell\nfailure_action halt\n",
		    "t.conf:2:1: \"failure_action\" given twice; first on line 1");
	check_error("core_collector makedumpfile -x\n",
		    "t.conf:1:29: makedumpfile option \"-x\" is not supported in core_collector: "
		    "it reads a file that is not in the capture image");
	check_error("core_collector makedumpfile -ld\n",
		    "t.conf:1:29: makedumpfile option \"-d\" needs a value");
	check_error("dracut_args 'a' \"b\n", "t.conf:1:17: unbalanced quote in dracut_args");
	check_error("path /var/crash\n\xc3\n", "t.conf:2:1: invalid UTF-8 (byte 0xc3); kdump.conf must be text");
	/* a BOM cannot be in the corpus: its files start with "# expect:" */
	check_error("\xef\xbb\xbfpath /var/crash\nfoo\n",
		    "t.conf:1:1: UTF-8 byte order mark (BOM) at the start: kdump.conf must be "
		    "plain text; save it without one; nothing further is checked");
	check_error("path /var/crash\r\nfoo\r\nbar\n",
		    "t.conf:1:16: DOS line endings (\\r\\n) on 2 lines, from this one: kdump.conf "
		    "must have \\n line endings (convert it with dos2unix); nothing further is checked");
}

/* Errors are appended to what errs already holds. */
static void test_errors_append(void **state UNUSED)
{
	struct kdump_conf *conf = NULL;
	struct conf_errors errs = { 0 };

	assert_int_equal(parse("foo\n", &conf, &errs), -EINVAL);
	assert_int_equal(parse("bar\nforce_rebuild 1\nforce_no_rebuild 1\n", &conf, &errs),
			 -EINVAL);
	assert_int_equal(errs.n, 3);
	assert_int_equal(errs.v[0].line, 1);
	assert_int_equal(errs.v[1].line, 1);
	assert_int_equal(errs.v[2].line, 3);
	assert_non_null(strstr(errs.v[1].message, "\"bar\""));
	conf_errors_free(&errs);
	assert_null(errs.v);
	assert_int_equal(errs.n, 0);
	conf_errors_free(&errs);
	conf_errors_free(NULL);
	conf_free(NULL);
}

static void test_error_format(void **state UNUSED)
{
	struct conf_error e = { .file = (char *)"/etc/kdump.conf", .line = 3,
				.column = 7, .message = (char *)"msg" };
	char *s;

	s = conf_error_format(&e);
	assert_string_equal(s, "/etc/kdump.conf:3:7: msg");
	free(s);
	e.column = 0;
	s = conf_error_format(&e);
	assert_string_equal(s, "/etc/kdump.conf:3: msg");
	free(s);
	e.line = 0;
	s = conf_error_format(&e);
	assert_string_equal(s, "/etc/kdump.conf: msg");
	free(s);
	e.file = NULL;
	s = conf_error_format(&e);
	assert_string_equal(s, "msg");
	free(s);
	e.line = 2;
	e.column = 5;
	s = conf_error_format(&e);
	assert_string_equal(s, "2:5: msg");
	free(s);
}

static void test_names(void **state UNUSED)
{
	assert_string_equal(conf_action_name(CONF_ACTION_REBOOT), "reboot");
	assert_string_equal(conf_action_name(CONF_ACTION_POWEROFF), "poweroff");
	assert_string_equal(conf_action_name(CONF_ACTION_HALT), "halt");
	assert_string_equal(conf_action_name(CONF_ACTION_SHELL), "shell");
	assert_string_equal(conf_action_name(CONF_ACTION_DUMP_TO_ROOTFS), "dump_to_rootfs");
	assert_string_equal(conf_target_type_name(CONF_TARGET_ROOTFS), "rootfs");
	assert_string_equal(conf_target_type_name(CONF_TARGET_FS), "fs");
	assert_string_equal(conf_target_type_name(CONF_TARGET_RAW), "raw");
	assert_string_equal(conf_target_type_name(CONF_TARGET_NFS), "nfs");
	assert_string_equal(conf_target_type_name(CONF_TARGET_SSH), "ssh");
}

static void test_parse_file(void **state UNUSED)
{
	struct kdump_conf *conf = NULL;
	struct conf_errors errs = { 0 };
	char *s;

	assert_int_equal(conf_parse_file(CONF_CORPUS "/valid/ext4-uuid.conf", &corpus_env,
					 &conf, &errs), 0);
	assert_non_null(conf);
	assert_string_equal(conf->target, "UUID=4b7f2c1e-8d3a-4f6b-9e2d-1a5c7b9e0f31");
	conf_free(conf);
	conf = NULL;

	/* the path, as given, names the file in messages */
	assert_int_equal(conf_parse_file(CONF_CORPUS "/invalid/unknown-directive.conf",
					 &corpus_env, &conf, &errs), -EINVAL);
	assert_null(conf);
	assert_int_equal(errs.n, 1);
	assert_string_equal(errs.v[0].file, CONF_CORPUS "/invalid/unknown-directive.conf");
	conf_errors_free(&errs);

	assert_int_equal(conf_parse_file(CONF_CORPUS "/no-such.conf", &corpus_env,
					 &conf, &errs), -ENOENT);
	assert_null(conf);
	assert_int_equal(errs.n, 1);
	assert_int_equal(errs.v[0].line, 0);
	s = conf_error_format(&errs.v[0]);
	assert_string_equal(s, CONF_CORPUS "/no-such.conf: cannot read: No such file or directory");
	free(s);
	conf_errors_free(&errs);

	/* bounded read */
	assert_int_equal(conf_parse_file("/dev/zero", &corpus_env, &conf, &errs), -EFBIG);
	assert_int_equal(errs.n, 1);
	assert_non_null(strstr(errs.v[0].message, "larger than"));
	conf_errors_free(&errs);

	assert_int_equal(conf_parse_file(CONF_CORPUS "/valid", &corpus_env, &conf, &errs),
			 -EISDIR);
	conf_errors_free(&errs);
}

/* The default resolver: /dev paths below the root, tags through libblkid. */
static void test_resolve_blkid(void **state UNUSED)
{
	struct conf_env env = { .root = "/" };
	struct kdump_conf *conf = NULL;
	struct conf_errors errs = { 0 };
	char *dev = NULL;

	assert_int_equal(conf_resolve_blkid("/dev/no-such-device", &dev, NULL), -ENOENT);
	assert_int_equal(conf_resolve_blkid("/dev/null", &dev, NULL), -ENOTBLK);
	assert_int_equal(conf_resolve_blkid("/dev/null", &dev, (void *)"/"), -ENOTBLK);
	assert_int_equal(conf_resolve_blkid("UUID=kdump-snp-test-no-such-uuid", &dev, NULL),
			 -ENOENT);
	assert_int_equal(conf_resolve_blkid("sdb1", &dev, NULL), -EINVAL);
	assert_null(dev);

	/* below a fixture root, any file stands for the device */
	assert_int_equal(conf_resolve_blkid("/usr/local/bin/pre.sh", &dev,
					    (void *)(CONF_CORPUS "/root")), -EINVAL);
	assert_int_equal(conf_resolve_blkid("/dev/vdb1", &dev,
					    (void *)(CONF_CORPUS "/root")), -ENOENT);

	/* through the parser, with env->resolve NULL */
	assert_int_equal(conf_parse_buffer("k.conf", "xfs /dev/null\n", 14, &env,
					   &conf, &errs), -EINVAL);
	assert_int_equal(errs.n, 1);
	assert_string_equal(errs.v[0].message, "device \"/dev/null\" is not a block device");
	conf_errors_free(&errs);
	assert_int_equal(conf_parse_buffer("k.conf", "xfs LABEL=kdump-snp-no-such\n", 28,
					   NULL, &conf, &errs), -EINVAL);
	assert_int_equal(errs.n, 1);
	assert_string_equal(errs.v[0].message, "device \"LABEL=kdump-snp-no-such\" does not exist");
	conf_errors_free(&errs);
}

/* A fixture root with a /dev entry, made at run time (git keeps no nodes). */
static void test_resolve_blkid_root(void **state UNUSED)
{
	char tmpl[] = "/tmp/test-conf-XXXXXX";
	_cleanup_free_ char *devdir = NULL, *node = NULL;
	char *dev = NULL;
	int fd;

	assert_non_null(mkdtemp(tmpl));
	assert_true(asprintf(&devdir, "%s/dev", tmpl) > 0);
	assert_true(asprintf(&node, "%s/dev/vdb1", tmpl) > 0);
	assert_int_equal(mkdir(devdir, 0755), 0);
	fd = open(node, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(conf_resolve_blkid("/dev/vdb1", &dev, tmpl), 0);
	assert_string_equal(dev, "/dev/vdb1");
	free(dev);
	assert_int_equal(conf_resolve_blkid("/dev/vdb2", &dev, tmpl), -ENOENT);
	unlink(node);
	rmdir(devdir);
	rmdir(tmpl);
}

/* A NULL env means the real root and libblkid; files are checked below /. */
static void test_null_env(void **state UNUSED)
{
	struct kdump_conf *conf = NULL;
	struct conf_errors errs = { 0 };
	const char *text = "kdump_pre /bin/sh\nextra_bins /bin/sh\n";

	assert_int_equal(conf_parse_buffer(NULL, text, strlen(text), NULL, &conf, &errs), 0);
	assert_string_equal(conf->kdump_pre, "/bin/sh");
	conf_free(conf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixture_root_modes),
		cmocka_unit_test(test_corpus_valid),
		cmocka_unit_test(test_corpus_invalid),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_accumulate),
		cmocka_unit_test(test_collector_kinds),
		cmocka_unit_test(test_targets),
		cmocka_unit_test(test_errors_inline),
		cmocka_unit_test(test_errors_append),
		cmocka_unit_test(test_error_format),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_parse_file),
		cmocka_unit_test(test_resolve_blkid),
		cmocka_unit_test(test_resolve_blkid_root),
		cmocka_unit_test(test_null_env),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
