// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "defaults.h"

static struct kdump_defaults *parse_ok(const char *text)
{
	struct conf_errors errs = { 0 };
	struct kdump_defaults *d = NULL;

	assert_int_equal(defaults_parse_buffer("kdump", text, strlen(text), &d, &errs), 0);
	assert_int_equal(errs.n, 0);
	return d;
}

/* the one error text expects, as conf_error_format() prints it */
static void parse_err(const char *text, const char *want)
{
	struct conf_errors errs = { 0 };
	struct kdump_defaults *d = NULL;
	char *s;

	assert_int_equal(defaults_parse_buffer("kdump", text, strlen(text), &d, &errs), -EINVAL);
	assert_null(d);
	assert_int_equal(errs.n, 1);
	s = conf_error_format(&errs.v[0]);
	assert_string_equal(s, want);
	free(s);
	conf_errors_free(&errs);
}

static void test_defaults_when_empty(void **state)
{
	struct kdump_defaults *d = parse_ok("# nothing\n\n");

	assert_string_equal(d->img, "vmlinuz");
	assert_string_equal(d->initrd_dir, "/var/lib/kdump");
	assert_string_equal(d->kernelver, "");
	assert_string_equal(d->kernel, "auto");
	assert_null(d->commandline);
	assert_int_equal(d->snp, SNP_MODE_AUTO);
	assert_false(d->debug);
	defaults_free(d);
}

static void test_quoting(void **state)
{
	struct kdump_defaults *d = parse_ok(
		"KDUMP_COMMANDLINE_APPEND=\"irqpoll nr_cpus=1 foo=\\\"a b\\\"\"\n"
		"export KDUMP_COMMANDLINE_REMOVE='quiet  splash'  # comment\n"
		"KDUMP_KERNELVER=6.12.57+deb13-amd64\n"
		"  KDUMP_IMG=vmlinu\"z\"\n"
		"KDUMP_COMMANDLINE=a\\ b\n");

	assert_string_equal(d->commandline_append, "irqpoll nr_cpus=1 foo=\"a b\"");
	assert_string_equal(d->commandline_remove, "quiet  splash");
	assert_string_equal(d->kernelver, "6.12.57+deb13-amd64");
	assert_string_equal(d->img, "vmlinuz");
	assert_string_equal(d->commandline, "a b");
	defaults_free(d);
}

static void test_last_assignment_wins(void **state)
{
	struct kdump_defaults *d = parse_ok("KDUMP_IMG=a\nKDUMP_IMG=b\n");

	assert_string_equal(d->img, "b");
	defaults_free(d);
}

static void test_snp_and_kexec_args(void **state)
{
	struct kdump_defaults *d = parse_ok("KDUMP_SNP=on\nKEXEC_ARGS=\"-s -d\"\n");

	assert_int_equal(d->snp, SNP_MODE_ON);
	assert_true(d->debug);
	assert_string_equal(d->kexec_args[0], "-s");
	defaults_free(d);
	d = parse_ok("KEXEC_ARGS=\"--snp=off\"\n");
	assert_int_equal(d->snp, SNP_MODE_OFF);
	defaults_free(d);
}

/* KDUMP_SNP and --snp= in KEXEC_ARGS must agree: no silent last-one-wins */
static void test_snp_conflict(void **state)
{
	struct kdump_defaults *d = parse_ok("KDUMP_SNP=on\nKEXEC_ARGS=\"-s --snp=on\"\n");

	assert_int_equal(d->snp, SNP_MODE_ON);
	defaults_free(d);
	parse_err("KDUMP_SNP=on\nKEXEC_ARGS=\"-s --snp=off\"\n",
		  "kdump:2:12: KEXEC_ARGS \"--snp=off\" conflicts with KDUMP_SNP=on on line 1; keep one");
	parse_err("KEXEC_ARGS=--snp=auto\n# x\nexport KDUMP_SNP='off'\n",
		  "kdump:3:18: KDUMP_SNP=off conflicts with KEXEC_ARGS \"--snp=auto\" on line 1; keep one");
}

static void test_capture_init(void **state)
{
	struct kdump_defaults *d = parse_ok("KDUMP_IMG=a\n");

	assert_int_equal(d->capture_init, CAPTURE_INIT_AUTO);
	defaults_free(d);
	d = parse_ok("KDUMP_CAPTURE_INIT=systemd\n");
	assert_int_equal(d->capture_init, CAPTURE_INIT_SYSTEMD);
	assert_string_equal(capture_init_name(d->capture_init), "systemd");
	defaults_free(d);
	d = parse_ok("KDUMP_CAPTURE_INIT=\"minimal\"\n");
	assert_int_equal(d->capture_init, CAPTURE_INIT_MINIMAL);
	defaults_free(d);
	parse_err("# x\nKDUMP_CAPTURE_INIT=busybox\n",
		  "kdump:2:20: invalid KDUMP_CAPTURE_INIT value \"busybox\": use auto, minimal or systemd");
}

/* KDUMP_NET: how the crash kernel's network gets its address */
static void test_net(void **state)
{
	struct kdump_defaults *d = parse_ok("KDUMP_IMG=a\n");

	assert_int_equal(d->net, NET_MODE_STATIC);
	assert_string_equal(net_mode_name(d->net), "static");
	defaults_free(d);
	d = parse_ok("KDUMP_NET=dhcp\n");
	assert_int_equal(d->net, NET_MODE_DHCP);
	assert_string_equal(net_mode_name(d->net), "dhcp");
	defaults_free(d);
	d = parse_ok("KDUMP_NET=dhcp\nKDUMP_NET='static'\n");
	assert_int_equal(d->net, NET_MODE_STATIC);
	defaults_free(d);
	parse_err("# x\nexport KDUMP_NET=\"DHCP\"\n",
		  "kdump:2:18: invalid KDUMP_NET value \"DHCP\": use static or dhcp");
	parse_err("KDUMP_NET=\n", "kdump:1:11: invalid KDUMP_NET value \"\": use static or dhcp");
	parse_err("KDUMP_NETS=dhcp\n", "kdump:1:1: unknown setting \"KDUMP_NETS\"; did you mean \"KDUMP_NET\"?");
}

static void test_errors(void **state)
{
	parse_err("KDUMP_FOO=1\n", "kdump:1:1: unknown setting \"KDUMP_FOO\"");
	parse_err("\nKDUMP_SNP=maybe\n", "kdump:2:11: invalid KDUMP_SNP value \"maybe\": use auto, on or off");
	parse_err("KDUMP_IMG=\"abc\n", "kdump:1:11: unterminated double quote");
	parse_err("KDUMP_IMG='abc\n", "kdump:1:11: unterminated single quote");
	parse_err("KDUMP_IMG=$HOME\n",
		  "kdump:1:11: \"$\": shell syntax is not supported here; quote the value");
	parse_err("KDUMP_IMG=\"$HOME\"\n",
		  "kdump:1:12: \"$\": shell expansion is not supported here; write the value literally");
	parse_err("KDUMP_IMG=a b\n",
		  "kdump:1:13: \"b\": unexpected text after the value; quote values with spaces");
	parse_err("echo hi\n", "kdump:1:1: \"echo\": expected KEY=value");
	parse_err("1KEY=x\n", "kdump:1:1: \"1KEY=x\": expected KEY=value");
	parse_err("KEXEC_ARGS=\"--load-preserve-context\"\n",
		  "kdump:1:12: KEXEC_ARGS: unsupported option \"--load-preserve-context\" "
		  "(supported: -s, -d, --snp=auto|on|off)");
	parse_err("KDUMP_IMG=a\\", "kdump:1:12: backslash at the end of the line");
}

/* KDUMP_INITRD_DIR is a directory kdumpctl creates; KDUMP_IMG and
 * KDUMP_KERNELVER are put into file names under /boot and /lib/modules */
static void test_paths_and_names(void **state)
{
	struct kdump_defaults *d = parse_ok("KDUMP_INITRD_DIR=/\n"
					    "KDUMP_IMG=vmlinuz.efi\n"
					    "KDUMP_KERNELVER=6.12.57+deb13-amd64\n");

	assert_string_equal(d->initrd_dir, "/");
	assert_string_equal(d->img, "vmlinuz.efi");
	defaults_free(d);
	d = parse_ok("KDUMP_KERNELVER=\"\"\nKDUMP_INITRD_DIR=/srv/kdump\n");
	assert_string_equal(d->kernelver, "");
	defaults_free(d);

	parse_err("KDUMP_INITRD_DIR=var/lib/kdump\n",
		  "kdump:1:18: KDUMP_INITRD_DIR \"var/lib/kdump\": must be an absolute path");
	parse_err("KDUMP_INITRD_DIR=\"\"\n",
		  "kdump:1:18: KDUMP_INITRD_DIR \"\": must be an absolute path");
	parse_err("KDUMP_IMG=-vmlinuz\n",
		  "kdump:1:11: KDUMP_IMG \"-vmlinuz\": a file name cannot start with \"-\"");
	parse_err("KDUMP_IMG=../../etc/shadow\n",
		  "kdump:1:11: KDUMP_IMG \"../../etc/shadow\": a file name cannot contain \"/\"");
	parse_err("KDUMP_IMG=..\n",
		  "kdump:1:11: KDUMP_IMG \"..\": a file name cannot contain \"..\"");
	parse_err("KDUMP_IMG=\"\"\n",
		  "kdump:1:11: KDUMP_IMG \"\": must name the kernel image (the default is vmlinuz)");
	parse_err("  KDUMP_KERNELVER='6.12/../../../tmp/x'\n",
		  "kdump:1:19: KDUMP_KERNELVER \"6.12/../../../tmp/x\": a file name cannot contain \"/\"");
	parse_err("KDUMP_KERNELVER=..\n",
		  "kdump:1:17: KDUMP_KERNELVER \"..\": a file name cannot contain \"..\"");
	parse_err("KDUMP_KERNELVER=--help\n",
		  "kdump:1:17: KDUMP_KERNELVER \"--help\": a file name cannot start with \"-\"");
}

/* KDUMP_KERNEL (kdump-tools' name): auto, running, or an image's path */
static void test_kernel(void **state)
{
	struct kdump_defaults *d = parse_ok("KDUMP_KERNEL=running\n");

	(void)state;
	assert_string_equal(d->kernel, "running");
	defaults_free(d);
	d = parse_ok("KDUMP_KERNEL=\"/usr/lib/kdump-snp/crash-kernel/vmlinuz-6.12.117-kdump-snp\"\n");
	assert_string_equal(d->kernel, "/usr/lib/kdump-snp/crash-kernel/vmlinuz-6.12.117-kdump-snp");
	defaults_free(d);
	d = parse_ok("KDUMP_KERNEL=auto\n");
	assert_string_equal(d->kernel, "auto");
	defaults_free(d);

	parse_err("KDUMP_KERNEL=vmlinuz-6.12\n",
		  "kdump:1:14: KDUMP_KERNEL \"vmlinuz-6.12\": use auto, running or the absolute "
		  "path of a kernel image");
	parse_err("KDUMP_KERNEL=\"\"\n",
		  "kdump:1:14: KDUMP_KERNEL \"\": use auto, running or the absolute path of a "
		  "kernel image");
	parse_err("KDUMP_KERNEL=/boot/../tmp/x\n",
		  "kdump:1:14: KDUMP_KERNEL \"/boot/../tmp/x\": a path cannot contain \"/..\"");
	parse_err("KDUMP_KERNL=auto\n",
		  "kdump:1:1: unknown setting \"KDUMP_KERNL\"; did you mean \"KDUMP_KERNEL\"?");
}

static void test_nul_byte(void **state)
{
	struct conf_errors errs = { 0 };
	struct kdump_defaults *d = NULL;
	const char text[] = "KDUMP_IMG=a\nKDUMP\0=b\n";

	assert_int_equal(defaults_parse_buffer("kdump", text, sizeof(text) - 1, &d, &errs), -EINVAL);
	assert_int_equal(errs.n, 1);
	assert_int_equal(errs.v[0].line, 2);
	assert_non_null(strstr(errs.v[0].message, "NUL byte"));
	conf_errors_free(&errs);
}

/* a file that is not text for us is one error, not one per line */
static void test_file_level_errors(void **state)
{
	static const char binary[] = "KDUMP_IMG=a\n\x7f" "ELF\x02\x01\x01\x00\x00\n\x00\x00\n";
	struct conf_errors errs = { 0 };
	struct kdump_defaults *d = NULL;

	parse_err("KDUMP_IMG=a\r\nKDUMP_SNP=on\r\n",
		  "kdump:1:12: DOS line endings (\\r\\n) on 2 lines, from this one: the defaults "
		  "file must have \\n line endings (convert it with dos2unix); nothing further is checked");
	parse_err("\xef\xbb\xbfKDUMP_IMG=a\n",
		  "kdump:1:1: UTF-8 byte order mark (BOM) at the start: the defaults file must be "
		  "plain text; save it without one; nothing further is checked");
	assert_int_equal(defaults_parse_buffer("kdump", binary, sizeof(binary) - 1, &d, &errs), -EINVAL);
	assert_int_equal(errs.n, 1);
	assert_int_equal(errs.v[0].line, 2);
	assert_int_equal(errs.v[0].column, 8);
	conf_errors_free(&errs);
}

static void test_did_you_mean(void **state)
{
	parse_err("KDUMP_COMANDLINE_APPEND=x\n",
		  "kdump:1:1: unknown setting \"KDUMP_COMANDLINE_APPEND\"; did you mean "
		  "\"KDUMP_COMMANDLINE_APPEND\"?");
	parse_err("KEXEC_ARSG=-s\n",
		  "kdump:1:1: unknown setting \"KEXEC_ARSG\"; did you mean \"KEXEC_ARGS\"?");
	parse_err("KDUMP_FOO=1\n", "kdump:1:1: unknown setting \"KDUMP_FOO\"");
}

static void test_all_errors_reported(void **state)
{
	struct conf_errors errs = { 0 };
	struct kdump_defaults *d = NULL;
	const char *text = "A=1\nKDUMP_IMG=ok\nB=2\n";

	assert_int_equal(defaults_parse_buffer("f", text, strlen(text), &d, &errs), -EINVAL);
	assert_int_equal(errs.n, 2);
	assert_int_equal(errs.v[0].line, 1);
	assert_int_equal(errs.v[1].line, 3);
	conf_errors_free(&errs);
}

static void test_missing_file(void **state)
{
	struct conf_errors errs = { 0 };
	struct kdump_defaults *d = NULL;

	assert_int_equal(defaults_parse_file("/nonexistent/kdump", true, &d, &errs), 0);
	assert_string_equal(d->img, "vmlinuz");
	defaults_free(d);
	d = NULL;
	assert_int_equal(defaults_parse_file("/nonexistent/kdump", false, &d, &errs), -ENOENT);
	assert_int_equal(errs.n, 1);
	assert_int_equal(errs.v[0].line, 0);
	conf_errors_free(&errs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults_when_empty),
		cmocka_unit_test(test_quoting),
		cmocka_unit_test(test_last_assignment_wins),
		cmocka_unit_test(test_snp_and_kexec_args),
		cmocka_unit_test(test_snp_conflict),
		cmocka_unit_test(test_file_level_errors),
		cmocka_unit_test(test_did_you_mean),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_capture_init),
		cmocka_unit_test(test_net),
		cmocka_unit_test(test_paths_and_names),
		cmocka_unit_test(test_kernel),
		cmocka_unit_test(test_nul_byte),
		cmocka_unit_test(test_all_errors_reported),
		cmocka_unit_test(test_missing_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
