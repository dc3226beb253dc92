// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * watchdog_probe() against sysfs trees built here the way the kernel lays
 * them out (class links into /sys/devices, driver and module links), the
 * timeout choice, and the magic close.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "strv.h"
#include "util.h"
#include "watchdog.h"

static char root[] = "/tmp/test-watchdog.XXXXXX";

static void sh(const char *fmt, ...)
{
	_cleanup_free_ char *cmd = NULL;
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&cmd, fmt, ap);
	va_end(ap);
	assert_true(r > 0);
	assert_int_equal(system(cmd), 0);
}

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(root))
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	sh("rm -rf '%s'/sys", root);
	return 0;
}

static int cleanup_all(void **state)
{
	(void)state;
	sh("rm -rf '%s'", root);
	return 0;
}

/* A watchdog device dev (below /sys/devices) bound to driver on bus,
 * with module (or none: built in) and its class entry watchdog0. */
static void make_watchdog(const char *dev, const char *bus, const char *driver,
			  const char *module)
{
	sh("cd '%s' && mkdir -p sys/devices/%s/watchdog/watchdog0 sys/bus/%s/drivers/%s "
	   "sys/class/watchdog sys/module && "
	   "ln -s \"$PWD/sys/bus/%s/drivers/%s\" sys/devices/%s/driver && "
	   "ln -s \"$PWD/sys/devices/%s\" sys/devices/%s/watchdog/watchdog0/device && "
	   "ln -s \"$PWD/sys/devices/%s/watchdog/watchdog0\" sys/class/watchdog/watchdog0 && "
	   "echo %s >sys/devices/%s/watchdog/watchdog0/identity",
	   root, dev, bus, driver, bus, driver, dev, dev, dev, dev, driver, dev);
	if (module)
		sh("cd '%s' && mkdir -p sys/module/%s && "
		   "ln -s \"$PWD/sys/module/%s\" sys/bus/%s/drivers/%s/module",
		   root, module, module, bus, driver);
}

/* i6300esb registers its watchdog without a parent (Linux 6.12's
 * esb_probe() leaves wdd.parent unset, as the VM scenario watchdog-hang
 * showed): the class device is virtual, with no device link. Its identity
 * is its PCI driver's name, which leads to the device and the module. */
static void test_i6300esb(void **state)
{
	struct watchdog_host h;

	(void)state;
	sh("cd '%s' && mkdir -p sys/devices/virtual/watchdog/watchdog0 sys/class/watchdog "
	   "'sys/bus/pci/drivers/i6300ESB timer' sys/devices/pci0000:00/0000:00:03.0 "
	   "sys/module/i6300esb sys/bus/platform/drivers/other && "
	   "ln -s \"$PWD/sys/devices/virtual/watchdog/watchdog0\" sys/class/watchdog/watchdog0 && "
	   "echo 'i6300ESB timer' >sys/devices/virtual/watchdog/watchdog0/identity && "
	   "echo 2046 >sys/devices/virtual/watchdog/watchdog0/max_timeout && "
	   "ln -s \"$PWD/sys/bus/pci/drivers/i6300ESB timer\" sys/devices/pci0000:00/0000:00:03.0/driver && "
	   "ln -s \"$PWD/sys/devices/pci0000:00/0000:00:03.0\" 'sys/bus/pci/drivers/i6300ESB timer/0000:00:03.0' && "
	   "ln -s \"$PWD/sys/module/i6300esb\" 'sys/bus/pci/drivers/i6300ESB timer/module'",
	   root);
	assert_int_equal(watchdog_probe(root, &h), 0);
	assert_string_equal(h.device, "watchdog0");
	assert_string_equal(h.driver, "i6300ESB timer");
	assert_string_equal(h.identity, "i6300ESB timer");
	assert_int_equal(strv_length(h.modules), 1);
	assert_string_equal(h.modules[0], "i6300esb");
	assert_int_equal(h.max_timeout, 2046);
	watchdog_host_clear(&h);
}

/* a watchdog with a parent on the PCI bus, bound to its driver */
static void test_pci_parent(void **state)
{
	struct watchdog_host h;

	(void)state;
	make_watchdog("pci0000:00/0000:00:03.0", "pci", "wdt_pci", "wdt_pci");
	assert_int_equal(watchdog_probe(root, &h), 0);
	assert_string_equal(h.device, "watchdog0");
	assert_string_equal(h.driver, "wdt_pci");
	assert_int_equal(strv_length(h.modules), 1);
	assert_string_equal(h.modules[0], "wdt_pci");
	watchdog_host_clear(&h);
}

/* iTCO_wdt is a platform device below the LPC bridge that lpc_ich binds:
 * both modules, the watchdog's first */
static void test_itco_parent_module(void **state)
{
	struct watchdog_host h;

	(void)state;
	make_watchdog("pci0000:00/0000:00:1f.0/iTCO_wdt.1.auto", "platform", "iTCO_wdt",
		      "iTCO_wdt");
	sh("cd '%s' && mkdir -p sys/bus/pci/drivers/lpc_ich sys/module/lpc_ich && "
	   "ln -s \"$PWD/sys/bus/pci/drivers/lpc_ich\" sys/devices/pci0000:00/0000:00:1f.0/driver && "
	   "ln -s \"$PWD/sys/module/lpc_ich\" sys/bus/pci/drivers/lpc_ich/module", root);
	assert_int_equal(watchdog_probe(root, &h), 0);
	assert_string_equal(h.driver, "iTCO_wdt");
	assert_int_equal(strv_length(h.modules), 2);
	assert_string_equal(h.modules[0], "iTCO_wdt");
	assert_string_equal(h.modules[1], "lpc_ich");
	/* no max_timeout in sysfs (CONFIG_WATCHDOG_SYSFS off) */
	assert_int_equal(h.max_timeout, 0);
	watchdog_host_clear(&h);
}

static void test_builtin(void **state)
{
	struct watchdog_host h;

	(void)state;
	make_watchdog("platform/sp5100-tco", "platform", "sp5100-tco", NULL);
	assert_int_equal(watchdog_probe(root, &h), 0);
	assert_string_equal(h.driver, "sp5100-tco");
	assert_non_null(h.modules);
	assert_int_equal(strv_length(h.modules), 0);
	watchdog_host_clear(&h);
}

static void test_none(void **state)
{
	struct watchdog_host h;

	(void)state;
	/* no class at all, then a class entry with no driver bound */
	assert_int_equal(watchdog_probe(root, &h), -ENOENT);
	sh("cd '%s' && mkdir -p sys/devices/virtual/watchdog/watchdog0 sys/class/watchdog && "
	   "ln -s \"$PWD/sys/devices/virtual/watchdog/watchdog0\" sys/class/watchdog/watchdog0",
	   root);
	assert_int_equal(watchdog_probe(root, &h), -ENOENT);
	assert_null(h.driver);
}

static void test_timeout_for(void **state)
{
	(void)state;
	assert_int_equal(watchdog_timeout_for(600, 0), 600 + WATCHDOG_MARGIN);
	assert_int_equal(watchdog_timeout_for(600, 2046), 600 + WATCHDOG_MARGIN);
	/* the hardware's maximum wins; the capture pets meanwhile */
	assert_int_equal(watchdog_timeout_for(7200, 613), 613);
	assert_int_equal(watchdog_timeout_for(0, 0), WATCHDOG_UNBOUNDED_TIMEOUT);
	assert_int_equal(watchdog_timeout_for(0, 300), 300);
}

static void test_record(void **state)
{
	char *mods[] = { "iTCO_wdt", "lpc_ich", NULL }, *none[] = { NULL };
	struct watchdog_host h = { .driver = "iTCO_wdt", .modules = mods };
	struct watchdog_record rec;
	_cleanup_free_ char *text = NULL, *builtin = NULL;

	(void)state;
	assert_int_equal(watchdog_record_format(&h, 613, &text), 0);
	assert_string_equal(text, "driver=iTCO_wdt\nmodules=iTCO_wdt lpc_ich\ntimeout=613\n");
	assert_int_equal(watchdog_record_parse(text, &rec), 0);
	assert_string_equal(rec.driver, "iTCO_wdt");
	assert_int_equal(strv_length(rec.modules), 2);
	assert_string_equal(rec.modules[1], "lpc_ich");
	assert_int_equal(rec.timeout, 613);
	watchdog_record_clear(&rec);
	/* a built-in driver: no modules */
	h.modules = none;
	assert_int_equal(watchdog_record_format(&h, 7260, &builtin), 0);
	assert_int_equal(watchdog_record_parse(builtin, &rec), 0);
	assert_int_equal(strv_length(rec.modules), 0);
	watchdog_record_clear(&rec);
	assert_int_equal(watchdog_record_parse("driver=x\nmodules=\ntimeout=0\n", &rec), -EINVAL);
	assert_int_equal(watchdog_record_parse("driver=x\nmodules=\ntimeout=5s\n", &rec), -EINVAL);
	assert_int_equal(watchdog_record_parse("modules=x\ntimeout=5\n", &rec), -EINVAL);
	assert_int_equal(watchdog_record_parse("driver=x\nmodules=\ntimeout=5\nextra=1\n", &rec),
			 -EINVAL);
	assert_null(rec.driver);
}

/* Not a watchdog: the ioctls fail, so the device keeps its own timeout
 * (reported as 0); the magic close still writes 'V'. */
static void test_arm_disarm_file(void **state)
{
	_cleanup_free_ char *path = NULL, *text = NULL;
	unsigned int armed = 99;
	int fd;

	(void)state;
	assert_true(asprintf(&path, "%s/dev-watchdog", root) > 0);
	close(open(path, O_WRONLY | O_CREAT, 0600));
	fd = watchdog_arm(path, 120, &armed);
	assert_true(fd >= 0);
	assert_int_equal(armed, 0);
	assert_int_equal(watchdog_pet(fd), -ENOTTY);
	assert_int_equal(watchdog_disarm(fd), 0);
	assert_true(read_file(path, &text) == 1);
	assert_string_equal(text, "V");
	assert_int_equal(watchdog_arm("/nonexistent-watchdog", 1, &armed), -ENOENT);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_i6300esb, teardown),
		cmocka_unit_test_teardown(test_pci_parent, teardown),
		cmocka_unit_test_teardown(test_itco_parent_module, teardown),
		cmocka_unit_test_teardown(test_builtin, teardown),
		cmocka_unit_test_teardown(test_none, teardown),
		cmocka_unit_test(test_timeout_for),
		cmocka_unit_test(test_record),
		cmocka_unit_test(test_arm_disarm_file),
	};

	return cmocka_run_group_tests(tests, setup, cleanup_all);
}
