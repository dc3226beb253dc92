// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crash-cmdline.h"

#define DEFAULTS "irqpoll nr_cpus=1 reset_devices cgroup_disable=memory mce=off numa=off " \
	"udev.children-max=2 panic=10 acpi_no_memhotplug transparent_hugepage=never nokaslr " \
	"hest_disable novmcoredd cma=0 hugetlb_cma=0"
/* the defaults after a panic= the line already had, which they replace in place */
#define DEFAULTS_NO_PANIC "irqpoll nr_cpus=1 reset_devices cgroup_disable=memory mce=off " \
	"numa=off udev.children-max=2 acpi_no_memhotplug transparent_hugepage=never nokaslr " \
	"hest_disable novmcoredd cma=0 hugetlb_cma=0"

static void expect(const char *base, const char *remove, const char *append, bool snp,
		   const char *want)
{
	char err[512] = "";
	char *out = NULL;

	assert_int_equal(crash_cmdline_compose(&(struct crash_cmdline_input){
		.base = base, .remove = remove, .append = append, .snp = snp }, &out, err,
		sizeof(err)), 0);
	assert_string_equal(out, want);
	free(out);
}

static void test_plain_host(void **state)
{
	expect("BOOT_IMAGE=/boot/vmlinuz-6.12 root=UUID=1234 ro quiet crashkernel=384M\n",
	       NULL, NULL, false, "ro " DEFAULTS);
}

static void test_removes_the_list(void **state)
{
	expect("hugepages=4 hugepagesz=2M default_hugepagesz=1G log_buf_len=1M swiotlb=65536 "
	       "cma=64M hugetlb_cma=2G rd.lvm.lv=vg/root rd.luks.uuid=x rd.md=0 rd.lvm=1 "
	       "panic_on_warn=1 resume=/dev/sda2 console=ttyS0",
	       NULL, NULL, false, "console=ttyS0 " DEFAULTS);
}

static void test_defaults_replace_existing(void **state)
{
	expect("console=ttyS0 nr_cpus=8 numa=on panic=0", NULL, NULL, false,
	       "console=ttyS0 nr_cpus=1 numa=off panic=10 irqpoll reset_devices "
	       "cgroup_disable=memory mce=off udev.children-max=2 acpi_no_memhotplug "
	       "transparent_hugepage=never nokaslr hest_disable novmcoredd cma=0 hugetlb_cma=0");
}

static void test_user_remove_and_append(void **state)
{
	expect("console=ttyS0 splash foo=1", "splash foo", "debug foo=\"a b\"", false,
	       "console=ttyS0 " DEFAULTS " debug foo=\"a b\"");
}

/* the admin's append overrides our defaults, once: nr_cpus=1 then
 * nr_cpus=2 would leave one CPU (the kernel only lowers the count) */
static void test_append_overrides_defaults(void **state)
{
	expect("console=ttyS0", NULL, "nr_cpus=2 console=ttyS1", false,
	       "console=ttyS0 irqpoll reset_devices cgroup_disable=memory mce=off numa=off "
	       "udev.children-max=2 panic=10 acpi_no_memhotplug transparent_hugepage=never "
	       "nokaslr hest_disable novmcoredd cma=0 hugetlb_cma=0 nr_cpus=2 console=ttyS1");
}

/* the capture image's own /init must run: an init= or rdinit= of the host
 * would start the host's init (or none) in the crash kernel instead */
static void test_removes_init_overrides(void **state)
{
	expect("console=ttyS0 init=/sbin/bootchartd rdinit=/bin/sh ro", NULL, NULL, false,
	       "console=ttyS0 ro " DEFAULTS);
	expect("rdinit=/init-debug", NULL, NULL, true,
	       DEFAULTS " module_blacklist=ccp,kvm_amd kdump_snp=1");
	/* a KDUMP_COMMANDLINE written by hand is the host's line too */
	expect("init=/usr/lib/systemd/systemd console=ttyS0", NULL, NULL, false,
	       "console=ttyS0 " DEFAULTS);
}

/* KDUMP_COMMANDLINE_APPEND is the admin's word, so it is refused, not
 * silently dropped */
static void test_refuses_init_in_append(void **state)
{
	char err[512] = "";
	char *out = NULL;

	assert_int_equal(crash_cmdline_compose(&(struct crash_cmdline_input){
		.base = "console=ttyS0", .append = "debug rdinit=/bin/sh" }, &out, err,
		sizeof(err)), -EINVAL);
	assert_null(out);
	assert_string_equal(err, "refusing \"rdinit=/bin/sh\" on the crash command line: the "
			    "crash kernel must run the capture image's /init");
	assert_int_equal(crash_cmdline_compose(&(struct crash_cmdline_input){
		.base = "", .append = "init=/sbin/init" }, &out, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "\"init=/sbin/init\""));
	/* after "--" it is an argument of init, not a kernel parameter */
	expect("", NULL, "-- init=x", false, DEFAULTS " -- init=x");
}

static void test_init_args_kept_last(void **state)
{
	expect("console=ttyS0 -- single quiet", NULL, NULL, false,
	       "console=ttyS0 " DEFAULTS " -- single quiet");
}

static void test_snp_host(void **state)
{
	expect("console=ttyS0", NULL, NULL, true,
	       "console=ttyS0 " DEFAULTS " module_blacklist=ccp,kvm_amd kdump_snp=1");
}

static void test_snp_merges_blacklist(void **state)
{
	expect("module_blacklist=nouveau console=ttyS0", NULL, NULL, true,
	       "module_blacklist=nouveau,ccp,kvm_amd console=ttyS0 " DEFAULTS " kdump_snp=1");
	expect("module_blacklist=kvm_amd,ccp", NULL, NULL, true,
	       "module_blacklist=kvm_amd,ccp " DEFAULTS " kdump_snp=1");
}

static void test_snp_refuses_iommu_off(void **state)
{
	char err[512] = "";
	char *out = NULL;

	assert_int_equal(crash_cmdline_compose(&(struct crash_cmdline_input){
		.base = "console=ttyS0", .append = "amd_iommu=off", .snp = true }, &out, err,
		sizeof(err)), -EINVAL);
	assert_null(out);
	assert_non_null(strstr(err, "refusing \"amd_iommu=off\""));
	/* without SNP the user may turn the IOMMU off */
	expect("", NULL, "amd_iommu=off", false, DEFAULTS " amd_iommu=off");
}

/* Issue #19 item 4: a second panic, in the crash kernel, reboots it after
 * panic=10 and cannot loop into a crash kernel (crashkernel= is gone, so
 * none can be loaded there). The host's sysctl.kernel.panic= would apply
 * after panic=10 and is the host's choice, not the crash kernel's. */
static void test_second_panic_reboots(void **state)
{
	expect("console=ttyS0 sysctl.kernel.panic=0 crashkernel=512M sysctl.kernel/panic=0 "
	       "panic=0", NULL, NULL, false, "console=ttyS0 panic=10 " DEFAULTS_NO_PANIC);
	/* a timeout of the admin's own that still reboots is kept */
	expect("", NULL, "panic=30", false, DEFAULTS_NO_PANIC " panic=30");
	expect("", NULL, "panic=-1", false, DEFAULTS_NO_PANIC " panic=-1");
}

static void expect_refused(const char *append, const char *shown)
{
	char err[512] = "";
	char want[512];
	char *out = NULL;

	assert_int_equal(crash_cmdline_compose(&(struct crash_cmdline_input){
		.base = "console=ttyS0", .append = append }, &out, err, sizeof(err)), -EINVAL);
	assert_null(out);
	snprintf(want, sizeof(want), "refusing \"%s\" on the crash command line: a second "
		 "panic, in the crash kernel, would then stop the machine instead of rebooting "
		 "it; give a number of seconds (a negative one reboots at once)", shown);
	assert_string_equal(err, want);
}

/* ... and KDUMP_COMMANDLINE_APPEND cannot take that away */
static void test_refuses_panic_that_stops(void **state)
{
	expect_refused("debug panic=0", "panic=0");
	expect_refused("panic=30 panic=0", "panic=0");
	expect_refused("panic=never", "panic=never");
	expect_refused("panic", "panic");
	expect_refused("sysctl.kernel.panic=0", "sysctl.kernel.panic=0");
	expect_refused("sysctl.kernel/panic=", "sysctl.kernel/panic=");
	/* the last one counts, as for the kernel */
	expect("", NULL, "panic=0 panic=5", false, DEFAULTS_NO_PANIC " panic=0 panic=5");
}

/* the CPUs makedumpfile's threads can have in the crash kernel */
static void test_cpus(void **state)
{
	assert_int_equal(crash_cmdline_cpus(DEFAULTS), 1);
	assert_int_equal(crash_cmdline_cpus("root=/dev/vda quiet"), 0);
	assert_int_equal(crash_cmdline_cpus(""), 0);
	assert_int_equal(crash_cmdline_cpus("nr_cpus=4 maxcpus=2"), 2);
	assert_int_equal(crash_cmdline_cpus("maxcpus=8 nr_cpus=3"), 3);
	/* maxcpus=0: the boot CPU alone */
	assert_int_equal(crash_cmdline_cpus("maxcpus=0"), 1);
	/* the last one counts */
	assert_int_equal(crash_cmdline_cpus("nr_cpus=2 nr_cpus=3"), 3);
	/* what the kernel cannot read does not limit it */
	assert_int_equal(crash_cmdline_cpus("nr_cpus=two"), 0);
	assert_int_equal(crash_cmdline_cpus("nr_cpus"), 0);
	assert_int_equal(crash_cmdline_cpus("nr_cpus=0"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_host),
		cmocka_unit_test(test_removes_the_list),
		cmocka_unit_test(test_defaults_replace_existing),
		cmocka_unit_test(test_user_remove_and_append),
		cmocka_unit_test(test_append_overrides_defaults),
		cmocka_unit_test(test_removes_init_overrides),
		cmocka_unit_test(test_refuses_init_in_append),
		cmocka_unit_test(test_init_args_kept_last),
		cmocka_unit_test(test_snp_host),
		cmocka_unit_test(test_snp_merges_blacklist),
		cmocka_unit_test(test_snp_refuses_iommu_off),
		cmocka_unit_test(test_second_panic_reboots),
		cmocka_unit_test(test_refuses_panic_that_stops),
		cmocka_unit_test(test_cpus),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
