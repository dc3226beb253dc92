// SPDX-License-Identifier: GPL-2.0-or-later
/* rootfs.c: path resolution below a root, the mount that holds a path,
 * and the record the capture image reads. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rootfs.h"

static char root[] = "/tmp/test-rootfs.XXXXXX";

static void make_dir(const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	assert_int_equal(mkdir(path, 0755), 0);
}

static void make_link(const char *target, const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	assert_int_equal(symlink(target, path), 0);
}

static void write_mountinfo(const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/proc/self/mountinfo", root);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int setup(void **state)
{
	if (!mkdtemp(root))
		return -1;
	make_dir("proc");
	make_dir("proc/self");
	make_dir("var");
	make_dir("srv");
	make_dir("srv/dumps");
	make_link("/srv/dumps", "var/crash");    /* absolute: below the root */
	make_link("../srv/x", "var/rel");        /* relative, to a missing directory */
	make_link("../../../../..", "var/up");   /* cannot climb above the root */
	make_link("loop2", "var/loop1");
	make_link("loop1", "var/loop2");
	return 0;
}

static int teardown(void **state)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd);
}

static void expect_resolved(const char *path, const char *want)
{
	char *out = NULL;

	assert_int_equal(rootfs_resolve_path(root, path, &out), 0);
	assert_string_equal(out, want);
	free(out);
}

static void test_resolve_plain(void **state)
{
	expect_resolved("/var", "/var");
	expect_resolved("/", "/");
	expect_resolved("//var/./", "/var");
	expect_resolved("/var/../srv", "/srv");
	/* a missing tail is kept as written */
	expect_resolved("/var/lib/kdump/x", "/var/lib/kdump/x");
}

static void test_resolve_links(void **state)
{
	expect_resolved("/var/crash", "/srv/dumps");
	expect_resolved("/var/crash/host-1", "/srv/dumps/host-1");
	expect_resolved("/var/rel/a", "/srv/x/a");
	expect_resolved("/var/up/etc", "/etc");
}

static void test_resolve_loop(void **state)
{
	char *out = NULL;

	assert_int_equal(rootfs_resolve_path(root, "/var/loop1/x", &out), -ELOOP);
	assert_null(out);
}

#define VAR_XFS \
	"22 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw\n" \
	"26 22 0:25 / /run rw,nosuid shared:5 - tmpfs tmpfs rw,mode=755\n" \
	"31 22 254:17 / /var rw,relatime shared:15 - xfs /dev/vdb1 rw,attr2,inode64\n" \
	"33 22 254:33 / /srv rw,relatime shared:17 - ext4 /dev/vdc1 rw\n" \
	"34 31 254:49 /dumps /var/spool rw,relatime shared:18 - ext4 /dev/vdd1 rw\n"

static void test_locate_longest_prefix(void **state)
{
	struct fs_location loc;

	write_mountinfo(VAR_XFS);
	assert_int_equal(rootfs_locate(root, "/var/lib/kdump", &loc), 0);
	assert_string_equal(loc.device, "/dev/vdb1");
	assert_string_equal(loc.fstype, "xfs");
	assert_string_equal(loc.mountpoint, "/var");
	assert_string_equal(loc.dir, "/lib/kdump");
	/* no device node below the root: no UUID, the device is the spec */
	assert_null(loc.uuid);
	assert_string_equal(loc.spec, "/dev/vdb1");
	assert_null(loc.subvol);
	assert_null(loc.options);
	fs_location_clear(&loc);

	/* "/variable" is not below "/var" */
	assert_int_equal(rootfs_locate(root, "/variable", &loc), 0);
	assert_string_equal(loc.device, "/dev/vda1");
	assert_string_equal(loc.dir, "/variable");
	fs_location_clear(&loc);

	/* the mount point itself */
	assert_int_equal(rootfs_locate(root, "/var", &loc), 0);
	assert_string_equal(loc.dir, "/");
	fs_location_clear(&loc);
}

/* a bind mount of a subdirectory: the directory inside is below its root */
static void test_locate_bind_mount(void **state)
{
	struct fs_location loc;

	write_mountinfo(VAR_XFS);
	assert_int_equal(rootfs_locate(root, "/var/spool/crash", &loc), 0);
	assert_string_equal(loc.device, "/dev/vdd1");
	assert_string_equal(loc.dir, "/dumps/crash");
	fs_location_clear(&loc);
}

static void test_locate_follows_links(void **state)
{
	struct fs_location loc;

	write_mountinfo(VAR_XFS);
	assert_int_equal(rootfs_locate(root, "/var/crash", &loc), 0);
	assert_string_equal(loc.device, "/dev/vdc1");
	assert_string_equal(loc.mountpoint, "/srv");
	assert_string_equal(loc.dir, "/dumps");
	fs_location_clear(&loc);
}

/* two mounts on one point: the last one hides the first */
static void test_locate_stacked(void **state)
{
	struct fs_location loc;

	write_mountinfo("22 1 254:1 / / rw - ext4 /dev/vda1 rw\n"
			"31 22 254:17 / /var rw - ext4 /dev/vdb1 rw\n"
			"40 31 254:33 / /var rw - ext4 /dev/vdc1 rw\n");
	assert_int_equal(rootfs_locate(root, "/var/lib", &loc), 0);
	assert_string_equal(loc.device, "/dev/vdc1");
	fs_location_clear(&loc);
}

/* root= mounted by the kernel itself: the source is /dev/root, which has no
 * node; the device number finds it */
static void test_locate_dev_root(void **state)
{
	struct fs_location loc;

	write_mountinfo("22 1 254:3 / / rw - ext4 /dev/root rw\n");
	assert_int_equal(rootfs_locate(root, "/var/lib", &loc), 0);
	assert_string_equal(loc.device, "/dev/root");
	fs_location_clear(&loc);
	make_dir("dev");
	make_dir("dev/block");
	make_dir("dev/vda3"); /* anything that exists */
	make_link("../vda3", "dev/block/254:3");
	assert_int_equal(rootfs_locate(root, "/var/lib", &loc), 0);
	assert_string_equal(loc.device, "/dev/block/254:3");
	assert_string_equal(loc.spec, "/dev/block/254:3");
	fs_location_clear(&loc);
}

static void test_locate_btrfs_subvolume(void **state)
{
	struct fs_location loc;

	write_mountinfo("22 1 0:31 /@ / rw - btrfs /dev/nvme0n1p2 rw,ssd,subvolid=256,subvol=/@\n"
			"31 22 0:31 /@home/alice /srv rw - btrfs /dev/nvme0n1p2 rw,subvolid=257,subvol=/@home\n"
			"32 22 0:31 /snap /mnt rw - btrfs /dev/nvme0n1p3 rw\n");
	assert_int_equal(rootfs_locate(root, "/var/lib/crash", &loc), 0);
	assert_string_equal(loc.subvol, "/@");
	assert_string_equal(loc.options, "subvol=/@");
	assert_string_equal(loc.dir, "/var/lib/crash");
	fs_location_clear(&loc);

	/* a directory of a subvolume mounted on its own: below the subvolume */
	assert_int_equal(rootfs_locate(root, "/srv/dumps", &loc), 0);
	assert_string_equal(loc.subvol, "/@home");
	assert_string_equal(loc.dir, "/alice/dumps");
	fs_location_clear(&loc);

	/* no subvol= option (older kernels): the top level, the root below it */
	assert_int_equal(rootfs_locate(root, "/mnt/d", &loc), 0);
	assert_null(loc.subvol);
	assert_null(loc.options);
	assert_string_equal(loc.dir, "/snap/d");
	fs_location_clear(&loc);
}

static void test_locate_not_a_block_device(void **state)
{
	struct fs_location loc;

	write_mountinfo(VAR_XFS);
	assert_int_equal(rootfs_locate(root, "/run/crash", &loc), -ENOTBLK);
	assert_string_equal(loc.fstype, "tmpfs");
	assert_string_equal(loc.device, "tmpfs");
	assert_string_equal(loc.mountpoint, "/run");
	fs_location_clear(&loc);
}

static void test_locate_no_mountinfo(void **state)
{
	struct fs_location loc;
	char path[512];

	snprintf(path, sizeof(path), "%s/proc/self/mountinfo", root);
	unlink(path);
	assert_int_equal(rootfs_locate(root, "/var/crash", &loc), -ENOENT);
	assert_null(loc.spec);
	write_mountinfo("26 22 0:25 / /run rw - tmpfs tmpfs rw\n");
	assert_int_equal(rootfs_locate(root, "/var/crash", &loc), -ENODEV);
}

static void test_format_parse(void **state)
{
	struct fs_location loc = {
		.device = "/dev/vda2", .uuid = "1234-abcd", .spec = "UUID=1234-abcd",
		.fstype = "btrfs", .subvol = "/@", .options = "subvol=/@", .mountpoint = "/",
		.dir = "/var/crash dumps",
	}, back;
	char *text = NULL;

	assert_int_equal(fs_location_format(&loc, &text), 0);
	assert_string_equal(text, "device=/dev/vda2\nuuid=1234-abcd\nspec=UUID=1234-abcd\n"
			    "fstype=btrfs\nsubvol=/@\noptions=subvol=/@\nmountpoint=/\n"
			    "dir=/var/crash dumps\n");
	assert_int_equal(fs_location_parse(text, &back), 0);
	assert_string_equal(back.spec, "UUID=1234-abcd");
	assert_string_equal(back.options, "subvol=/@");
	assert_string_equal(back.dir, "/var/crash dumps");
	fs_location_clear(&back);
	free(text);
}

static void test_parse_refuses_incomplete(void **state)
{
	struct fs_location loc;

	assert_int_equal(fs_location_parse("fstype=ext4\ndir=/crash\n", &loc), -EINVAL);
	assert_int_equal(fs_location_parse("spec=/dev/vdb\nfstype=ext4\ndir=crash\n", &loc), -EINVAL);
	assert_int_equal(fs_location_parse("", &loc), -EINVAL);
	assert_int_equal(fs_location_parse("spec=/dev/vdb\nfstype=ext4\nbogus\ndir=/\n", &loc), 0);
	assert_string_equal(loc.dir, "/");
	fs_location_clear(&loc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_resolve_plain),
		cmocka_unit_test(test_resolve_links),
		cmocka_unit_test(test_resolve_loop),
		cmocka_unit_test(test_locate_longest_prefix),
		cmocka_unit_test(test_locate_bind_mount),
		cmocka_unit_test(test_locate_follows_links),
		cmocka_unit_test(test_locate_stacked),
		cmocka_unit_test(test_locate_dev_root),
		cmocka_unit_test(test_locate_btrfs_subvolume),
		cmocka_unit_test(test_locate_not_a_block_device),
		cmocka_unit_test(test_locate_no_mountinfo),
		cmocka_unit_test(test_format_parse),
		cmocka_unit_test(test_parse_refuses_incomplete),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
